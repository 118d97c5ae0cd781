package io.ringtx.protocol.metrics;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What a node's JVM spends besides the node's own work, in the Prometheus text format: its CPU
 * time, the time its threads waited for a CPU ({@link CpuWait}), and the time its JIT compiler
 * and its garbage collector took. On a machine of few cores a
 * JVM that is still compiling its hot paths takes a fair share of them from the work (measured
 * on this project's 2-core VM: a tenth of each node's CPU one minute into a load), so a
 * benchmark that reads these can tell whether it measured the steady state.
 */
public final class JvmMetrics {
  private JvmMetrics() {}

  /**
   * Appends the JVM's counters to {@code out}; a counter the JVM does not tell is left out. Reads
   * a file per thread ({@link CpuWait}): call it off event loops.
   */
  public static PromText render(PromText out) {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long cpu = os.getProcessCpuTime();
      if (cpu >= 0) {
        out.counter("process_cpu_seconds_total",
            "CPU time of the node's process (user and system).", cpu / 1e9);
      }
    }
    CpuWait.selfNanos().ifPresent(wait -> out.counter("ringtx_process_cpu_wait_seconds_total",
        "Time the node's threads spent ready to run but waiting for a CPU (Linux only).",
        wait / 1e9));
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
      out.counter("ringtx_jvm_compile_seconds_total",
          "Time the JVM's JIT compiler threads spent compiling.",
          jit.getTotalCompilationTime() / 1e3);
    }
    long gcMillis = 0;
    boolean told = false;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      long t = gc.getCollectionTime();
      if (t >= 0) {
        gcMillis += t;
        told = true;
      }
    }
    if (told) {
      out.counter("ringtx_jvm_gc_seconds_total",
          "Time the JVM's garbage collectors spent collecting (pauses and concurrent work).",
          gcMillis / 1e3);
    }
    return out;
  }
}
