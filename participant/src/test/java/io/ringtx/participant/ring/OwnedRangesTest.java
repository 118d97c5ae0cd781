package io.ringtx.participant.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.RingSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The interval arithmetic of owned ranges: hand-offs cut ranges out and merge them back. */
class OwnedRangesTest {
  static final IdSpace M6 = new IdSpace(6);

  static RingRange r(long start, long end) {
    return new RingRange(M6.id(start), M6.id(end));
  }

  @Test
  void minus_cutsTheMiddleOfARange_andPlusMergesItBack() {
    OwnedRanges owned = OwnedRanges.of(M6, List.of(r(10, 40)));
    OwnedRanges cut = owned.minus(r(20, 30));
    assertThat(cut.ranges()).containsExactly(r(10, 20), r(30, 40));
    assertThat(cut.ownsPoint(M6.id(25))).isFalse();
    assertThat(cut.ownsPoint(M6.id(20))).isTrue(); // (10, 20] keeps its end
    assertThat(cut.plus(r(20, 30))).isEqualTo(owned);
  }

  @Test
  void theWholeRing_mergedInAnyOrder_isOneAndTheSameSet() {
    // A participant left alone after the others left owns the whole ring, merged from their
    // ranges in the order the hand-offs ended; ringtx ring compares it with (pred, id] of its
    // virtual nodes merged in ring order.
    OwnedRanges a = OwnedRanges.of(M6, List.of(r(10, 30), r(30, 50), r(50, 10)));
    OwnedRanges b = OwnedRanges.of(M6, List.of(r(30, 50), r(50, 10), r(10, 30)));
    assertThat(a.isWholeRing()).isTrue();
    assertThat(b.isWholeRing()).isTrue();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(OwnedRanges.of(M6, List.of(r(10, 30), r(30, 50))));
  }

  @Test
  void aRangeWrappingZero_isCutAndMerged() {
    OwnedRanges owned = OwnedRanges.of(M6, List.of(r(50, 10))); // 51..63, 0..10
    assertThat(owned.ownsPoint(M6.id(0))).isTrue();
    OwnedRanges cut = owned.minus(r(60, 5));
    assertThat(cut.ranges()).containsExactly(r(5, 10), r(50, 60));
    assertThat(cut.ownsPoint(M6.id(62))).isFalse();
    assertThat(cut.plus(r(60, 5))).isEqualTo(owned);
  }

  @Test
  void theWholeRing_isCutIntoTheRest() {
    OwnedRanges whole = OwnedRanges.of(M6, List.of(r(7, 7)));
    assertThat(whole.share()).isEqualTo(1.0);
    OwnedRanges cut = whole.minus(r(20, 30));
    assertThat(cut.ranges()).containsExactly(r(30, 20));
    assertThat(cut.plus(r(20, 30)).share()).isEqualTo(1.0);
  }

  @Test
  void plus_refusesAnOverlap_minus_refusesWhatIsNotOwned() {
    OwnedRanges owned = OwnedRanges.of(M6, List.of(r(10, 40)));
    assertThatThrownBy(() -> owned.plus(r(35, 45))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> owned.minus(r(35, 45))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> owned.minus(r(5, 15))).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Handing random ranges back and forth between two holders never loses or duplicates an id:
   * every id is owned by exactly one of them at the end (seeded; the seed is in the name).
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void randomHandOffs_keepEveryIdAtExactlyOneHolder(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    IdSpace space = new IdSpace(8);
    List<NodeId> nodes = List.of(NodeId.of("a"), NodeId.of("b"), NodeId.of("c"));
    RingSnapshot ring = RingSnapshot.hashed(space, nodes, 5);
    List<OwnedRanges> held = new ArrayList<>();
    for (NodeId n : nodes) {
      held.add(OwnedRanges.of(space, ring.rangesOf(n)));
    }
    for (int step = 0; step < 200; step++) {
      int from = random.nextInt(3);
      if (held.get(from).isEmpty()) {
        continue;
      }
      List<RingRange> rs = held.get(from).ranges();
      RingRange whole = rs.get(random.nextInt(rs.size()));
      long len = whole.start().equals(whole.end()) ? 256 : whole.start().distanceTo(whole.end());
      if (len < 2) {
        continue;
      }
      long a = random.nextLong(len - 1);
      long b = a + 1 + random.nextLong(len - 1 - a);
      RingRange part = new RingRange(whole.start().plus(a), whole.start().plus(b));
      int to = (from + 1 + random.nextInt(2)) % 3;
      held.set(from, held.get(from).minus(part));
      held.set(to, held.get(to).plus(part));
    }
    for (int id = 0; id < 256; id++) {
      int owners = 0;
      for (OwnedRanges o : held) {
        owners += o.ownsPoint(space.id(id)) ? 1 : 0;
      }
      assertThat(owners).as("owners of id %d (seed %d)", id, seed).isEqualTo(1);
    }
    assertThat(held.stream().mapToDouble(OwnedRanges::share).sum()).isEqualTo(1.0);
  }
}
