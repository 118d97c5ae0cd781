package io.ringtx.protocol.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.RingMessage.ConfirmOwner;
import io.ringtx.protocol.ring.RingMessage.FindSuccessor;
import io.ringtx.protocol.ring.RingMessage.GetNeighbours;
import io.ringtx.protocol.ring.RingMessage.NextHop;
import io.ringtx.protocol.ring.RingMessage.NotInRing;
import io.ringtx.protocol.ring.RingMessage.Notify;
import io.ringtx.protocol.ring.RingMessage.Ping;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One {@link ChordNode} driven event by event, its effects checked message by message. */
class ChordNodeTest {
  private static final IdSpace M6 = new IdSpace(6);
  private static final RingConfig CONFIG = new RingConfig(M6, 1, 3, 100, 50, 200);

  private static VirtualNode v(long id) {
    return new VirtualNode(NodeId.of("n" + id), M6.id(id));
  }

  private static ChordNode node(long id) {
    return new ChordNode(v(id), CONFIG);
  }

  @Test
  void join_asksTheKnownNodeForTheSuccessorOfTheIdAfterItsOwn() {
    // Chord §IV.E.1 join(n'): successor = n'.find_successor(n); n + 1 so that a former
    // incarnation still listed at n is not taken for the successor.
    ChordNode n50 = node(50);
    RingStep step = n50.join(0, v(15));
    assertThat(n50.state()).isEqualTo(ChordNode.State.JOINING);
    assertThat(step.sends()).hasSize(1);
    assertThat(step.sends().get(0).to()).isEqualTo(v(15));
    FindSuccessor ask = (FindSuccessor) step.sends().get(0).request();
    assertThat(ask.target()).isEqualTo(M6.id(51));
    assertThat(ask.avoid()).isEmpty();

    RingStep found = n50.onReply(5, v(15), ask, new NextHop(v(58), true));
    assertThat(n50.state()).as("not before 58 confirms").isEqualTo(ChordNode.State.JOINING);
    assertThat(found.sends()).hasSize(1);
    assertThat(found.sends().get(0).to()).isEqualTo(v(58));
    ConfirmOwner confirm = (ConfirmOwner) found.sends().get(0).request();
    assertThat(confirm.lookupId()).isEqualTo(ask.lookupId());

    RingStep joined = n50.onReply(6, v(58), confirm, new RingMessage.Ack());
    assertThat(n50.state()).isEqualTo(ChordNode.State.JOINED);
    assertThat(n50.successor()).isEqualTo(v(58));
    assertThat(n50.predecessor()).isEmpty(); // Chord: predecessor = nil until notified
    assertThat(joined.sends())
        .extracting(RingStep.Send::request)
        .containsExactly(new GetNeighbours());
    assertThat(joined.timers())
        .extracting(RingStep.Timer::kind)
        .containsExactlyInAnyOrder(
            RingStep.TimerKind.STABILIZE,
            RingStep.TimerKind.FIX_FINGERS,
            RingStep.TimerKind.CHECK_PREDECESSOR);
  }

  @Test
  void joinThroughItself_isABug() {
    assertThatThrownBy(() -> node(8).join(0, v(8))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNodeOutsideTheRing_answersNotInRing_beforeJoiningAndAfterLeaving() {
    ChordNode n8 = node(8);
    assertThat(n8.onRequest(0, 1, new GetNeighbours()).replies())
        .containsExactly(new RingStep.Reply(1, new NotInRing()));
    n8.start(0);
    assertThat(n8.onRequest(1, 2, new Ping()).replies())
        .containsExactly(new RingStep.Reply(2, new RingMessage.Ack()));
    n8.leave(2);
    assertThat(n8.onRequest(3, 3, new FindSuccessor(1, M6.id(9), List.of())).replies())
        .containsExactly(new RingStep.Reply(3, new NotInRing()));
    assertThat(n8.owns(M6.id(8))).isFalse();
  }

  @Test
  void aParticipantsVirtualNodesLeavingTogether_areDroppedAtOnce_byTheNodesAroundThem() {
    // x's virtual nodes 16 and 24 sit side by side between 8 and 40, and x leaves the ring.
    NodeId x = NodeId.of("x");
    VirtualNode x16 = new VirtualNode(x, M6.id(16));
    VirtualNode x24 = new VirtualNode(x, M6.id(24));
    RingSnapshot ring = RingSnapshot.of(M6, List.of(v(8), x16, x24, v(40), v(56)));
    ChordNode n8 = node(8);
    ChordNode n40 = node(40);
    ChordNode a = new ChordNode(x16, CONFIG);
    ChordNode b = new ChordNode(x24, CONFIG);
    for (ChordNode n : List.of(n8, n40, a, b)) {
      n.bootstrap(0, ring);
    }
    assertThat(n8.successors()).containsExactly(x16, x24, v(40));
    assertThat(n8.fingers()).contains(x16, x24);

    List<RingStep.Send> sends = new java.util.ArrayList<>(a.leave(1).sends());
    sends.addAll(b.leave(1).sends());
    // Neither tells the other, nor names it to the nodes around them.
    assertThat(sends).extracting(RingStep.Send::to).containsExactlyInAnyOrder(v(8), v(40));
    for (RingStep.Send send : sends) {
      (send.to().equals(v(8)) ? n8 : n40).onRequest(2, 1, send.request());
    }

    assertThat(n8.successors()).as("8's successors, no stabilisation run yet")
        .containsExactly(v(40), v(56));
    assertThat(n8.fingers()).doesNotContain(x16, x24);
    assertThat(n40.predecessor()).as("40's predecessor: 8 takes the place when it notifies")
        .isEmpty();
  }

  @Test
  void aNodeAlone_thatIsNotified_probesTheNotifier_andTakesItAsSuccessorWhenItAnswers() {
    // Chord §IV.E.1: alone, x = successor.predecessor is our own predecessor, the notifier.
    ChordNode n8 = node(8);
    n8.start(0);
    RingStep notified = n8.onRequest(1, 7, new Notify(v(40)));
    assertThat(n8.predecessor()).contains(v(40));
    assertThat(n8.successor()).as("not before it answers").isEqualTo(v(8));
    assertThat(notified.sends()).containsExactly(new RingStep.Send(v(40), new GetNeighbours()));

    RingStep answered =
        n8.onReply(2, v(40), new GetNeighbours(), new RingMessage.Neighbours(null, List.of(v(8))));
    assertThat(n8.successor()).isEqualTo(v(40));
    assertThat(n8.successors()).containsExactly(v(40)); // 40's list stops at us
    assertThat(answered.sends()).containsExactly(new RingStep.Send(v(40), new Notify(v(8))));
  }

  @Test
  void notInRingAnswer_dropsTheNodeAsIfItHadFailed() {
    ChordNode n8 = node(8);
    n8.start(0);
    n8.onRequest(1, 7, new Notify(v(40)));
    n8.onReply(2, v(40), new GetNeighbours(), new RingMessage.Neighbours(null, List.of()));
    assertThat(n8.successor()).isEqualTo(v(40));

    n8.onReply(3, v(40), new GetNeighbours(), new NotInRing());
    assertThat(n8.successor()).isEqualTo(v(8));
    assertThat(n8.predecessor()).isEmpty();
    assertThat(n8.fingers()).doesNotContain(v(40));
  }

  /** Node 50, joined through 15, which named 58 its successor (58 confirmed). */
  private static ChordNode joinedThrough15With58AsSuccessor() {
    ChordNode n50 = node(50);
    FindSuccessor ask = (FindSuccessor) n50.join(0, v(15)).sends().get(0).request();
    n50.onReply(5, v(15), ask, new NextHop(v(58), true));
    n50.onReply(6, v(58), new ConfirmOwner(ask.lookupId()), new RingMessage.Ack());
    return n50;
  }

  @Test
  void aJoinedNodeThatLosesEveryContact_joinsAgainThroughItsJoinNode() {
    // Taking itself for the whole ring would make it claim every key and grow a second ring.
    ChordNode n50 = joinedThrough15With58AsSuccessor();

    RingStep lost = n50.onSendFailed(300, v(58), new GetNeighbours());
    assertThat(n50.state()).isEqualTo(ChordNode.State.JOINING);
    assertThat(n50.owns(M6.id(50))).isFalse();
    assertThat(lost.sends()).hasSize(1);
    assertThat(lost.sends().get(0).to()).isEqualTo(v(15));
    assertThat(lost.sends().get(0).request()).isInstanceOf(FindSuccessor.class);
  }

  @Test
  void aNodeThatLosesTheRing_endsTheLookupsItWasAskedFor_withoutAnOwner() {
    ChordNode n50 = joinedThrough15With58AsSuccessor();
    RingStep asked = n50.lookup(10, 77, M6.id(60));
    assertThat(asked.lookups()).as("under way: its successor is asked").isEmpty();
    Ping probe = new Ping();

    RingStep lost = n50.onSendFailed(300, v(58), probe);

    assertThat(n50.state()).isEqualTo(ChordNode.State.JOINING);
    assertThat(lost.lookups())
        .containsExactly(new RingStep.LookupDone(77, M6.id(60), null, 1)); // 58 was asked
  }

  @Test
  void periodicTimers_notSetForTheCurrentMembership_areIgnored() {
    ChordNode n8 = node(8);
    RingStep started = n8.start(0);
    RingStep.Timer stabilize = started.timers().get(0);
    assertThat(n8.onTimer(50, new RingStep.Timer(stabilize.kind(), stabilize.atMillis() + 1)))
        .isEqualTo(RingStep.NONE);
    RingStep fired = n8.onTimer(stabilize.atMillis(), stabilize);
    assertThat(fired.timers())
        .containsExactly(new RingStep.Timer(stabilize.kind(), stabilize.atMillis() + 100));
  }

  @Test
  void lookup_stepsBackPastFailedHops_andAvoidsThem_untilItFindsTheLiveOwner() {
    // Chord §IV.E.3: a lookup that meets a failed node tries the next best predecessor.
    SimRing sim = new SimRing(CONFIG, 1, 1, 1);
    long[] ids = {4, 8, 15, 20, 32, 35, 44, 58};
    sim.start(v(ids[0]));
    for (int i = 1; i < ids.length; i++) {
      sim.join(v(ids[i]), v(ids[0]));
      sim.runFor(500);
    }
    sim.runFor(5_000);
    // 35 and 32 fail; before anyone notices, 8 looks up 37 (owned by 35's successor 44).
    sim.fail(M6.id(35));
    sim.fail(M6.id(32));
    sim.startLookup(sim.node(M6.id(8)), 1, M6.id(37));
    sim.runFor(2 * sim.timeoutMillis + 50);
    RingStep.LookupDone done = sim.lookup(1);
    assertThat(done.owner()).isEqualTo(v(44));
    assertThat(done.hops()).isGreaterThanOrEqualTo(2); // at least the dead hop and a live one
  }

  @Test
  void lookup_whoseOwnerFailedUnnoticed_endsAtTheNextLiveEntryOfTheSuccessorList() {
    // Chord §IV.E.3: with its successor failed, a node's keys fall to the next live successor.
    // 20 has not noticed that 32 and 35 failed, so it names 32 as the owner of 30; 32 does not
    // confirm, nor does 35, and the lookup ends at 44, the first live entry of 20's list.
    ChordNode n20 = node(20);
    n20.bootstrap(
        0, RingSnapshot.of(M6, List.of(v(4), v(8), v(15), v(20), v(32), v(35), v(44))));
    assertThat(n20.successors()).containsExactly(v(32), v(35), v(44));

    RingStep step = n20.lookup(1, 9, M6.id(30));
    assertThat(step.sends()).hasSize(1);
    assertThat(step.sends().get(0).to()).isEqualTo(v(32));
    ConfirmOwner confirm = (ConfirmOwner) step.sends().get(0).request();

    step = n20.onSendFailed(301, v(32), confirm);
    assertThat(step.lookups()).isEmpty();
    assertThat(step.sends().get(0).to()).isEqualTo(v(35));
    step = n20.onReply(302, v(35), step.sends().get(0).request(), new NotInRing());
    assertThat(step.lookups()).isEmpty();
    assertThat(step.sends().get(0).to()).isEqualTo(v(44));
    step = n20.onReply(303, v(44), step.sends().get(0).request(), new RingMessage.Ack());
    assertThat(step.lookups()).containsExactly(new RingStep.LookupDone(9, M6.id(30), v(44), 0));
    assertThat(n20.successors()).as("the failures it met are forgotten").containsExactly(v(44));
  }
}
