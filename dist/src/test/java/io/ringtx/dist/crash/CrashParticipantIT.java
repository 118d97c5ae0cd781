package io.ringtx.dist.crash;

import io.ringtx.protocol.node.CrashPoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A participant (real JVM, RocksDB, Hazelcast) halted at each participant crash point in turn
 * during concurrent transfers, and restarted: nothing stays in doubt, the total is conserved, and
 * the logs show every transaction all-or-nothing (issue 5, acceptance).
 */
class CrashParticipantIT {
  @TempDir Path tmp;

  @Test
  @Timeout(600)
  void aParticipantHaltedAtEachCrashPoint_recovers_andEveryTransactionIsAllOrNothing()
      throws Exception {
    CrashRounds.run(tmp.resolve("cluster"), "p2", CrashPoint.of(CrashPoint.Side.PARTICIPANT), 11);
  }
}
