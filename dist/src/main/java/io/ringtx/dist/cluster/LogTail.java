package io.ringtx.dist.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a node's log, for the message that says why a node did not come up. */
final class LogTail {
  /** Bytes read from the end at most: a log may be large after a long run. */
  private static final int MAX_BYTES = 64 * 1024;

  private LogTail() {}

  /** Up to {@code lines} last lines of {@code log}, or a line saying why there are none. */
  static List<String> last(Path log, int lines) {
    if (!Files.isRegularFile(log)) {
      return List.of("(no log file " + log + ")");
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long length = f.length();
      int n = (int) Math.min(length, MAX_BYTES);
      byte[] bytes = new byte[n];
      f.seek(length - n);
      f.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
      if (n < length && !all.isEmpty()) {
        all = all.subList(1, all.size()); // the first line read is probably cut
      }
      return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
    }
  }

  /** The tail as an indented block for an error message, under a header naming the file. */
  static String block(Path log, int lines) {
    StringBuilder b = new StringBuilder();
    b.append(System.lineSeparator()).append("  last lines of ").append(log).append(':');
    for (String line : last(log, lines)) {
      b.append(System.lineSeparator()).append("    ").append(line);
    }
    return b.toString();
  }
}
