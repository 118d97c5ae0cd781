package io.ringtx.dist.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code DIR/<id>/pid} files, and whether the process they name is still the node. A pid
 * outlives its process and may be given to an unrelated one later, so a live pid counts as the
 * node only if that process's command line names the node's configuration file (where the
 * platform tells the command line; otherwise a live pid is taken at its word). No signal is ever
 * sent to a process that fails this check.
 */
public final class PidFiles {
  private PidFiles() {}

  /** The pid recorded for {@code id}, if any; a damaged file counts as none. */
  public static OptionalLong read(ClusterDir dir, String id) throws IOException {
    try {
      String text = Files.readString(dir.pidFile(id), StandardCharsets.US_ASCII).trim();
      return OptionalLong.of(Long.parseLong(text));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Records {@code pid} for {@code id}: the number alone, so that scripts can {@code kill $(cat pid)}. */
  public static void write(ClusterDir dir, String id, long pid) throws IOException {
    Files.writeString(dir.pidFile(id), pid + "\n", StandardCharsets.US_ASCII);
  }

  public static void delete(ClusterDir dir, String id) throws IOException {
    Files.deleteIfExists(dir.pidFile(id));
  }

  /** The live process of node {@code id}: its recorded pid, alive, and running that node. */
  public static Optional<ProcessHandle> live(ClusterDir dir, String id) throws IOException {
    OptionalLong pid = read(dir, id);
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid.getAsLong())
        .filter(ProcessHandle::isAlive)
        .filter(p -> runsNode(p, dir.configFile(id)));
  }

  /** Whether {@code process} runs the node of {@code configFile}, as far as the platform tells. */
  static boolean runsNode(ProcessHandle process, Path configFile) {
    Optional<String[]> args = process.info().arguments();
    if (args.isEmpty()) {
      return true;
    }
    List<String> a = List.of(args.get());
    int i = a.indexOf("--config");
    if (i < 0 || i + 1 >= a.size()) {
      return false;
    }
    String given = a.get(i + 1);
    if (given.equals(configFile.toString())) {
      return true;
    }
    // The same file under another spelling, e.g. the directory opened through a symbolic link.
    try {
      return Files.isSameFile(Path.of(given), configFile);
    } catch (IOException | InvalidPathException e) {
      return false;
    }
  }
}
