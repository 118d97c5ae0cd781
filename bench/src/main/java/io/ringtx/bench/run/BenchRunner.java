package io.ringtx.bench.run;

import io.ringtx.bench.engine.TxBody;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.bench.report.BenchResult;
import io.ringtx.bench.report.TextSummary;
import io.ringtx.bench.target.BenchTarget;
import io.ringtx.bench.target.Cpu;
import io.ringtx.bench.target.NodeSample;
import io.ringtx.bench.workload.BankWorkload;
import io.ringtx.bench.workload.WorkloadDriver;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one benchmark: loads the workload's data, runs the clients for the warmup and the
 * measured duration while printing a progress line per interval, reads the nodes' counters at
 * the start and the end of the measured window, audits the bank, and returns the result.
 *
 * <p>Closed loop: {@code concurrency} clients, each starting its next transaction when the last
 * ends. Open loop ({@code rate > 0}): the same clients take tickets of an {@link
 * OpenLoopSchedule}, wait for the ticket's intended start if it is ahead, and measure latency
 * from that intended start — so when every client is busy, the wait of the transactions that
 * queue up is counted, not hidden. A client is a thread, or a chain of callbacks on an engine
 * that runs transactions without blocking ({@link Clients}).
 */
public final class BenchRunner {
  private final BenchOptions options;
  private final PrintWriter out;

  public BenchRunner(BenchOptions options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /** Runs against {@code target}, which stays the caller's to close. */
  public BenchResult run(BenchTarget target) throws InterruptedException {
    String startedAt = Instant.now().toString();
    Double loadStart = Cpu.loadAverage();
    WorkloadDriver driver = WorkloadDriver.of(options.workload());
    BankWorkload bank = driver instanceof BankWorkload b ? b : null;
    try (TxEngine engine = target.engine(options.concurrency(), options.maxAttempts(),
        client -> client.withDirectReads(options.readsFromOwner())
            .withMaxCommitBatch(options.commitBatch())
            .withDirectCommits(options.commitsToOwner())
            .withMaxReadBatch(options.readBatch()))) {
      int loaders = Math.min(options.concurrency(), 8);
      List<TxBody> batches = options.load() ? driver.loadBatches() : List.of();
      if (!batches.isEmpty()) {
        long t = System.nanoTime();
        out.printf(Locale.ROOT, "loading %d keys in %d transactions...%n",
            options.workload().keys(), batches.size());
        out.flush();
        Batches.commitAll(engine, batches, loaders, "loading");
        out.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - t) / 1e9);
      }
      Long totalBefore = bank == null ? null : audit(engine, bank, loaders);
      Measured m = measure(engine, driver, target);
      Long totalAfter = bank == null ? null : audit(engine, bank, loaders);
      BenchResult.Bank bankResult = bank == null ? null
          : new BenchResult.Bank(options.workload().keys(), bank.expectedTotal(), totalBefore,
              totalAfter, totalBefore.equals(totalAfter)
                  && (!options.load() || totalBefore == bank.expectedTotal()));
      BenchResult result = new ResultBuilder(options, target)
          .build(startedAt, loadStart, Cpu.loadAverage(), m, bankResult);
      TextSummary.print(result, out);
      out.flush();
      return result;
    }
  }

  private static long audit(TxEngine engine, BankWorkload bank, int threads)
      throws InterruptedException {
    long[] sums = new long[bank.auditBatches()];
    Batches.commitAll(engine, bank.audit(sums), threads, "reading the bank's total");
    long total = 0;
    for (long s : sums) {
      total += s;
    }
    return total;
  }

  /** What the measurement phase collected. */
  record Measured(
      Histogram total,
      Histogram read,
      Histogram commit,
      Histogram commitOneShard,
      Histogram commitCrossShard,
      Histogram service,
      long transactions,
      Long missedStarts,
      Map<String, Long> aborts,
      Map<String, Long> failures,
      List<BenchResult.Tick> timeline,
      Map<String, NodeSample> nodesStart,
      Map<String, NodeSample> nodesEnd,
      Long jvmCpuStart,
      Long jvmCpuEnd,
      long sampleNanos) {}

  private Measured measure(TxEngine engine, WorkloadDriver driver, BenchTarget target)
      throws InterruptedException {
    long interval = options.progressInterval().toNanos();
    long t0 = System.nanoTime();
    long measureStart = t0 + options.warmup().toNanos();
    long end = measureStart + options.duration().toNanos();
    Sink warm = new Sink();
    Sink measured = new Sink();
    OpenLoopSchedule schedule = options.openLoop() ? new OpenLoopSchedule(t0, options.rate()) : null;

    Sample startSample = null;
    if (measureStart <= t0) {
      startSample = Sample.take(target);
    }
    out.printf(Locale.ROOT, "running %s on %s: %s, %s%s%n", options.workload().workload(),
        target.kind(), loopDescription(), seconds(options.duration()),
        options.warmup().isZero() ? "" : " after " + seconds(options.warmup()) + " of warmup");
    out.flush();

    Clients clients = new Clients(engine, driver, schedule, measureStart, end, warm, measured);
    clients.start(options.concurrency(), new SplittableRandom(options.workload().seed()));

    Histogram total = new Histogram(3);
    Histogram read = new Histogram(3);
    Histogram commit = new Histogram(3);
    Histogram commitOneShard = new Histogram(3);
    Histogram commitCrossShard = new Histogram(3);
    Histogram service = new Histogram(3);
    long transactions = 0;
    Map<String, Long> aborts = new TreeMap<>();
    Map<String, Long> failures = new TreeMap<>();
    List<BenchResult.Tick> timeline = new ArrayList<>();
    long lastTick = t0;
    for (long next = t0 + interval; ; next += interval) {
      boolean running = clients.running();
      long wake = startSample == null ? Math.min(next, measureStart) : next;
      if (running) {
        sleepUntil(wake, clients);
      }
      if (startSample == null && System.nanoTime() >= measureStart) {
        startSample = Sample.take(target);
        next -= interval; // the tick itself is still due
        continue;
      }
      running = clients.running();
      long now = System.nanoTime();
      Sink.Interval w = warm.drain();
      Sink.Interval m = measured.drain();
      total.add(m.total());
      read.add(m.read());
      commit.add(m.commit());
      commitOneShard.add(m.commitOneShard());
      commitCrossShard.add(m.commitCrossShard());
      service.add(m.service());
      transactions += m.started();
      m.aborts().forEach((k, v) -> aborts.merge(k, v, Long::sum));
      m.failures().forEach((k, v) -> failures.merge(k, v, Long::sum));
      // An interval counts as warmup if most of it was. A short last interval (the final transactions finishing) still counts in the totals,
      // but its rates would mislead on a line or a plot.
      BenchResult.Tick tick = now - lastTick < interval / 2 ? null
          : tick(t0, lastTick, now, lastTick + (now - lastTick) / 2 < measureStart, w, m);
      lastTick = now;
      if (tick != null) {
        timeline.add(tick);
        progress(tick, w.aborted() + m.aborted() + w.failed() + m.failed(),
            w.committed() + m.committed());
      }
      if (!running) {
        break;
      }
    }
    clients.join();
    Throwable crash = clients.crash();
    if (crash != null) {
      throw new BenchException("RTX-7003 a worker failed: " + crash, crash);
    }
    Sample endSample = Sample.take(target);
    if (startSample == null) {
      startSample = endSample;
    }
    Long missed = schedule == null ? null
        : Math.max(0, schedule.ticketsBefore(end) - clients.begun());
    if (missed != null && missed > 0) {
      out.printf(Locale.ROOT, "the open loop fell behind: %,d of the %,d starts due never began%n",
          missed, schedule.ticketsBefore(end));
    }
    return new Measured(total, read, commit, commitOneShard, commitCrossShard, service,
        transactions, missed, aborts, failures,
        timeline,
        startSample.nodes(), endSample.nodes(), startSample.jvmCpu(), endSample.jvmCpu(),
        endSample.nanos() - startSample.nanos());
  }

  private static BenchResult.Tick tick(long t0, long from, long to, boolean warmup,
      Sink.Interval w, Sink.Interval m) {
    double secs = (to - from) / 1e9;
    if (secs <= 0.001) {
      return null;
    }
    Histogram both = w.total().copy();
    both.add(m.total());
    long committed = both.getTotalCount();
    long aborted = w.aborted() + m.aborted() + w.failed() + m.failed();
    Double p50 = committed == 0 ? null : both.getValueAtPercentile(50) / 1000.0;
    Double p99 = committed == 0 ? null : both.getValueAtPercentile(99) / 1000.0;
    return new BenchResult.Tick(Math.round((to - t0) / 1e6) / 1000.0, warmup,
        round(committed / secs), round(aborted / secs), p50, p99);
  }

  private void progress(BenchResult.Tick t, long aborted, long committed) {
    double share = committed + aborted == 0 ? 0 : 100.0 * aborted / (committed + aborted);
    out.printf(Locale.ROOT, "[%6.1fs] %-7s %9.1f commit/s %8.1f abort/s (%4.1f%%)  p99 %s%n",
        t.t(), t.warmup() ? "warmup" : "", t.committedPerSecond(), t.abortedPerSecond(), share,
        t.p99() == null ? "-" : String.format(Locale.ROOT, "%.2f ms", t.p99()));
    out.flush();
  }

  private String loopDescription() {
    return options.openLoop()
        ? String.format(Locale.ROOT, "open loop at %.1f tx/s (at most %d in flight)",
            options.rate(), options.concurrency())
        : "closed loop with " + options.concurrency() + " clients";
  }

  private static String seconds(java.time.Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Parks the reporter until {@code deadline}, or until every client has ended. */
  private static void sleepUntil(long deadline, Clients clients) throws InterruptedException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (!clients.running()) {
        return;
      }
      LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
    }
  }

  /** The target's node counters and this JVM's CPU at one moment. */
  private record Sample(Map<String, NodeSample> nodes, Long jvmCpu, long nanos) {
    static Sample take(BenchTarget target) {
      long t = System.nanoTime();
      Map<String, NodeSample> nodes = target.nodeMetrics();
      return new Sample(nodes, Cpu.thisProcessNanos(), t);
    }
  }
}
