package io.ringtx.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.bench.report.BenchResult;
import io.ringtx.bench.workload.Workload;
import io.ringtx.bench.workload.WorkloadSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runner's loops and accounting, against a fake target with a fixed service time: each case
 * with a thread per client and with clients as chains of callbacks (an asynchronous engine).
 */
class BenchRunnerTest {
  private static BenchOptions options(Workload w, int concurrency, double rate, Duration duration,
      Duration warmup) {
    return new BenchOptions(new WorkloadSettings(w, 20, 8, 4, Workload.Distribution.UNIFORM,
        0.99, 3), duration, warmup, concurrency, rate, 1, true, Duration.ofMillis(200));
  }

  @ParameterizedTest(name = "clients as callbacks: {0}")
  @ValueSource(booleans = {false, true})
  void openLoop_measuresFromTheIntendedStart_soAStalledSystemShowsItsQueue(boolean asynchronous) throws Exception {
    // One worker, 20 ms per transaction, 100 intended per second: the system can do 50/s, so
    // starts fall further and further behind their schedule. Measured from the intended start,
    // latency grows with the queue (the last ones waited ~0.5 s); service time stays 20 ms. A
    // harness measuring from the actual start would report ~20 ms and hide the overload.
    FakeTarget target = new FakeTarget(20, asynchronous);
    StringWriter out = new StringWriter();
    BenchResult r = new BenchRunner(options(Workload.SINGLE, 1, 100, Duration.ofSeconds(1),
        Duration.ZERO), new PrintWriter(out)).run(target);

    BenchResult.Latencies l = r.latencyMs();
    assertThat(l.serviceTime()).as(out.toString()).isNotNull();
    assertThat(l.serviceTime().p50()).isBetween(19.0, 60.0);
    assertThat(l.total().max()).as(out.toString()).isGreaterThan(300.0);
    assertThat(l.total().p50()).isGreaterThan(3 * l.serviceTime().p50());
    // The run ends on time: ~50 ran, the other ~50 starts due are reported as missed rather
    // than run after the end.
    assertThat(r.summary().committed()).isBetween(20L, 60L);
    assertThat(r.summary().missedStarts()).isBetween(40L, 80L);
    assertThat(r.summary().committed() + r.summary().missedStarts()).isBetween(95L, 101L);
    assertThat(out.toString()).contains("fell behind");
    assertThat(r.options().loop()).isEqualTo("open");
    assertThat(r.options().rate()).isEqualTo(100.0);
  }

  @ParameterizedTest(name = "clients as callbacks: {0}")
  @ValueSource(booleans = {false, true})
  void openLoop_thatKeepsUp_hasLatencyNearTheServiceTime(boolean asynchronous) throws Exception {
    FakeTarget target = new FakeTarget(2, asynchronous);
    BenchResult r = new BenchRunner(options(Workload.SINGLE, 4, 50, Duration.ofMillis(800),
        Duration.ZERO), new PrintWriter(new StringWriter())).run(target);
    // 50/s for 0.8 s: 40 intended starts, all well within capacity.
    assertThat(r.summary().committed()).isBetween(38L, 40L);
    assertThat(r.summary().missedStarts()).isZero();
    assertThat(r.latencyMs().total().p50()).isLessThan(50.0);
  }

  @ParameterizedTest(name = "clients as callbacks: {0}")
  @ValueSource(booleans = {false, true})
  void closedLoop_countsCommitsInTheWindow_andSkipsTheWarmup(boolean asynchronous) throws Exception {
    FakeTarget target = new FakeTarget(10, asynchronous);
    StringWriter out = new StringWriter();
    BenchResult r = new BenchRunner(options(Workload.YCSB_A, 2, 0, Duration.ofMillis(1000),
        Duration.ofMillis(400)), new PrintWriter(out)).run(target);

    // Two clients at 10 ms: ~200 in the measured second; the warmup's ~80 are not counted.
    assertThat(r.summary().committed()).as(out.toString()).isBetween(60L, 210L);
    assertThat(target.executed.get()).isGreaterThan(r.summary().committed());
    assertThat(r.summary().committedPerSecond()).isEqualTo(r.summary().committed() / 1.0);
    assertThat(r.latencyMs().serviceTime()).isNull();
    assertThat(r.summary().missedStarts()).isNull();
    assertThat(r.latencyMs().total().p50()).isBetween(9.0, 100.0);
    assertThat(r.timeline()).isNotEmpty();
    assertThat(r.timeline().get(0).warmup()).isTrue();
    assertThat(r.timeline().get(r.timeline().size() - 1).warmup()).isFalse();
    assertThat(out.toString()).contains("warmup").contains("commit/s").contains("p99");
    // The node's counters are taken over the measured window only.
    BenchResult.Node n = r.nodes().get("n1");
    assertThat(n.forcedWrites()).isBetween(r.summary().committed() - 4,
        r.summary().committed() + 4);
    assertThat(n.meanBatch()).isBetween(1.8, 2.2);
    // So are the coordinators' phase histograms: the window's prepares, all 0.2-0.4 ms.
    BenchResult.PhaseStats prepare = r.latencyMs().coordinatorPhases().get("prepare");
    assertThat(prepare.count()).isBetween(r.summary().committed() - 4,
        r.summary().committed() + 4);
    assertThat(prepare.mean()).isEqualTo(0.3);
    assertThat(prepare.p50()).isBetween(0.2, 0.4);
    assertThat(out.toString()).contains("coordinator phases (ms)").contains("prepare");
    // YCSB loads its keys first: 20 keys in one transaction.
    assertThat(target.data).containsKey("user0").containsKey("user19");
  }
}
