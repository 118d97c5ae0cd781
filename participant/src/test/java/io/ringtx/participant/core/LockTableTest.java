package io.ringtx.participant.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.TxId;
import org.junit.jupiter.api.Test;

/** DESIGN §3 step 2: shared/exclusive locks, no waiting, held until the decision. */
class LockTableTest {
  private static final TxId T1 = TxId.of("t1");
  private static final TxId T2 = TxId.of("t2");
  private static final TxId T3 = TxId.of("t3");

  private final LockTable locks = new LockTable();

  @Test
  void sharedThenShared_bothGranted() {
    // DESIGN §3: readers of the same key do not conflict
    assertThat(locks.tryShared("x", T1)).isTrue();
    assertThat(locks.tryShared("x", T2)).isTrue();
    assertThat(locks.heldBy(T1)).containsExactly("x");
    assertThat(locks.heldBy(T2)).containsExactly("x");
    assertThat(locks.exclusiveHolder("x")).isEmpty();
  }

  @Test
  void sharedThenExclusiveByOther_refusedWithoutWaiting() {
    // DESIGN §3: an incompatible lock held by another transaction is a VOTE-ABORT, no waiting
    assertThat(locks.tryShared("x", T1)).isTrue();
    assertThat(locks.tryExclusive("x", T2)).isFalse();
    assertThat(locks.heldBy(T2)).isEmpty();
    assertThat(locks.exclusiveHolder("x")).isEmpty();
  }

  @Test
  void exclusiveThenSharedByOther_refused() {
    // DESIGN §3: a reader must not see a key another transaction is about to write
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.tryShared("x", T2)).isFalse();
    assertThat(locks.heldBy(T2)).isEmpty();
    assertThat(locks.writeLockedByOther("x", T2)).isTrue();
    assertThat(locks.writeLockedByOther("x", T1)).isFalse();
  }

  @Test
  void exclusiveThenExclusiveByOther_refused() {
    // DESIGN §3: two writers of one key never both prepare
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.tryExclusive("x", T2)).isFalse();
    assertThat(locks.exclusiveHolder("x")).contains(T1);
    assertThat(locks.holders()).containsExactly(T1);
  }

  @Test
  void soleSharer_mayUpgradeToExclusive() {
    assertThat(locks.tryShared("x", T1)).isTrue();
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.exclusiveHolder("x")).contains(T1);
    assertThat(locks.tryShared("x", T2)).isFalse();
  }

  @Test
  void oneOfSeveralSharers_mayNotUpgrade() {
    // Upgrading while another transaction shares the key would let it read a value being written.
    assertThat(locks.tryShared("x", T1)).isTrue();
    assertThat(locks.tryShared("x", T2)).isTrue();
    assertThat(locks.tryExclusive("x", T1)).isFalse();
    assertThat(locks.exclusiveHolder("x")).isEmpty();
  }

  @Test
  void exclusiveHolder_mayAlsoTakeSharedAndExclusiveAgain() {
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.tryShared("x", T1)).isTrue();
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.exclusiveHolder("x")).contains(T1);
  }

  @Test
  void releaseAll_freesEveryKeyForOthers() {
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.tryShared("y", T1)).isTrue();
    assertThat(locks.tryShared("y", T3)).isTrue();

    locks.releaseAll(T1);

    assertThat(locks.heldBy(T1)).isEmpty();
    assertThat(locks.holders()).containsExactly(T3);
    assertThat(locks.tryExclusive("x", T2)).isTrue();
    // y is still shared by T3, so T2 can share it but not write it
    assertThat(locks.tryExclusive("y", T2)).isFalse();
    assertThat(locks.tryShared("y", T2)).isTrue();
  }

  @Test
  void releaseAll_dropsFreeKeys_andIsIdempotent() {
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.tryShared("y", T1)).isTrue();
    assertThat(locks.lockedKeys()).isEqualTo(2);

    locks.releaseAll(T1);
    locks.releaseAll(T1);

    assertThat(locks.lockedKeys()).isZero();
    assertThat(locks.holders()).isEmpty();
  }

  @Test
  void failedRequest_leavesNoTraceOfTheRequester() {
    assertThat(locks.tryExclusive("x", T1)).isTrue();
    assertThat(locks.tryExclusive("x", T2)).isFalse();
    assertThat(locks.tryShared("x", T2)).isFalse();
    assertThat(locks.holders()).containsExactly(T1);
    locks.releaseAll(T1);
    assertThat(locks.lockedKeys()).isZero();
  }
}
