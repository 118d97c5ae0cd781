package io.ringtx.participant.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.ValidateRequest;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.step.Persist;
import io.ringtx.protocol.step.Reply;
import io.ringtx.protocol.step.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bound on queued work (requests parked behind a commit plus log writes in flight): beyond
 * it new work is refused before anything is locked or changed, and what drains the queue is
 * still served.
 */
class ParticipantOverloadTest {
  static final NodeId SELF = NodeId.of("p1");
  static final NodeId PEER = NodeId.of("p2");
  static final NodeId COORD = NodeId.of("c1");

  final MemShardStore store = new MemShardStore().put("x", "10", 3).put("y", "5", 4);
  final ParticipantCore core =
      new ParticipantCore(SELF, store, store, store.lastVersion(),
          new ParticipantConfig(1_000, 2_000, k -> true, 2));
  long token = 1;

  Step call(Message m) {
    return core.onRequest(100, token++, COORD, m);
  }

  static VoteRequest prepare(String tx, String key) {
    return new VoteRequest(TxId.of(tx), COORD, List.of(SELF, PEER), List.of(),
        List.of(WriteOp.put(key, "1")));
  }

  static List<Message> replies(Step s) {
    List<Message> out = new ArrayList<>();
    s.sends().forEach(o -> {
      if (o instanceof Reply r) {
        out.add(r.message());
      }
    });
    return out;
  }

  /** Two prepares whose PREPARED writes are in flight fill a queue bounded at 2. */
  List<Persist> fillQueue() {
    List<Persist> pending = new ArrayList<>();
    pending.addAll(call(prepare("a", "x")).persists());
    pending.addAll(call(prepare("b", "y")).persists());
    assertThat(pending).hasSize(2);
    assertThat(core.queuedWork()).isEqualTo(2);
    return pending;
  }

  @Test
  void prepare_whenQueueAtBound_isRefusedOverloadedWithNothingLockedOrWritten() {
    fillQueue();
    Step s = call(prepare("c", "z"));
    assertThat(s.persists()).as("nothing written for a refused prepare").isEmpty();
    assertThat(replies(s)).singleElement()
        .isInstanceOfSatisfying(ErrorReply.class,
            e -> assertThat(e.code()).isEqualTo(ErrorReply.Code.OVERLOADED));
    assertThat(core.locksHeldBy(TxId.of("c"))).isEmpty();
    assertThat(core.state(TxId.of("c"))).isEqualTo(TxState.UNKNOWN);
    assertThat(core.overloadRefusals()).isEqualTo(1);
  }

  @Test
  void readsAndValidations_whenQueueAtBound_areRefused() {
    fillQueue();
    assertThat(replies(call(new ReadRequest("x")))).singleElement()
        .isInstanceOf(ErrorReply.class);
    assertThat(replies(call(new ValidateRequest(TxId.of("v"), List.of(new ReadItem("x", 3))))))
        .singleElement().isInstanceOf(ErrorReply.class);
    assertThat(core.overloadRefusals()).isEqualTo(2);
  }

  @Test
  void onePhaseCommit_whenQueueAtBound_isRefusedWithAForcedAbortRecord() {
    // A one-phase answer is the decision: as for any refused one-phase commit, ABORTED is
    // forced before it leaves, so that a late duplicate can never commit it.
    fillQueue();
    long t = token;
    Step s = call(new OnePhaseCommit(TxId.of("o"), COORD, List.of(), List.of(WriteOp.put("z", "1"))));
    Persist p = s.persists().get(0);
    assertThat(p.writes().forced()).isTrue();
    assertThat(p.writes().records()).singleElement().isEqualTo(new Aborted(TxId.of("o"), Reason.OVERLOADED));
    assertThat(replies(s)).isEmpty();
    assertThat(p.afterPersist()).singleElement().isEqualTo(
        new Reply(t, new OnePhaseResult(TxId.of("o"), SELF, Decision.ABORT, Reason.OVERLOADED)));
  }

  @Test
  void decisionsAndStatusQueries_whenQueueAtBound_areStillServed() {
    List<Persist> pending = fillQueue();
    // GLOBAL-ABORT for a transaction this shard never saw is acknowledged (after its record).
    Step abort = call(GlobalDecision.abort(TxId.of("never"), Reason.TIMEOUT));
    assertThat(abort.sends().size() + abort.persists().size()).isPositive();
    Step status = call(new StatusQuery(TxId.of("a"), COORD, false));
    assertThat(replies(status)).singleElement().isInstanceOf(StatusReply.class);
    // Requests about a transaction already held here are answered from its state.
    assertThat(call(prepare("a", "x")).persists()).isEmpty();
    assertThat(core.overloadRefusals()).isZero();
    assertThat(pending).hasSize(2);
  }

  @Test
  void whenTheQueueDrains_newWorkIsServedAgain() {
    List<Persist> pending = fillQueue();
    assertThat(replies(call(new ReadRequest("x")))).singleElement().isInstanceOf(ErrorReply.class);
    for (Persist p : pending) {
      store.apply(p.writes());
      core.onPersisted(100, p.id());
    }
    assertThat(core.queuedWork()).isZero();
    // (x and y are written by the prepared a and b: a read of them would wait for a decision.)
    assertThat(replies(call(new ReadRequest("z")))).singleElement().isInstanceOf(ReadReply.class);
    Step s = call(prepare("c", "z"));
    assertThat(s.persists()).hasSize(1);
    assertThat(s.persists().get(0).afterPersist()).singleElement()
        .satisfies(o -> assertThat(((Reply) o).message())
            .isInstanceOfSatisfying(Vote.class, v -> assertThat(v.vote()).isEqualTo(VoteKind.PREPARE_OK)));
  }

  @Test
  void lockConflicts_areCounted() {
    List<Persist> pending = new ArrayList<>(call(prepare("a", "x")).persists());
    Step s = call(prepare("b", "x"));
    assertThat(replies(s)).singleElement().isInstanceOfSatisfying(Vote.class,
        v -> assertThat(v.reason()).isEqualTo(Reason.CONFLICT));
    assertThat(core.lockConflicts()).isEqualTo(1);
    assertThat(pending).hasSize(1);
  }
}
