package io.ringtx.protocol.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The time a process's threads spent ready to run but waiting for a CPU, from Linux's per-thread
 * scheduler statistics ({@code /proc/self/task/<tid>/schedstat}: time on a CPU, time waiting on
 * a run queue, time slices, all in nanoseconds). On a machine with fewer cores than busy threads
 * every hand-off between processes can wait here (measured on this project's 2-core VM with a
 * whole cluster on it: a participant's event loop waited about 35 us each time it woke, at one
 * client), so a latency figure is read beside it.
 *
 * <p>A thread's statistics go with it when it ends. The total stays a counter (it never goes
 * down): a thread seen before and gone now keeps the wait it had when last seen, and a thread id
 * that shows less wait than before is a new thread with a reused id. Wait that a thread had
 * between the last reading and its end is not counted.
 */
public final class CpuWait {
  /** This process's threads. */
  private static final CpuWait SELF = new CpuWait(Path.of("/proc/self/task"));

  private final Path tasks;
  /** The wait each thread had when last read, by thread id (its directory name). */
  private final Map<String, Long> last = new HashMap<>();
  /** The wait of threads that ended (or whose id was reused) since the first reading. */
  private long retired;

  /** Reads the threads under {@code tasks}, one directory per thread, as in {@code /proc}. */
  CpuWait(Path tasks) {
    this.tasks = tasks;
  }

  /** This process's total, or empty where the system does not tell (not Linux, no schedstat). */
  public static OptionalLong selfNanos() {
    return SELF.totalNanos();
  }

  /**
   * The wait of every thread under {@code tasks} now, plus that of the threads that ended; empty
   * if no thread's statistics could be read. A thread whose file is missing or malformed is left
   * out of this reading.
   */
  synchronized OptionalLong totalNanos() {
    Map<String, Long> now = new HashMap<>();
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path t : threads) {
        long wait = waitNanos(t.resolve("schedstat"));
        if (wait >= 0) {
          now.put(t.getFileName().toString(), wait);
        }
      }
    } catch (IOException | SecurityException e) {
      return OptionalLong.empty();
    }
    if (now.isEmpty()) {
      return OptionalLong.empty();
    }
    last.forEach((tid, before) -> {
      Long current = now.get(tid);
      if (current == null || current < before) {
        retired += before; // ended, or its id now names a new thread
      }
    });
    last.clear();
    last.putAll(now);
    long total = retired;
    for (long w : now.values()) {
      total += w;
    }
    return OptionalLong.of(total);
  }

  /** The second field of a schedstat file, or -1 if it cannot be read. */
  static long waitNanos(Path schedstat) {
    try {
      String[] f = Files.readString(schedstat, StandardCharsets.US_ASCII).trim().split("\\s+");
      if (f.length < 2) {
        return -1;
      }
      long wait = Long.parseLong(f[1]);
      return wait >= 0 ? wait : -1;
    } catch (IOException | NumberFormatException | SecurityException e) {
      return -1; // the thread ended while being read, or the file is not what it should be
    }
  }
}
