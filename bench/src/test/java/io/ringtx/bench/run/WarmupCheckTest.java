package io.ringtx.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.bench.report.BenchResult;
import io.ringtx.bench.report.TextSummary;
import io.ringtx.bench.workload.Workload;
import io.ringtx.bench.workload.WorkloadSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The check that a run had warmed up: its measured window's second half against its first. */
class WarmupCheckTest {
  private static List<BenchResult.Tick> ticks(double... perSecond) {
    List<BenchResult.Tick> out = new ArrayList<>();
    out.add(new BenchResult.Tick(0.5, true, 10, 0, null, null)); // warmup: not counted
    for (int i = 0; i < perSecond.length; i++) {
      out.add(new BenchResult.Tick(i + 1, false, perSecond[i], 0, null, null));
    }
    return out;
  }

  @Test
  void aRunStillRising_hasASecondHalfWellAboveItsFirst() {
    assertThat(ResultBuilder.secondHalfRatio(ticks(100, 200, 300, 400))).isEqualTo(2.333);
    assertThat(ResultBuilder.secondHalfRatio(ticks(1000, 1010, 990, 1000))).isEqualTo(0.99);
    // An odd count puts the middle tick in the second half.
    assertThat(ResultBuilder.secondHalfRatio(ticks(100, 100, 100, 100, 400))).isEqualTo(2.0);
  }

  @Test
  void tooFewTicks_orNothingAtFirst_tellsNothing() {
    assertThat(ResultBuilder.secondHalfRatio(ticks(100, 200, 300))).isNull();
    assertThat(ResultBuilder.secondHalfRatio(ticks(0, 0, 300, 400))).isNull();
  }

  @Test
  void theSummaryWarnsOfAWarmupTooShort_onlyWhenTheSecondHalfWasFaster() throws Exception {
    BenchResult steadyRun = new BenchRunner(new BenchOptions(
        new WorkloadSettings(Workload.SINGLE, 20, 8, 4, Workload.Distribution.UNIFORM, 0.99, 3),
        Duration.ofMillis(1600), Duration.ZERO, 2, 0, 1, true, Duration.ofMillis(200)),
        new PrintWriter(new StringWriter())).run(new FakeTarget(5));
    // The run's own ratio exists (about eight measured ticks); the warning depends on it alone.
    assertThat(steadyRun.summary().secondHalfRatio()).isNotNull();
    StringWriter steady = new StringWriter();
    TextSummary.print(withRatio(steadyRun, 1.05), new PrintWriter(steady, true));
    assertThat(steady.toString()).doesNotContain("still warming up");
    StringWriter warned = new StringWriter();
    TextSummary.print(withRatio(steadyRun, 1.5), new PrintWriter(warned, true));
    assertThat(warned.toString()).contains("rose 50%").contains("still warming up")
        .contains("--warmup");
  }

  @Test
  void theSummaryWarnsOfJvmsStillCompiling_fromTheNodesJitShareOfTheirCpu() throws Exception {
    BenchResult run = new BenchRunner(new BenchOptions(
        new WorkloadSettings(Workload.SINGLE, 20, 8, 4, Workload.Distribution.UNIFORM, 0.99, 3),
        Duration.ofMillis(600), Duration.ZERO, 2, 0, 1, true, Duration.ofMillis(200)),
        new PrintWriter(new StringWriter())).run(new FakeTarget(5));
    // Two nodes: 10 s of CPU of which 0.4 s compiling (4%), then 0.6 s (6%).
    BenchResult.Node quiet = new BenchResult.Node(1L, 1L, 0L, 1.0, 6.0, 0.2, 0.1, 0.05, 1.25);
    BenchResult.Node still = new BenchResult.Node(1L, 1L, 0L, 1.0, 4.0, 0.13, 0.3, 0.05, null);
    BenchResult.Node compiling = new BenchResult.Node(1L, 1L, 0L, 1.0, 4.0, 0.13, 0.5, 0.05, null);
    BenchResult.Node untold = new BenchResult.Node(1L, 1L, 0L, 1.0, 50.0, 1.6);
    StringWriter below = new StringWriter();
    TextSummary.print(withNodes(run, Map.of("p1", quiet, "p2", still, "p3", untold)),
        new PrintWriter(below, true));
    assertThat(below.toString()).contains("JIT 0.30 s, GC 0.05 s\n")
        .contains("JIT 0.10 s, GC 0.05 s, waited for a CPU 1.25 s\n")
        .doesNotContain("still compiling");
    StringWriter warned = new StringWriter();
    TextSummary.print(withNodes(run, Map.of("p1", quiet, "p2", compiling, "p3", untold)),
        new PrintWriter(warned, true));
    assertThat(warned.toString())
        .contains("spent 0.6 s compiling against 10.0 s of CPU in the measured window (6%)")
        .contains("still compiling").contains("--warmup");
  }

  private static BenchResult withNodes(BenchResult r, Map<String, BenchResult.Node> nodes) {
    return new BenchResult(r.format(), r.tool(), r.startedAt(), r.options(), r.target(),
        r.machine(), r.summary(), r.latencyMs(), r.timeline(), nodes, r.storeTotals(),
        r.benchJvm(), r.bank(), r.histograms());
  }

  private static BenchResult withRatio(BenchResult r, double ratio) {
    BenchResult.Summary s = r.summary();
    return new BenchResult(r.format(), r.tool(), r.startedAt(), r.options(), r.target(),
        r.machine(),
        new BenchResult.Summary(s.measuredSeconds(), s.transactions(), s.missedStarts(),
            s.committed(), s.committedPerSecond(), s.aborted(), s.abortRate(),
            s.abortsByReason(), s.failed(), s.failuresByReason(), ratio),
        r.latencyMs(), r.timeline(), r.nodes(), r.storeTotals(), r.benchJvm(), r.bank(),
        r.histograms());
  }
}
