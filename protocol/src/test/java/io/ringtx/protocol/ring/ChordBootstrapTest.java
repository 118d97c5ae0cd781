package io.ringtx.protocol.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ChordNode#bootstrap}: initial members install the ring they all compute from the
 * configuration, with the pointers stabilisation would give them (Chord §IV.E.1, §IV.D).
 */
class ChordBootstrapTest {
  private static VirtualNode v(IdSpace s, long id) {
    return new VirtualNode(NodeId.of("n" + id), s.id(id));
  }

  private static RingSnapshot ring(IdSpace s, long... ids) {
    List<VirtualNode> all = java.util.Arrays.stream(ids).mapToObj(i -> v(s, i)).toList();
    return RingSnapshot.of(s, all);
  }

  @Test
  void theLectureRing_m7_node80_getsTheFingersOfTheLecture() {
    IdSpace m7 = new IdSpace(7);
    ChordNode n80 = new ChordNode(v(m7, 80), new RingConfig(m7, 1, 3, 100, 50, 200));
    RingStep step = n80.bootstrap(0, ring(m7, 20, 32, 45, 80, 96, 112));
    assertThat(n80.state()).isEqualTo(ChordNode.State.JOINED);
    assertThat(n80.fingers()).extracting(x -> x.id().value())
        .containsExactly(96L, 96L, 96L, 96L, 96L, 112L, 20L);
    assertThat(n80.predecessor()).contains(v(m7, 45));
    assertThat(n80.successors()).containsExactly(v(m7, 96), v(m7, 112), v(m7, 20));
    // It stabilizes at once, and keeps its periodic maintenance.
    assertThat(step.sends()).extracting(RingStep.Send::to).containsExactly(v(m7, 96));
    assertThat(step.timers()).hasSize(3);
  }

  @Test
  void theLectureRing_m6_ownershipFollowsThePredecessor() {
    IdSpace m6 = new IdSpace(6);
    RingSnapshot r = ring(m6, 4, 8, 15, 20, 32, 35, 44, 58);
    ChordNode n44 = new ChordNode(v(m6, 44), new RingConfig(m6, 1, 3, 100, 50, 200));
    n44.bootstrap(0, r);
    assertThat(n44.owns(m6.id(37))).isTrue(); // key 37 belongs to node 44
    assertThat(n44.owns(m6.id(35))).isFalse();
    ChordNode n4 = new ChordNode(v(m6, 4), new RingConfig(m6, 1, 3, 100, 50, 200));
    n4.bootstrap(0, r);
    assertThat(n4.predecessor()).contains(v(m6, 58)); // wraps around zero
    assertThat(n4.owns(m6.id(60))).isTrue();
    assertThat(n4.owns(m6.id(0))).isTrue();
  }

  @Test
  void aNodeAlone_ownsEverything_andANodeNotInTheRing_isRefused() {
    IdSpace m6 = new IdSpace(6);
    ChordNode n8 = new ChordNode(v(m6, 8), new RingConfig(m6, 1, 3, 100, 50, 200));
    n8.bootstrap(0, ring(m6, 8));
    assertThat(n8.successors()).isEmpty();
    assertThat(n8.owns(m6.id(63))).isTrue();
    ChordNode n9 = new ChordNode(v(m6, 9), new RingConfig(m6, 1, 3, 100, 50, 200));
    assertThatThrownBy(() -> n9.bootstrap(0, ring(m6, 8, 20)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
