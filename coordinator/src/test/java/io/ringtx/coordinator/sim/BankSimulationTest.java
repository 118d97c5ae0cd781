package io.ringtx.coordinator.sim;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of a whole cluster (STYLE §6): one coordinator and three participants
 * running the real cores over a seeded network, disks and clock, with a bank workload, crashes
 * and restarts. Each seed is one schedule.
 *
 * <ul>
 *   <li>{@code -Dsim.seeds=N} runs N seeds (default 2,000), from {@code -Dsim.firstSeed} (1);
 *   <li>{@code -Dsim.seed=S} replays seed S alone;
 *   <li>{@code -Dsim.trace=true} with it writes the whole trace to {@code
 *       coordinator/target/sim-trace-S.txt}.
 * </ul>
 *
 * <p>A failure names the seed, the one command that replays it, and the last events before it.
 * The invariants are in {@link SimChecker}.
 */
class BankSimulationTest {
  private static final long DEFAULT_SEEDS = 2_000;

  @Test
  void bankTransfers_underCrashesAndMessageFaults_keepEveryInvariant() {
    // DESIGN §3 and §6: atomic, durable, decided once the needed nodes are reachable
    String one = System.getProperty("sim.seed");
    long first = one != null ? Long.parseLong(one) : Long.getLong("sim.firstSeed", 1);
    long count = one != null ? 1 : Long.getLong("sim.seeds", DEFAULT_SEEDS);
    boolean fullTrace = one != null && Boolean.getBoolean("sim.trace");

    long started = System.nanoTime();
    long events = 0;
    long txs = 0;
    long committed = 0;
    long aborted = 0;
    long crashes = 0;
    long diskFailures = 0;
    long readOnlyAborts = 0;
    long misledReaders = 0;
    for (long seed = first; seed < first + count; seed++) {
      if (fullTrace) {
        System.out.println("trace written to " + writeTrace(seed));
      }
      BankSimulation.Result r;
      try {
        r = BankSimulation.run(seed, SimTrace.Mode.OFF);
      } catch (RuntimeException | AssertionError e) {
        fail(failureReport(seed, e), e);
        return;
      }
      events += r.events();
      txs += r.transactions();
      committed += r.committed();
      aborted += r.aborted();
      crashes += r.crashes();
      diskFailures += r.diskFailures();
      readOnlyAborts += r.readOnlyAbortRecords();
      misledReaders += r.committedButAbortedAtAReader();
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "bank simulation: %d seeds from %d in %d ms: %d events, %d transactions (%d committed,"
            + " %d aborted), %d crashes, %d disk failures, %d ABORTED records at read-only"
            + " shards (%d of them for committed transactions)%n",
        count, first, millis, events, txs, committed, aborted, crashes, diskFailures,
        readOnlyAborts, misledReaders);
  }

  private static String failureReport(long seed, Throwable e) {
    return "bank simulation failed for seed "
        + seed
        + ": "
        + e
        + "\nreplay it with:\n  mvn -B verify -pl coordinator -am -Dtest=BankSimulationTest"
        + " -Dsim.seed="
        + seed
        + " -Dsurefire.failIfNoSpecifiedTests=false"
        + "\n(add -Dsim.trace=true to write the whole trace to coordinator/target/sim-trace-"
        + seed
        + ".txt)\nlast events of the replay:\n"
        + replay(seed, SimTrace.Mode.TAIL);
  }

  /** Replays {@code seed} with tracing on; the trace ends with the failure, if any. */
  private static String replay(long seed, SimTrace.Mode mode) {
    SimTrace[] trace = new SimTrace[1];
    String end = "";
    try {
      BankSimulation.run(seed, mode, t -> trace[0] = t);
    } catch (RuntimeException | AssertionError e) {
      end = "\n>>> " + e;
    }
    return (trace[0] == null ? "" : trace[0].tail()) + end;
  }

  private static Path writeTrace(long seed) {
    Path file = Path.of("target", "sim-trace-" + seed + ".txt").toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, replay(seed, SimTrace.Mode.FULL) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
