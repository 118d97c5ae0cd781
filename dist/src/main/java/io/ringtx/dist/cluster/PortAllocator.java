package io.ringtx.dist.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Chooses distinct ports that are free on 127.0.0.1 at the time of the call. */
@FunctionalInterface
public interface PortAllocator {

  /** {@code count} distinct ports, free now. */
  List<Integer> allocate(int count);

  /**
   * Free loopback ports, preferably below the kernel's ephemeral range: a cluster keeps its ports
   * across restarts, and a port inside that range may meanwhile be taken as the local end of some
   * outgoing connection. Each port is checked by binding it, and every socket stays bound until
   * all are chosen, so the ports are distinct.
   */
  static PortAllocator loopback() {
    return count -> {
      List<ServerSocket> held = new ArrayList<>();
      try {
        int[] range = preferredRange();
        Set<Integer> tried = new HashSet<>();
        int attempts = 0;
        while (held.size() < count && range != null && attempts++ < 50 * count) {
          int port = ThreadLocalRandom.current().nextInt(range[0], range[1]);
          if (tried.add(port)) {
            bind(port).ifPresent(held::add);
          }
        }
        while (held.size() < count) {
          held.add(bind(0).orElseThrow(() -> new IllegalStateException("no free port")));
        }
        return held.stream().map(ServerSocket::getLocalPort).toList();
      } finally {
        for (ServerSocket s : held) {
          try {
            s.close();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot release port " + s.getLocalPort(), e);
          }
        }
      }
    };
  }

  /** Whether a server could bind {@code port} on 127.0.0.1 now. */
  static boolean isFree(int port) {
    var socket = bind(port);
    socket.ifPresent(s -> {
      try {
        s.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return socket.isPresent();
  }

  private static Optional<ServerSocket> bind(int port) {
    ServerSocket s = null;
    try {
      s = new ServerSocket();
      // As the nodes' servers do, so that a port in TIME_WAIT after a stop counts as free.
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return Optional.of(s);
    } catch (IOException e) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      return Optional.empty();
    }
  }

  /** [low, high) below Linux's ephemeral range, or null where that range is unknown or low. */
  private static int[] preferredRange() {
    Path f = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      if (Files.isReadable(f)) {
        // Not Files.readString: it trusts the size that /proc reports (0) and reads too little.
        String line;
        try (BufferedReader in = Files.newBufferedReader(f)) {
          line = in.readLine();
        }
        String[] parts = (line == null ? "" : line).trim().split("\\s+");
        int ephemeralLow = Integer.parseInt(parts[0]);
        if (ephemeralLow > 20_000 + 1_000) {
          return new int[] {20_000, ephemeralLow};
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Unknown: fall back to ports chosen by the kernel.
    }
    return null;
  }
}
