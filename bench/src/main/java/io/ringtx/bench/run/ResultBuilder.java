package io.ringtx.bench.run;

import io.ringtx.bench.report.BenchResult;
import io.ringtx.bench.target.BenchTarget;
import io.ringtx.bench.target.NodeSample;
import io.ringtx.bench.target.PhaseBuckets;
import io.ringtx.bench.workload.Workload;
import io.ringtx.bench.workload.WorkloadSettings;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/** Turns what a run measured into a {@link BenchResult}. */
final class ResultBuilder {
  /** The percentiles of the plotted latency curve. */
  private static final double[] CURVE = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95,
      97.5, 99, 99.5, 99.75, 99.9, 99.95, 99.99, 99.995, 99.999, 100};

  private final BenchOptions options;
  private final BenchTarget target;

  ResultBuilder(BenchOptions options, BenchTarget target) {
    this.options = options;
    this.target = target;
  }

  BenchResult build(String startedAt, Double loadStart, Double loadEnd, BenchRunner.Measured m,
      BenchResult.Bank bank) {
    double secs = options.duration().toNanos() / 1e9;
    long committed = m.total().getTotalCount();
    long aborted = sum(m.aborts());
    long failed = sum(m.failures());
    long ended = committed + aborted + failed;
    BenchResult.Summary summary = new BenchResult.Summary(secs, m.transactions(),
        m.missedStarts(), committed,
        round(committed / secs, 1), aborted, ended == 0 ? 0 : round((double) aborted / ended, 5),
        m.aborts(), failed, m.failures(), secondHalfRatio(m.timeline()));
    BenchResult.Latencies lat = new BenchResult.Latencies(stats(m.total()), stats(m.read()),
        stats(m.commit()), statsIfAny(m.commitOneShard()), statsIfAny(m.commitCrossShard()),
        options.openLoop() ? stats(m.service()) : null,
        phases(m.nodesStart(), m.nodesEnd()));
    double window = m.sampleNanos() / 1e9;
    Map<String, BenchResult.Node> nodes = nodes(m.nodesStart(), m.nodesEnd(), window);
    Double jvmCpu = delta(m.jvmCpuStart(), m.jvmCpuEnd(), v -> v / 1e9);
    BenchResult.BenchJvm jvm = new BenchResult.BenchJvm(round(jvmCpu, 3),
        jvmCpu == null || window <= 0 ? null : round(jvmCpu / window, 3),
        target.nodesInThisJvm()
            ? "the nodes run in this JVM: its CPU is theirs and the harness's together"
            : "the harness only (clients and measurement)");
    return new BenchResult(BenchResult.FORMAT, "ringtx bench run", startedAt, options(),
        new BenchResult.Target(target.kind(), target.description(), target.urls()), machine(
            loadStart, loadEnd), summary, lat, m.timeline(), nodes,
        storeTotals(nodes, m.nodesEnd().keySet(), committed), jvm, bank,
        new BenchResult.Histograms("microseconds", encode(m.total()), encode(m.read()),
            encode(m.commit())));
  }

  /**
   * Commits per second in the second half of the measured ticks over the first half; null with
   * fewer than four measured ticks or none committed in the first half.
   */
  static Double secondHalfRatio(List<BenchResult.Tick> timeline) {
    List<BenchResult.Tick> measured = timeline.stream().filter(t -> !t.warmup()).toList();
    if (measured.size() < 4) {
      return null;
    }
    int half = measured.size() / 2;
    double first = 0;
    double second = 0;
    for (int i = 0; i < measured.size(); i++) {
      if (i < half) {
        first += measured.get(i).committedPerSecond() / half;
      } else {
        second += measured.get(i).committedPerSecond() / (measured.size() - half);
      }
    }
    return first <= 0 ? null : round(second / first, 3);
  }

  private BenchResult.Options options() {
    WorkloadSettings w = options.workload();
    boolean zipf = w.dist() == Workload.Distribution.ZIPFIAN;
    return new BenchResult.Options(w.workload().cliName(), w.keys(), w.valueSize(), w.opsPerTxn(),
        w.dist().toString(), zipf ? w.zipfTheta() : null, w.seed(),
        options.duration().toMillis() / 1000.0, options.warmup().toMillis() / 1000.0,
        options.openLoop() ? "open" : "closed", options.concurrency(),
        options.openLoop() ? options.rate() : null, options.maxAttempts(), options.load());
  }

  private static BenchResult.Machine machine(Double loadStart, Double loadEnd) {
    Runtime rt = Runtime.getRuntime();
    return new BenchResult.Machine(rt.availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("os.arch"), Runtime.version().toString(),
        System.getProperty("java.vm.name"), System.getProperty("java.vm.vendor"),
        rt.maxMemory(), loadStart, loadEnd);
  }

  /** As {@link #stats}, or null for an empty histogram. */
  private static BenchResult.Stats statsIfAny(Histogram h) {
    return h.getTotalCount() == 0 ? null : stats(h);
  }

  static BenchResult.Stats stats(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new BenchResult.Stats(0, 0, 0, 0, 0, 0, 0, List.of());
    }
    List<BenchResult.Point> curve = new ArrayList<>();
    for (double p : CURVE) {
      curve.add(new BenchResult.Point(p, ms(h.getValueAtPercentile(p))));
    }
    return new BenchResult.Stats(h.getTotalCount(), round(h.getMean() / 1000.0, 3),
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
        curve);
  }

  private static Map<String, BenchResult.Node> nodes(Map<String, NodeSample> start,
      Map<String, NodeSample> end, double window) {
    Map<String, BenchResult.Node> nodes = new LinkedHashMap<>();
    end.forEach((name, e) -> {
      NodeSample s = start.getOrDefault(name, NodeSample.EMPTY);
      Long forced = delta(s.forcedWrites(), e.forcedWrites(), v -> v);
      Long syncs = delta(s.syncs(), e.syncs(), v -> v);
      Long lazy = delta(s.lazyWrites(), e.lazyWrites(), v -> v);
      Double cpu = delta(s.cpuNanos(), e.cpuNanos(), v -> v / 1e9);
      Double jit = delta(s.jitNanos(), e.jitNanos(), v -> v / 1e9);
      Double gc = delta(s.gcNanos(), e.gcNanos(), v -> v / 1e9);
      Double cpuWait = delta(s.cpuWaitNanos(), e.cpuWaitNanos(), v -> v / 1e9);
      nodes.put(name, new BenchResult.Node(forced, syncs, lazy, meanBatch(forced, syncs),
          round(cpu, 3), cpu == null || window <= 0 ? null : round(cpu / window, 3),
          round(jit, 3), round(gc, 3), round(cpuWait, 3)));
    });
    return nodes;
  }

  /**
   * The coordinators' phase histograms over the measured window, merged over the nodes; null if
   * no node has any (a target without coordinators, or one that does not tell).
   */
  static Map<String, BenchResult.PhaseStats> phases(Map<String, NodeSample> start,
      Map<String, NodeSample> end) {
    Map<String, PhaseBuckets> merged = new TreeMap<>();
    end.forEach((name, e) -> {
      Map<String, PhaseBuckets> before = start.getOrDefault(name, NodeSample.EMPTY).phases();
      e.phases().forEach((phase, b) -> {
        PhaseBuckets window = before.containsKey(phase) ? b.minus(before.get(phase)) : b;
        if (window != null) {
          merged.merge(phase, window, (x, y) -> {
            PhaseBuckets sum = x.plus(y);
            return sum == null ? x : sum;
          });
        }
      });
    });
    if (merged.isEmpty()) {
      return null;
    }
    Map<String, BenchResult.PhaseStats> out = new LinkedHashMap<>();
    for (String phase : PHASE_ORDER) {
      PhaseBuckets b = merged.remove(phase);
      if (b != null) {
        out.put(phase, phaseStats(b));
      }
    }
    merged.forEach((phase, b) -> out.put(phase, phaseStats(b)));
    return out;
  }

  /** The coordinator's phases in the order a transaction goes through them. */
  private static final List<String> PHASE_ORDER =
      List.of("prepare", "decision", "acknowledge", "one_phase", "validate");

  private static BenchResult.PhaseStats phaseStats(PhaseBuckets b) {
    if (b.count() <= 0) {
      return new BenchResult.PhaseStats(0, null, null, null, null);
    }
    return new BenchResult.PhaseStats(b.count(), round(1000 * b.sumSeconds() / b.count(), 3),
        round(1000 * b.quantile(0.5), 3), round(1000 * b.quantile(0.9), 3),
        round(1000 * b.quantile(0.99), 3));
  }

  private static BenchResult.StoreTotals storeTotals(Map<String, BenchResult.Node> nodes,
      java.util.Set<String> names, long committed) {
    long forced = 0;
    long syncs = 0;
    List<String> silent = new ArrayList<>();
    for (String name : names) {
      BenchResult.Node n = nodes.get(name);
      if (n.forcedWrites() == null || n.syncs() == null) {
        silent.add(name);
        continue;
      }
      forced += n.forcedWrites();
      syncs += n.syncs();
    }
    return new BenchResult.StoreTotals(forced, syncs, meanBatch(forced, syncs),
        committed == 0 ? null : round((double) forced / committed, 3),
        committed == 0 ? null : round((double) syncs / committed, 3),
        silent.isEmpty() ? null : silent);
  }

  private static Double meanBatch(Long forced, Long syncs) {
    return forced == null || syncs == null || syncs == 0 ? null
        : round((double) forced / syncs, 3);
  }

  private static <T> T delta(Long start, Long end, Function<Long, T> f) {
    return start == null || end == null ? null : f.apply(end - start);
  }

  private static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  private static double ms(long micros) {
    return round(micros / 1000.0, 3);
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static Double round(Double v, int digits) {
    return v == null ? null : round(v.doubleValue(), digits);
  }
}
