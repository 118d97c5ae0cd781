package io.ringtx.dist.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.node.CrashPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaltingCrasherTest {
  private final List<Integer> halts = new ArrayList<>();

  @Test
  void haltsWith137_theNthTimeItsPointIsReached_andOnlyThen() {
    HaltingCrasher c = new HaltingCrasher(CrashPoint.AFTER_FORCING_COMMIT, 3, halts::add);

    c.reached(CrashPoint.AFTER_FORCING_COMMIT, TxId.of("t1"));
    c.reached(CrashPoint.BEFORE_END, TxId.of("t1"));
    c.reached(CrashPoint.AFTER_FORCING_COMMIT, TxId.of("t2"));
    assertThat(halts).isEmpty();
    c.reached(CrashPoint.AFTER_FORCING_COMMIT, TxId.of("t3"));
    assertThat(halts).containsExactly(137);
    c.reached(CrashPoint.AFTER_FORCING_COMMIT, TxId.of("t4"));
    assertThat(halts).containsExactly(137);
    assertThat(c.timesReached()).isEqualTo(4);
  }

  @Test
  void isArmedForItsPointAlone() {
    HaltingCrasher c = new HaltingCrasher(CrashPoint.AFTER_SOME_GLOBAL_COMMITS, 1, halts::add);

    assertThat(c.armed(CrashPoint.AFTER_SOME_GLOBAL_COMMITS)).isTrue();
    assertThat(c.armed(CrashPoint.AFTER_SOME_PREPARES)).isFalse();
  }

  @Test
  void needsAPositiveCount() {
    assertThatThrownBy(() -> new HaltingCrasher(CrashPoint.BEFORE_END, 0, halts::add))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
