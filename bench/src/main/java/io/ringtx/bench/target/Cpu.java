package io.ringtx.bench.target;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/** CPU time of processes, where the platform tells it. */
public final class Cpu {
  private Cpu() {}

  /** This JVM's CPU time in nanoseconds, or null if unknown. */
  public static Long thisProcessNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long t = os.getProcessCpuTime();
      if (t >= 0) {
        return t;
      }
    }
    return processNanos(ProcessHandle.current().pid());
  }

  /** The CPU time of process {@code pid} in nanoseconds, or null if unknown or gone. */
  public static Long processNanos(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(null);
  }

  /** The system load average over the last minute, or null if unknown. */
  public static Double loadAverage() {
    double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? null : l;
  }
}
