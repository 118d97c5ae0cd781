package io.ringtx.protocol.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The lecture's examples (DESIGN §4, issue 4 acceptance), on rings built by the protocol itself:
 * every node but the first joins through another, and stabilize / notify / fix_fingers run on
 * their timers over a simulated network with 1 ms links. Node ids are explicit, not hashed.
 */
class ChordLectureExamplesTest {
  private static final IdSpace M6 = new IdSpace(6);
  private static final IdSpace M7 = new IdSpace(7);
  private static final long[] LECTURE_M6 = {4, 8, 15, 20, 32, 35, 44, 58};

  private static RingConfig config(IdSpace space) {
    return new RingConfig(space, 1, 3, 100, 50, 200);
  }

  private static VirtualNode v(IdSpace space, long id) {
    return new VirtualNode(NodeId.of("n" + id), space.id(id));
  }

  /** Builds the ring through joins, then lets it stabilise. */
  private static SimRing ring(IdSpace space, long... ids) {
    SimRing sim = new SimRing(config(space), 1, 1, 1);
    sim.start(v(space, ids[0]));
    for (int i = 1; i < ids.length; i++) {
      sim.join(v(space, ids[i]), v(space, ids[0]));
      sim.runFor(500);
    }
    sim.runFor(5_000);
    return sim;
  }

  private static ChordNode node(SimRing sim, IdSpace space, long id) {
    return sim.node(space.id(id));
  }

  private static long succ(SimRing sim, IdSpace space, long id) {
    return node(sim, space, id).successor().id().value();
  }

  private static long pred(SimRing sim, IdSpace space, long id) {
    return node(sim, space, id).predecessor().orElseThrow().id().value();
  }

  private static RingStep.LookupDone lookup(SimRing sim, ChordNode from, RingId target) {
    long requestId = sim.now() * 1000 + from.self().id().value();
    sim.startLookup(from, requestId, target);
    sim.runFor(100);
    return sim.lookup(requestId);
  }

  @Test
  void ringBuiltByJoins_convergesToTheTrueSuccessorsAndPredecessors() {
    // Chord §IV.E.1: stabilize and notify make successor and predecessor pointers correct.
    SimRing sim = ring(M6, LECTURE_M6);
    for (int i = 0; i < LECTURE_M6.length; i++) {
      long id = LECTURE_M6[i];
      assertThat(succ(sim, M6, id)).as("succ of " + id).isEqualTo(LECTURE_M6[(i + 1) % 8]);
      assertThat(pred(sim, M6, id)).as("pred of " + id).isEqualTo(LECTURE_M6[(i + 7) % 8]);
      assertThat(node(sim, M6, id).successors()).hasSize(3);
    }
  }

  @Test
  void key37_belongsToNode44_fromTheSnapshotAndByLookupFromEveryNode() {
    // Lecture, m = 6: key 37 lies in (35, 44], so successor(37) = 44.
    RingSnapshot snapshot =
        RingSnapshot.of(M6, LongStream.of(LECTURE_M6).mapToObj(id -> v(M6, id)).toList());
    assertThat(snapshot.successor(M6.id(37))).isEqualTo(v(M6, 44));

    SimRing sim = ring(M6, LECTURE_M6);
    for (ChordNode from : sim.nodes()) {
      RingStep.LookupDone done = lookup(sim, from, M6.id(37));
      assertThat(done.owner()).as("lookup of 37 from " + from.self()).isEqualTo(v(M6, 44));
      assertThat(done.hops()).isLessThanOrEqualTo(3); // log2(8)
    }
  }

  @Test
  void node8_ownsKeys5To8() {
    // Lecture, m = 6: node 8's predecessor is 4, so it owns (4, 8] = keys 5, 6, 7, 8.
    RingSnapshot snapshot =
        RingSnapshot.of(M6, LongStream.of(LECTURE_M6).mapToObj(id -> v(M6, id)).toList());
    assertThat(snapshot.rangesOf(NodeId.of("n8")))
        .containsExactly(new RingRange(M6.id(4), M6.id(8)));

    SimRing sim = ring(M6, LECTURE_M6);
    ChordNode n8 = node(sim, M6, 8);
    List<Long> owned = new ArrayList<>();
    for (long k = 0; k < 64; k++) {
      if (n8.owns(M6.id(k))) {
        owned.add(k);
      }
    }
    assertThat(owned).containsExactly(5L, 6L, 7L, 8L);
  }

  @Test
  void node50_joiningThroughNode15_isLinkedIn_afterStabilizeAndNotify() {
    // Lecture / Chord §IV.E.1: join finds 50.succ = 58; 50's stabilize notifies 58 (58.pred = 50);
    // 44's stabilize learns 58.pred = 50 ∈ (44, 58), takes 50 as successor and notifies it.
    SimRing sim = ring(M6, LECTURE_M6);
    sim.join(v(M6, 50), v(M6, 15));
    sim.runFor(10); // the join lookup: 15 → 35 → 44, which names 58
    assertThat(succ(sim, M6, 50)).isEqualTo(58);

    sim.runFor(3 * sim.config.stabilizeMillis());
    assertThat(succ(sim, M6, 44)).isEqualTo(50);
    assertThat(pred(sim, M6, 50)).isEqualTo(44);
    assertThat(succ(sim, M6, 50)).isEqualTo(58);
    assertThat(pred(sim, M6, 58)).isEqualTo(50);
    // Keys 45..50 moved from 58 to 50.
    assertThat(node(sim, M6, 50).owns(M6.id(45))).isTrue();
    assertThat(node(sim, M6, 58).owns(M6.id(45))).isFalse();
    assertThat(lookup(sim, node(sim, M6, 4), M6.id(47)).owner()).isEqualTo(v(M6, 50));
  }

  @Test
  void node80_onTheM7Ring_hasFingers96_96_96_96_96_112_20() {
    // Lecture, m = 7: finger i = successor(80 + 2^i): starts 81, 82, 84, 88, 96, 112, 16.
    SimRing sim = ring(M7, 20, 32, 45, 80, 96, 112);
    assertThat(node(sim, M7, 80).fingers().stream().map(f -> f.id().value()))
        .containsExactly(96L, 96L, 96L, 96L, 96L, 112L, 20L);
    assertThat(node(sim, M7, 80).closestPrecedingNode(M7.id(10))).isEqualTo(v(M7, 112));
    assertThat(node(sim, M7, 80).closestPrecedingNode(M7.id(30))).isEqualTo(v(M7, 20));
  }

  @Test
  void gracefulLeave_relinksPredecessorAndSuccessor_beforeAnyFailureIsDetected() {
    // Chord §IV.E.4: the leaving node tells its predecessor and successor.
    SimRing sim = ring(M6, LECTURE_M6);
    sim.leave(M6.id(44));
    sim.runFor(5); // far less than the 300 ms it takes to detect a failed node
    assertThat(succ(sim, M6, 35)).isEqualTo(58);
    assertThat(node(sim, M6, 35).successors().stream().map(s -> s.id().value()))
        .containsExactly(58L, 4L, 8L);
    assertThat(pred(sim, M6, 58)).isEqualTo(35);
    assertThat(node(sim, M6, 58).owns(M6.id(37))).isTrue();
  }

  @Test
  void failedSuccessor_isReplacedByTheNextLiveOneInTheSuccessorList() {
    // Chord §IV.E.3: a node whose successor fails takes the first live entry of its list.
    SimRing sim = ring(M6, LECTURE_M6);
    sim.fail(M6.id(44));
    sim.runFor(2_000);
    assertThat(succ(sim, M6, 35)).isEqualTo(58);
    assertThat(pred(sim, M6, 58)).isEqualTo(35);
    for (ChordNode from : sim.nodes()) {
      assertThat(lookup(sim, from, M6.id(37)).owner()).isEqualTo(v(M6, 58));
      assertThat(from.fingers()).doesNotContain(v(M6, 44));
    }
  }

  @Test
  void aNodeAlone_ownsEverything_andASecondNodeSplitsTheRing() {
    // Chord §IV.E.1 create(): a ring of one; (n, n] is the whole ring.
    SimRing sim = new SimRing(config(M6), 1, 1, 1);
    ChordNode a = sim.start(v(M6, 10));
    assertThat(a.owns(M6.id(10))).isTrue();
    assertThat(a.owns(M6.id(11))).isTrue();
    assertThat(lookup(sim, a, M6.id(3)).owner()).isEqualTo(v(M6, 10));
    assertThat(a.fingers()).containsOnly(v(M6, 10));

    sim.join(v(M6, 40), v(M6, 10));
    sim.runFor(1_000);
    assertThat(succ(sim, M6, 10)).isEqualTo(40);
    assertThat(pred(sim, M6, 10)).isEqualTo(40);
    assertThat(succ(sim, M6, 40)).isEqualTo(10);
    assertThat(pred(sim, M6, 40)).isEqualTo(10);
    assertThat(lookup(sim, a, M6.id(30)).owner()).isEqualTo(v(M6, 40));
    assertThat(lookup(sim, a, M6.id(50)).owner()).isEqualTo(v(M6, 10));

    sim.leave(M6.id(40));
    sim.runFor(1_000);
    assertThat(a.successor()).isEqualTo(a.self());
    assertThat(a.predecessor()).isEmpty();
    assertThat(a.owns(M6.id(30))).isTrue();
  }
}
