package io.ringtx.bench.report;

import java.util.List;
import java.util.Map;

/** Hand-made results for the report's tests. */
final class SampleResults {
  private SampleResults() {}

  static BenchResult result(String workload, String target, double perSecond, double p50,
      double p99) {
    BenchResult.Stats total = new BenchResult.Stats(100, p50, p50, p99 * 0.8, p99, p99 * 1.5,
        p99 * 2, List.of(new BenchResult.Point(0, p50 / 2), new BenchResult.Point(50, p50),
            new BenchResult.Point(99, p99), new BenchResult.Point(100, p99 * 2)));
    BenchResult.Stats phase = new BenchResult.Stats(100, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, List.of(
        new BenchResult.Point(50, 0.4), new BenchResult.Point(100, 0.8)));
    return new BenchResult(BenchResult.FORMAT, "ringtx bench run", "2026-11-23T00:00:00Z",
        new BenchResult.Options(workload, 100, 100, 4, "uniform", null, 1, 10, 2, "closed", 16,
            null, 1, true),
        new BenchResult.Target(target, "a <test> target & more", List.of("http://127.0.0.1:1")),
        new BenchResult.Machine(2, "Linux", "amd64", "17", "OpenJDK", "Debian", 1 << 30, 1.0,
            2.0),
        new BenchResult.Summary(10, 1010, null, (long) (perSecond * 10), perSecond, 10, 0.0099,
            Map.of("CONFLICT", 10L), 0, Map.of(), null),
        new BenchResult.Latencies(total, phase, phase, null, null, null, null),
        List.of(new BenchResult.Tick(1, true, perSecond / 2, 1, p50, p99),
            new BenchResult.Tick(2, false, perSecond, 1, p50, p99),
            new BenchResult.Tick(3, false, perSecond, 0, p50, p99)),
        Map.of("p1", new BenchResult.Node(300L, 100L, 5L, 3.0, null, null)),
        new BenchResult.StoreTotals(300, 100, 3.0, 0.3, 0.1, null),
        new BenchResult.BenchJvm(4.0, 0.4, "the harness only"),
        workload.equals("bank") ? new BenchResult.Bank(100, 100_000, 100_000, 100_000, true)
            : null,
        new BenchResult.Histograms("microseconds", "", "", ""));
  }
}
