package io.ringtx.coordinator.sim;

import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.protocol.id.NodeId;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One deterministic run of the bank over a simulated cluster: a load phase with the faults the
 * seed picked (message loss, duplication, late delivery, partitions, disk failures, crashes and
 * restarts), then a quiet phase (every node up, no faults) until nothing is left to do, then the
 * coordinator's retention window passes, every node crashes at once, and a second quiet phase
 * checks that the disks alone say the same thing. Everything random comes from one {@link Random}
 * seeded with the seed.
 */
final class BankSimulation {
  /** Virtual length of the load phase, ms. */
  static final long LOAD_MILLIS = 2_500;
  /** A run that has not gone quiet this long after the faults stopped is stuck. */
  static final long QUIET_LIMIT_MILLIS = 120_000;

  static final SimCluster.Timing TIMING =
      new SimCluster.Timing(
          100, // request deadline
          600, // client's commit deadline
          new CoordinatorConfig(250, 40, 640),
          150, // READY timeout
          1_000); // longest query backoff

  /** What one run did. */
  record Result(
      long seed,
      long events,
      long virtualMillis,
      long transactions,
      long committed,
      long aborted,
      long crashes,
      long diskFailures,
      long readOnlyAbortRecords,
      long committedButAbortedAtAReader,
      String faults) {}

  private BankSimulation() {}

  static Result run(long seed, SimTrace.Mode traceMode) {
    return run(seed, traceMode, t -> {});
  }

  /** Runs one seed; {@code traceSink} gets the trace first, so that it survives a failure. */
  static Result run(long seed, SimTrace.Mode traceMode, Consumer<SimTrace> traceSink) {
    Random rnd = new Random(seed);
    SimScheduler scheduler = new SimScheduler();
    SimTrace trace = new SimTrace(scheduler, traceMode != SimTrace.Mode.OFF, traceMode.keep());
    traceSink.accept(trace);

    double drop = pick(rnd, 0, 0, 0.02, 0.08);
    double dup = pick(rnd, 0, 0.03, 0.1);
    double late = pick(rnd, 0, 0.01, 0.04);
    SimNetwork.Faults netFaults = new SimNetwork.Faults(drop, dup, late, 1, 8, 400);
    double diskFailure = pick(rnd, 0, 0, 0.003, 0.02);
    SimDisk.Options disk = new SimDisk.Options(1, 6, 1, 60, diskFailure);
    long crashEvery = (long) pick(rnd, 0, 1_500, 400);
    long partitionEvery = (long) pick(rnd, 0, 0, 800);
    int sessions = 3 + rnd.nextInt(3);
    String faults = String.format(
        "drop=%.2f dup=%.2f late=%.2f diskFailure=%.3f crashEvery=%s partitionEvery=%s sessions=%d",
        drop, dup, late, diskFailure, crashEvery == 0 ? "never" : crashEvery + "ms",
        partitionEvery == 0 ? "never" : partitionEvery + "ms", sessions);
    trace.log(() -> "seed " + seed + ": " + faults);

    SimNetwork network = new SimNetwork(scheduler, rnd, netFaults);
    SimChecker checker = new SimChecker();
    SimRouter router = new SimRouter(SimCluster.SHARDS);
    SimCluster cluster =
        new SimCluster(scheduler, rnd, network, trace, router, TIMING, checker, disk);
    BankWorkload bank = new BankWorkload(cluster, rnd, router);
    checker.watch(bank.txs);
    bank.seed();
    cluster.startAll();
    bank.start(sessions);

    if (crashEvery > 0) {
      for (SimCluster.Node n : cluster.nodes()) {
        scheduleCrash(cluster, n, crashEvery);
      }
    }
    if (partitionEvery > 0) {
      schedulePartition(cluster, partitionEvery);
    }

    // The load phase, with faults.
    while (scheduler.now() < LOAD_MILLIS && scheduler.step()) {
      checker.afterEvent(cluster);
    }

    // Faults stop: heal, restart, and let everything finish.
    bank.stop();
    network.setFaults(SimNetwork.Faults.NONE);
    network.heal();
    SimDisk.Options calm = new SimDisk.Options(1, 6, 1, 60, 0);
    for (SimCluster.Node n : cluster.nodes()) {
      n.disk.setOptions(calm);
      if (!n.up()) {
        n.start();
      }
    }
    trace.log(() -> "faults stop");
    runQuiet(cluster, checker);
    if (!bank.finished()) {
      checker.fail("client sessions still running after quiescence");
    }
    checker.quiescent(cluster, bank, true);

    // An hour later the coordinator has forgotten every ended transaction (DESIGN §2 retention),
    // then every node crashes at once: their disks alone must give the same answers. A shard
    // that acknowledged a decision it had not made durable would now learn the opposite one.
    trace.log(() -> "retention window passes; crash everything");
    cluster.node(SimCluster.COORDINATOR).disk.forgetEnded();
    for (SimCluster.Node n : cluster.nodes()) {
      n.crash();
    }
    for (SimCluster.Node n : cluster.nodes()) {
      n.start();
    }
    runQuiet(cluster, checker);
    checker.quiescent(cluster, bank, true);

    long crashes = cluster.nodes().stream().mapToLong(n -> n.crashes).sum();
    long diskFailures = cluster.nodes().stream().mapToLong(n -> n.disk.failures).sum();
    return new Result(
        seed, scheduler.executed(), scheduler.now(), bank.txs.size(), bank.committed,
        bank.aborted, crashes, diskFailures, checker.readOnlyAbortRecords,
        checker.committedButAbortedAtAReader, faults);
  }

  private static void runQuiet(SimCluster cluster, SimChecker checker) {
    SimScheduler scheduler = cluster.scheduler;
    long limit = scheduler.now() + QUIET_LIMIT_MILLIS;
    while (scheduler.step()) {
      checker.afterEvent(cluster);
      if (scheduler.now() > limit) {
        checker.fail("still busy " + QUIET_LIMIT_MILLIS + " ms after the faults stopped ("
            + scheduler.pending() + " events pending)");
      }
    }
  }

  private static void scheduleCrash(SimCluster cluster, SimCluster.Node n, long meanMillis) {
    SimScheduler s = cluster.scheduler;
    long at = s.now() + exponential(cluster.rnd, meanMillis);
    if (at >= LOAD_MILLIS) {
      return;
    }
    s.at(at, () -> {
      if (n.up() && s.now() < LOAD_MILLIS) {
        n.crash();
        // mostly short restarts, sometimes an outage long enough to reach the longest backoffs
        long down =
            cluster.rnd.nextInt(10) == 0 ? 500 + cluster.rnd.nextInt(1_500) : 5 + cluster.rnd.nextInt(300);
        s.after(down, () -> {
          if (!n.up() && s.now() < LOAD_MILLIS) {
            n.start();
          }
        });
      }
      scheduleCrash(cluster, n, meanMillis);
    });
  }

  private static void schedulePartition(SimCluster cluster, long meanMillis) {
    SimScheduler s = cluster.scheduler;
    long at = s.now() + exponential(cluster.rnd, meanMillis);
    if (at >= LOAD_MILLIS) {
      return;
    }
    s.at(at, () -> {
      List<SimCluster.Node> nodes = cluster.nodes();
      NodeId victim = nodes.get(cluster.rnd.nextInt(nodes.size())).id;
      long until = s.now() + 50 + cluster.rnd.nextInt(350);
      cluster.trace.log(() -> "isolate " + victim + " until " + until);
      cluster.network.isolate(victim, until);
      schedulePartition(cluster, meanMillis);
    });
  }

  private static long exponential(Random rnd, long mean) {
    return 1 + (long) (-Math.log(1 - rnd.nextDouble()) * mean);
  }

  private static double pick(Random rnd, double... choices) {
    return choices[rnd.nextInt(choices.length)];
  }
}
