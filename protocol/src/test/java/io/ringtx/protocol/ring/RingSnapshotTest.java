package io.ringtx.protocol.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.route.Router;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator's routing table (DESIGN §4): a key belongs to successor(hash(key)). */
class RingSnapshotTest {
  private static final IdSpace M6 = new IdSpace(6);
  private static final NodeId A = NodeId.of("a");
  private static final NodeId B = NodeId.of("b");

  private static VirtualNode v(NodeId node, long id) {
    return new VirtualNode(node, M6.id(id));
  }

  @Test
  void successor_isTheFirstVirtualNodeAtOrAfterTheId_wrappingAroundZero() {
    // Chord §IV.B: successor(k) is the first node whose id is equal to or follows k.
    RingSnapshot ring = RingSnapshot.of(M6, List.of(v(A, 40), v(B, 10), v(A, 20)));
    assertThat(ring.successor(M6.id(10))).isEqualTo(v(B, 10));
    assertThat(ring.successor(M6.id(11))).isEqualTo(v(A, 20));
    assertThat(ring.successor(M6.id(40))).isEqualTo(v(A, 40));
    assertThat(ring.successor(M6.id(41))).as("wraps to the lowest id").isEqualTo(v(B, 10));
    assertThat(ring.successor(M6.id(0))).isEqualTo(v(B, 10));
    assertThat(ring.virtualNodes()).containsExactly(v(B, 10), v(A, 20), v(A, 40));
    assertThat(ring.participants()).containsExactly(A, B);
  }

  @Test
  void rangesOf_areThePredecessorToIdRanges_ofEachVirtualNode() {
    RingSnapshot ring = RingSnapshot.of(M6, List.of(v(A, 40), v(B, 10), v(A, 20)));
    assertThat(ring.rangesOf(A))
        .containsExactly(new RingRange(M6.id(10), M6.id(20)), new RingRange(M6.id(20), M6.id(40)));
    assertThat(ring.rangesOf(B)).containsExactly(new RingRange(M6.id(40), M6.id(10)));
    assertThat(ring.rangesOf(NodeId.of("c"))).isEmpty();
    // Every id is in exactly one range, and that range's owner is the successor.
    for (long k = 0; k < 64; k++) {
      RingId id = M6.id(k);
      NodeId owner = ring.successor(id).node();
      assertThat(ring.rangesOf(A).stream().filter(r -> r.contains(id)).count()
              + ring.rangesOf(B).stream().filter(r -> r.contains(id)).count())
          .as("ranges holding " + k)
          .isEqualTo(1);
      assertThat(ring.rangesOf(owner).stream().anyMatch(r -> r.contains(id))).isTrue();
    }
  }

  @Test
  void aSingleVirtualNode_ownsTheWholeRing() {
    RingSnapshot ring = RingSnapshot.of(M6, List.of(v(A, 7)));
    assertThat(ring.rangesOf(A)).containsExactly(new RingRange(M6.id(7), M6.id(7)));
    assertThat(ring.rangesOf(A).get(0).contains(M6.id(3))).isTrue();
    assertThat(ring.ownerOf("anything")).isEqualTo(A);
  }

  @Test
  void ownerOf_isTheParticipantRunningTheSuccessorOfTheKeysHash() {
    RingSnapshot ring = RingSnapshot.hashed(IdSpace.SHA256_64, List.of(A, B), 16);
    Router router = ring;
    for (int i = 0; i < 1000; i++) {
      String key = "k" + i;
      assertThat(router.ownerOf(key))
          .isEqualTo(ring.successor(IdSpace.SHA256_64.ofKey(key)).node());
    }
    assertThat(ring.virtualNodes()).hasSize(32);
  }

  @Test
  void invalidRings_areRejected() {
    assertThatThrownBy(() -> RingSnapshot.of(M6, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RingSnapshot.of(M6, List.of(v(A, 5), v(B, 5))))
        .hasMessageContaining("two virtual nodes at id 5");
    assertThatThrownBy(
            () -> RingSnapshot.of(M6, List.of(new VirtualNode(A, new IdSpace(7).id(5)))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
