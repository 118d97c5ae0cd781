package io.ringtx.dist.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.node.CrashPoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator (real JVM, RocksDB, Hazelcast) halted at each coordinator crash point in turn
 * during concurrent transfers, and restarted: nothing stays in doubt, the total is conserved, and
 * the logs show every transaction all-or-nothing (issue 5, acceptance).
 */
class CrashCoordinatorIT {
  /**
   * BEFORE_END first: it is the one point a restarted coordinator reaches while it recovers
   * (finishing logged commits writes END), so it is armed only at the first start.
   */
  static final List<CrashPoint> POINTS = List.of(
      CrashPoint.BEFORE_END,
      CrashPoint.AFTER_SENDING_PREPARES,
      CrashPoint.AFTER_SOME_PREPARES,
      CrashPoint.AFTER_FORCING_COMMIT,
      CrashPoint.AFTER_SOME_GLOBAL_COMMITS);

  @TempDir Path tmp;

  @Test
  @Timeout(600)
  void theCoordinatorHaltedAtEachCrashPoint_recovers_andEveryTransactionIsAllOrNothing()
      throws Exception {
    assertThat(POINTS).containsExactlyInAnyOrderElementsOf(
        CrashPoint.of(CrashPoint.Side.COORDINATOR));
    CrashRounds.run(tmp.resolve("cluster"), "c1", POINTS, 23);
  }
}
