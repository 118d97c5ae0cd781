package io.ringtx.dist.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who holds a TCP port on this machine, for error messages: read from Linux's {@code
 * /proc/net/tcp*} (the sockets on the port and their states) and {@code /proc/PID/fd} (the
 * process that has each socket open). Best effort: elsewhere, or for another user's processes,
 * it says less or nothing.
 */
final class PortOwner {
  private static final Path PROC = Path.of("/proc");
  /** TCP states as /proc/net/tcp numbers them (include/net/tcp_states.h). */
  private static final String[] STATES = {"", "ESTABLISHED", "SYN_SENT", "SYN_RECV",
      "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN",
      "CLOSING"};
  private static final int MAX_COMMAND = 120;

  private PortOwner() {}

  /**
   * What holds {@code port}, as {@code "pid 123 (java …) LISTEN"} or {@code "a socket in
   * TIME_WAIT"}, joined with "; "; empty if nothing can be told.
   */
  static Optional<String> describe(int port) {
    return describe(PROC, port);
  }

  static Optional<String> describe(Path proc, int port) {
    Map<Long, String> sockets = new LinkedHashMap<>(); // inode → state
    List<String> orphans = new ArrayList<>();
    for (String table : List.of("net/tcp", "net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(proc.resolve(table), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || localPort(f[1]) != port) {
          continue;
        }
        String state = state(f[3]);
        long inode = parseLong(f[9]);
        if (inode > 0) {
          sockets.putIfAbsent(inode, state);
        } else {
          orphans.add("a socket in " + state);
        }
      }
    }
    List<String> out = new ArrayList<>();
    if (!sockets.isEmpty()) {
      owners(proc, sockets, out);
    }
    orphans.stream().distinct().forEach(out::add);
    return out.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", out));
  }

  /** Adds "pid N (command) STATE" for each process with one of {@code sockets} open. */
  private static void owners(Path proc, Map<Long, String> sockets, List<String> out) {
    Set<Long> found = new HashSet<>();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path pid : pids) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
          for (Path fd : fds) {
            String target;
            try {
              target = Files.readSymbolicLink(fd).toString();
            } catch (IOException | UnsupportedOperationException e) {
              continue;
            }
            if (target.startsWith("socket:[") && target.endsWith("]")) {
              long inode = parseLong(target.substring(8, target.length() - 1));
              if (sockets.containsKey(inode)) {
                found.add(inode);
                out.add("pid " + pid.getFileName() + " (" + command(pid) + ") "
                    + sockets.get(inode));
              }
            }
          }
        } catch (IOException | SecurityException e) {
          // another user's process, or gone meanwhile
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    sockets.forEach((inode, state) -> {
      if (!found.contains(inode)) {
        out.add("a socket in " + state + " of a process not visible here");
      }
    });
  }

  private static String command(Path pid) {
    try {
      String c = new String(Files.readAllBytes(pid.resolve("cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ').strip();
      return c.length() <= MAX_COMMAND ? c : c.substring(0, MAX_COMMAND) + "…";
    } catch (IOException e) {
      return "?";
    }
  }

  /** The port of {@code "0100007F:6ACB"} (hex), or -1. */
  static int localPort(String address) {
    int colon = address.lastIndexOf(':');
    try {
      return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String state(String hex) {
    try {
      int s = Integer.parseInt(hex, 16);
      return s > 0 && s < STATES.length ? STATES[s] : "state " + hex.toUpperCase(Locale.ROOT);
    } catch (NumberFormatException e) {
      return "state " + hex;
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
