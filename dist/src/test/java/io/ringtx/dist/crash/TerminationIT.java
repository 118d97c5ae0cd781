package io.ringtx.dist.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.node.CrashPoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cooperative termination with real processes (issue 5, acceptance; DESIGN §3): the coordinator
 * halts during concurrent transfers and stays down. Within 5 s every participant has settled
 * what a peer can settle — a transaction a peer decided, or one a peer never prepared (that peer
 * then records ABORTED) — and flags the rest, where every peer is READY, as blocked: they stay
 * in doubt, holding their locks, listed by {@code GET /v1/indoubt} and counted by {@code
 * ringtx_participant_blocked}. Once the coordinator is restarted they resolve within 5 s. One
 * cluster serves every round: each restart of the coordinator arms the next round's point.
 */
class TerminationIT {
  /** What a round's crash leaves behind. */
  enum Expect {
    /** The transaction at the crash point can be settled by a peer. */
    PEERS_RESOLVE,
    /** The transaction at the crash point is READY at every participant: blocked. */
    BLOCKED,
    /** Either, depending on the votes of the moment. */
    EITHER
  }

  record Round(CrashPoint point, Expect expect, String what) {}

  static final List<Round> ROUNDS = List.of(
      new Round(CrashPoint.AFTER_SOME_PREPARES, Expect.PEERS_RESOLVE, "a peer never prepared"),
      new Round(CrashPoint.AFTER_SOME_GLOBAL_COMMITS, Expect.PEERS_RESOLVE, "a peer committed"),
      new Round(CrashPoint.AFTER_FORCING_COMMIT, Expect.BLOCKED, "all READY, COMMIT logged"),
      new Round(CrashPoint.AFTER_SENDING_PREPARES, Expect.EITHER, "all READY, nothing logged"));

  /**
   * The target for peers settling and for a restarted coordinator resolving (issue 5): measured
   * and printed with every round, not asserted, because CI must not depend on the machine being
   * fast. What is asserted is that it happens at all, within {@link CrashDrill#SETTLE_BOUND}.
   */
  static final Duration TARGET = Duration.ofSeconds(5);
  /** How long blocked transactions are watched to stay blocked while the coordinator is down. */
  static final Duration STAY_BLOCKED = Duration.ofSeconds(2);

  @TempDir Path tmp;

  @Test
  @Timeout(600)
  void withTheCoordinatorDown_peersSettleWhatTheyCan_theRestStaysBlocked_untilItIsBack()
      throws Exception {
    // c1 runs the load and crashes; c2 stays up to report the cluster while c1 is down.
    try (CrashDrill drill = CrashDrill.start(tmp.resolve("cluster"), 2, CrashRounds.SETTINGS,
        "c1", ROUNDS.get(0).point(), CrashRounds.CRASH_AFTER, 31)) {
      String c2 = drill.cluster().urls().get(1);
      Map<CrashPoint, String> crashed = new LinkedHashMap<>();
      int blockedSeen = 0;
      for (int i = 0; i < ROUNDS.size(); i++) {
        Round round = ROUNDS.get(i);
        CrashPoint next = i + 1 < ROUNDS.size() ? ROUNDS.get(i + 1).point() : null;

        TransferLoad load = drill.load(i);
        load.start();
        CrashDrill.Crash crash;
        Set<String> atCrash;
        try {
          crash = drill.awaitHalt("c1", round.point(), CrashRounds.HALT_WITHIN);
          atCrash = drill.whereInDoubt(drill.inDoubt()).keySet();
        } finally {
          load.stop();
        }
        crashed.put(round.point(), crash.tx());

        // The coordinator stays down: peers settle what they can, the rest is flagged blocked.
        await(round.point() + ": everything in doubt settled by peers or flagged blocked")
            .atMost(CrashDrill.SETTLE_BOUND)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> onlyBlockedLeft(drill, round.expect() == Expect.PEERS_RESOLVE
                ? crash.tx() : null));
        double settled = CrashDrill.secsSince(crash.detectedNanos());
        Map<String, CrashDrill.InDoubt> snapshot = drill.inDoubt();
        Map<String, Set<String>> where = drill.whereInDoubt(snapshot);
        Set<String> blocked = new TreeSet<>();
        snapshot.values().forEach(d -> blocked.addAll(d.blocked()));

        // A blocked transfer is READY at both its shards, and each of them says so.
        where.forEach((tx, at) -> assertThat(at).as("%s blocked at", tx).hasSize(2));
        if (round.expect() == Expect.BLOCKED) {
          assertThat(where).as("the transaction at the crash point").containsKey(crash.tx());
        }
        long gauge = 0;
        for (String p : drill.participants()) {
          gauge += drill.metric(p, "ringtx_participant_blocked");
        }
        long listed = snapshot.values().stream().mapToLong(d -> d.blocked().size()).sum();
        assertThat(gauge).as("ringtx_participant_blocked, summed").isEqualTo(listed);
        // The surviving coordinator's GET /v1/cluster lists them too.
        CrashDrill.InDoubt seen = drill.clusterView(c2);
        assertThat(seen.blocked()).as("blocked in c2's GET /v1/cluster").isEqualTo(blocked);
        assertThat(seen.inDoubt()).as("in doubt in c2's GET /v1/cluster").containsAll(blocked);
        if (!blocked.isEmpty()) {
          // DESIGN §3: the blocking case is never silently resolved while the coordinator is down.
          await("blocked transactions stay blocked").during(STAY_BLOCKED)
              .atMost(STAY_BLOCKED.plusSeconds(2))
              .until(() -> drill.whereInDoubt(drill.inDoubt()).keySet().containsAll(blocked));
        }
        blockedSeen += blocked.size();

        drill.cluster().configure("c1", CrashDrill.arm(next, CrashRounds.CRASH_AFTER));
        CrashDrill.Restart restart = drill.restartUntilNothingInDoubt("c1", CrashDrill.SETTLE_BOUND);
        Set<String> byPeers = new TreeSet<>(atCrash);
        byPeers.removeAll(blocked);
        drill.note("%-26s (%s) tx=%s; %d in doubt at the crash, %d settled by peers within %.1f s "
                + "of it (%s), %d blocked and listed %s; coordinator restart: serving after %.1f s, "
                + "nothing in doubt after %.1f s (%.2f s after serving, %s)", round.point(),
            round.what(), crash.tx(), atCrash.size(), byPeers.size(), settled,
            CrashDrill.against(settled, TARGET), blocked.size(), blocked,
            CrashDrill.secs(restart.serving()), CrashDrill.secs(restart.resolved()),
            CrashDrill.secs(restart.resolvedAfterServing()),
            CrashDrill.against(CrashDrill.secs(restart.resolvedAfterServing()), TARGET));
        assertThat(drill.total()).as("total after %s", round.point())
            .isEqualTo(drill.expectedTotal());
      }
      assertThat(blockedSeen).as("blocked transactions over all rounds").isPositive();

      LogAudit audit = drill.stopAndAudit();
      drill.note("log audit: %s", audit.summary());
      crashed.forEach((p, tx) -> drill.note("%-26s tx=%s in the logs: %s", p, tx, audit.fate(tx)));
      assertThat(audit.violations()).as("all-or-nothing, from the logs").isEmpty();
      assertThat(audit.total()).isEqualTo(drill.expectedTotal());
    }
  }

  /**
   * Every participant answers, and everything in doubt there is flagged blocked; {@code tx}, if
   * given, is in doubt nowhere.
   */
  private static boolean onlyBlockedLeft(CrashDrill drill, String tx) {
    Map<String, CrashDrill.InDoubt> all = drill.inDoubt();
    if (all.size() != drill.participants().size()) {
      return false;
    }
    for (CrashDrill.InDoubt d : all.values()) {
      if (!d.blocked().containsAll(d.inDoubt()) || (tx != null && d.inDoubt().contains(tx))) {
        return false;
      }
    }
    return true;
  }
}
