package io.ringtx.bench.report;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The end-of-run summary printed to the terminal. */
public final class TextSummary {
  /** A second half this much faster than the first means the run had not warmed up. */
  static final double WARMING = 1.10;

  /**
   * The share of the nodes' CPU time in JIT compilation from which the summary warns that the
   * JVMs were still warming up.
   */
  static final double JIT_WARNING = 0.05;

  private TextSummary() {}

  /** Prints {@code r} to {@code out}. */
  public static void print(BenchResult r, PrintWriter out) {
    BenchResult.Summary s = r.summary();
    BenchResult.Options o = r.options();
    out.println();
    out.printf(Locale.ROOT, "%s on %s (%s), %s loop, %d %s, %.1f s measured%n", o.workload(),
        r.target().kind(), r.target().description(), o.loop(), o.concurrency(),
        o.rate() == null ? "clients" : "in flight at most, " + o.rate() + " tx/s intended",
        s.measuredSeconds());
    out.printf(Locale.ROOT, "committed     %,d  (%,.1f/s)%n", s.committed(), s.committedPerSecond());
    out.printf(Locale.ROOT, "aborted       %,d  (%.2f%% of %,d)%s%n", s.aborted(),
        100 * s.abortRate(), s.transactions(), reasons(s.abortsByReason()));
    if (s.missedStarts() != null && s.missedStarts() > 0) {
      out.printf(Locale.ROOT, "missed starts %,d  (due on the schedule, never begun: overloaded)%n",
          s.missedStarts());
    }
    if (s.secondHalfRatio() != null && s.secondHalfRatio() >= WARMING) {
      out.printf(Locale.ROOT, "warning       commits/s rose %.0f%% from the first half of the"
          + " measured window to the second: still warming up (the JIT, caches); a longer"
          + " --warmup gives steadier figures%n", 100 * (s.secondHalfRatio() - 1));
    }
    if (s.failed() > 0) {
      out.printf(Locale.ROOT, "failed        %,d%s%n", s.failed(), reasons(s.failuresByReason()));
    }
    BenchResult.Latencies l = r.latencyMs();
    out.println("latency (ms)          p50       p90       p99     p99.9       max");
    line(out, r.options().rate() == null ? "transaction" : "from intended", l.total());
    if (l.serviceTime() != null) {
      line(out, "from actual start", l.serviceTime());
    }
    line(out, "read phase", l.readPhase());
    line(out, "commit call", l.commitCall());
    // The commit call split by the shards a transaction spanned, each with its share of commits.
    if (l.commitOneShard() != null) {
      line(out, "  one shard " + share(l.commitOneShard(), l.commitCall()), l.commitOneShard());
    }
    if (l.commitCrossShard() != null) {
      line(out, "  cross-shard " + share(l.commitCrossShard(), l.commitCall()),
          l.commitCrossShard());
    }
    if (l.coordinatorPhases() != null) {
      out.println("coordinator phases (ms)   count      mean       p50       p90       p99");
      l.coordinatorPhases().forEach((phase, p) -> {
        if (p.count() > 0) {
          out.printf(Locale.ROOT, "  %-18s %,11d %9.3f %9.3f %9.3f %9.3f%n", phase, p.count(),
              p.mean(), p.p50(), p.p90(), p.p99());
        }
      });
    }
    BenchResult.StoreTotals t = r.storeTotals();
    if (t != null && (t.forcedWrites() > 0 || t.syncs() > 0)) {
      out.printf(Locale.ROOT, "store         %,d forced writes, %,d fsyncs: %s per fsync;"
          + " %s forced writes and %s fsyncs per commit%n", t.forcedWrites(), t.syncs(),
          num(t.meanBatch()), num(t.forcedWritesPerCommit()), num(t.syncsPerCommit()));
    }
    if (t != null && t.nodesNotReporting() != null) {
      out.println("              no store counters from: " + String.join(", ",
          t.nodesNotReporting()));
    }
    r.nodes().forEach((name, n) -> {
      if (n.forcedWrites() != null || n.cpuSeconds() != null) {
        out.printf(Locale.ROOT, "  %-28s forced %s, fsyncs %s, batch %s, cpu %s%n", name,
            n.forcedWrites() == null ? "-" : String.format(Locale.ROOT, "%,d", n.forcedWrites()),
            n.syncs() == null ? "-" : String.format(Locale.ROOT, "%,d", n.syncs()),
            num(n.meanBatch()),
            n.cpuSeconds() == null ? "-" : String.format(Locale.ROOT, "%.2f s (%.2f cores)",
                n.cpuSeconds(), n.cpuCores()) + jvmTimes(n));
      }
    });
    double[] jit = jitAndCpu(r.nodes());
    if (jit[1] > 0 && jit[0] / jit[1] >= JIT_WARNING) {
      out.printf(Locale.ROOT, "warning       the nodes' JVMs spent %.1f s compiling against %.1f s"
          + " of CPU in the measured window (%.0f%%): still compiling, which costs throughput and"
          + " latency on a machine of few cores; a longer --warmup measures the steady state%n",
          jit[0], jit[1], 100 * jit[0] / jit[1]);
    }
    BenchResult.BenchJvm j = r.benchJvm();
    if (j != null && j.cpuSeconds() != null) {
      out.printf(Locale.ROOT, "harness JVM   cpu %.2f s (%.2f cores): %s%n", j.cpuSeconds(),
          j.cpuCores() == null ? 0 : j.cpuCores(), j.note());
    }
    if (r.bank() != null) {
      BenchResult.Bank b = r.bank();
      out.printf(Locale.ROOT, "bank          %,d accounts, total %,d before and %,d after: %s%n",
          b.accounts(), b.totalBefore(), b.totalAfter(),
          b.conserved() ? "conserved" : "NOT CONSERVED (expected " + b.expectedTotal() + ")");
    }
    out.flush();
  }

  /**
   * ", JIT 1.20 s, GC 0.10 s, waited for a CPU 2.50 s" with what the node told of these, else "".
   */
  private static String jvmTimes(BenchResult.Node n) {
    return (n.jitSeconds() == null ? "" : String.format(Locale.ROOT, ", JIT %.2f s", n.jitSeconds()))
        + (n.gcSeconds() == null ? "" : String.format(Locale.ROOT, ", GC %.2f s", n.gcSeconds()))
        + (n.cpuWaitSeconds() == null ? ""
            : String.format(Locale.ROOT, ", waited for a CPU %.2f s", n.cpuWaitSeconds()));
  }

  /**
   * The nodes' JIT compilation time and their CPU time in the measured window, in seconds,
   * summed over the nodes that told both. Compilation time is the JVM's own count (elapsed time
   * of each compilation), so on a busy machine it can exceed the compiler threads' CPU time.
   */
  static double[] jitAndCpu(Map<String, BenchResult.Node> nodes) {
    double jit = 0;
    double cpu = 0;
    for (BenchResult.Node n : nodes.values()) {
      if (n.jitSeconds() != null && n.cpuSeconds() != null) {
        jit += n.jitSeconds();
        cpu += n.cpuSeconds();
      }
    }
    return new double[] {jit, cpu};
  }

  /** {@code part}'s count as a whole percentage of {@code whole}'s. */
  private static String share(BenchResult.Stats part, BenchResult.Stats whole) {
    return Math.round(100.0 * part.count() / Math.max(1, whole.count())) + "%";
  }

  private static void line(PrintWriter out, String what, BenchResult.Stats s) {
    out.printf(Locale.ROOT, "  %-18s %9.3f %9.3f %9.3f %9.3f %9.3f%n", what, s.p50(), s.p90(),
        s.p99(), s.p999(), s.max());
  }

  private static String reasons(Map<String, Long> m) {
    if (m.isEmpty()) {
      return "";
    }
    return ": " + m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String num(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.2f", d);
  }
}
