package io.ringtx.coordinator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxDigest;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.ValidateRequest;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.step.Outbound;
import io.ringtx.protocol.step.Persist;
import io.ringtx.protocol.step.Reply;
import io.ringtx.protocol.step.Send;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.Timer;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.protocol.step.TimerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every transition of the coordinator state machine (DESIGN §3), driven directly with a static
 * three-shard router ({@code a:*} → p1, {@code b:*} → p2, {@code c:*} → p3). The test plays the
 * shell: it completes or fails each persist, sending its afterPersist only on success.
 */
class CoordinatorCoreTest {
  static final NodeId SELF = NodeId.of("c1");
  static final NodeId P1 = NodeId.of("p1");
  static final NodeId P2 = NodeId.of("p2");
  static final NodeId P3 = NodeId.of("p3");
  static final TxId T = TxId.of("client-1");
  static final long VOTE_TIMEOUT = 2_000;
  static final long RESEND_INITIAL = 200;
  static final long RESEND_MAX = 1_000;

  final MemCoordinatorLog log = new MemCoordinatorLog();
  final PrefixRouter router = new PrefixRouter(Map.of("a", P1, "b", P2, "c", P3));
  CoordinatorCore core = newCore();
  long now = 1_000;

  CoordinatorCore newCore() {
    return new CoordinatorCore(
        SELF, router, log, new CoordinatorConfig(VOTE_TIMEOUT, RESEND_INITIAL, RESEND_MAX));
  }

  // ---- the test plays the shell ----

  record Completed(List<Outbound> afterPersist, Step next) {
    List<Outbound> allSent() {
      List<Outbound> out = new ArrayList<>(afterPersist);
      out.addAll(next.sends());
      return out;
    }
  }

  Completed complete(Persist p) {
    log.apply(p.writes());
    return new Completed(p.afterPersist(), core.onPersisted(now, p.id()));
  }

  /** Everything {@code s} sends, now or once each of its persists completes (recursively). */
  List<Outbound> sentOnceDurable(Step s) {
    List<Outbound> out = new ArrayList<>(s.sends());
    for (Persist p : s.persists()) {
      Completed c = complete(p);
      out.addAll(c.afterPersist());
      out.addAll(sentOnceDurable(c.next()));
    }
    return out;
  }

  static Persist onlyPersist(Step s) {
    assertThat(s.persists()).hasSize(1);
    return s.persists().get(0);
  }

  static List<Message> repliesTo(long token, List<Outbound> sent) {
    List<Message> out = new ArrayList<>();
    for (Outbound o : sent) {
      if (o instanceof Reply r && r.token() == token) {
        out.add(r.message());
      }
    }
    return out;
  }

  static List<Send> sendsOf(List<Outbound> sent) {
    List<Send> out = new ArrayList<>();
    sent.forEach(o -> {
      if (o instanceof Send s) {
        out.add(s);
      }
    });
    return out;
  }

  static Message requestTo(NodeId n, List<Outbound> sent) {
    List<Send> to = sendsOf(sent).stream().filter(s -> s.to().equals(n)).toList();
    assertThat(to).as("requests to %s in %s", n, sent).hasSize(1);
    return to.get(0).message();
  }

  static boolean anyGlobalCommit(List<Outbound> sent) {
    return sendsOf(sent).stream()
        .anyMatch(s -> s.message() instanceof GlobalDecision d && d.decision() == Decision.COMMIT);
  }

  Step begin(long token, List<ReadItem> reads, List<WriteOp> writes) {
    return core.begin(now, token, T, reads, writes);
  }

  Step vote(NodeId from, Message request, Vote v) {
    return core.onReply(now, from, request, v);
  }

  /** A transfer between p1 and p2 that also reads c:z at p3. */
  static final List<ReadItem> READS =
      List.of(new ReadItem("a:x", 3), new ReadItem("b:y", 4), new ReadItem("c:z", 5));
  static final List<WriteOp> WRITES = List.of(WriteOp.put("a:x", "7"), WriteOp.put("b:y", "3"));
  static final long THREE_SHARDS = TxDigest.of(READS, WRITES);

  /** Begins the three-shard transaction; returns its step. */
  Step beginThreeShards(long token) {
    return begin(token, READS, WRITES);
  }

  /** Drives the three-shard transaction to COMMIT durable; returns the client token's step. */
  Completed commitThreeShards() {
    Step s = beginThreeShards(1);
    vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
    vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
    Step decided = vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
    return complete(onlyPersist(decided));
  }

  // ---- empty, read-only and single-shard transactions ----

  @Test
  void emptyTransaction_commitsAtOnce_withNothingSent_andItsOutcomeKeptLazily() {
    Step s = begin(1, List.of(), List.of());
    assertThat(s.sends()).containsExactly(new Reply(1, TxResult.committed(T)));
    assertOutcomeKeptLazily(s, Decision.COMMIT, null);
    assertThat(s.timers()).isEmpty();
    // DESIGN §2: the same id is answered with the same outcome, not run as a new transaction.
    Step again = begin(2, List.of(), List.of());
    assertThat(again.sends()).containsExactly(new Reply(2, TxResult.committed(T)));
    assertThat(again.persists()).isEmpty();
    // Another transaction under this id is refused, not told the first one's COMMITTED.
    Step other = begin(3, List.of(), List.of(WriteOp.put("a:x", "1")));
    assertThat(other.sends()).containsExactly(new Reply(3, TxResult.aborted(T, Reason.ID_REUSED)));
    assertThat(other.persists()).isEmpty();
  }

  /**
   * {@code s} writes the outcome lazily (END, as after a one-phase commit) and nothing else;
   * completes the write.
   */
  void assertOutcomeKeptLazily(Step s, Decision decision, Reason reason) {
    Persist p = onlyPersist(s);
    assertThat(p.writes().forced()).as("written lazily: nothing waits for it").isFalse();
    assertThat(p.afterPersist()).isEmpty();
    assertThat(p.writes().records()).singleElement().isInstanceOfSatisfying(CoordinatorEnd.class,
        end -> {
          assertThat(end.decision()).isEqualTo(decision);
          assertThat(end.reason()).isEqualTo(reason);
        });
    complete(p);
    assertThat(core.activeCount()).isZero();
  }

  @Nested
  class ReadOnlyTransaction {
    List<ReadItem> reads = List.of(new ReadItem("a:x", 3), new ReadItem("b:y", 4));

    @Test
    void validatesAtEveryShard_allReadOnly_commits_withNothingPersisted() {
      // DESIGN §3 step 1: a read-only transaction needs one round; nothing locked or logged.
      // Its outcome is not kept either: a retry is validated again (see CoordinatorCore.finish).
      Step s = begin(1, reads, List.of());
      assertThat(s.persists()).isEmpty();
      assertThat(requestTo(P1, s.sends()))
          .isEqualTo(new ValidateRequest(T, List.of(new ReadItem("a:x", 3))));
      assertThat(requestTo(P2, s.sends()))
          .isEqualTo(new ValidateRequest(T, List.of(new ReadItem("b:y", 4))));
      assertThat(s.timers()).containsExactly(new Timer(T, TimerKind.VOTE_TIMEOUT, now + VOTE_TIMEOUT));

      Step first = vote(P1, requestTo(P1, s.sends()), Vote.readOnly(T, P1));
      assertThat(first.isEmpty()).isTrue();
      Step last = vote(P2, requestTo(P2, s.sends()), Vote.readOnly(T, P2));
      assertThat(last.sends()).containsExactly(new Reply(1, TxResult.committed(T)));
      assertThat(last.persists()).isEmpty();
      assertThat(log.applied).isEmpty();
      assertThat(core.activeCount()).isZero();
      // A retry is validated again, answered as of then.
      Step retry = begin(2, reads, List.of());
      assertThat(repliesTo(2, retry.sends())).isEmpty();
      assertThat(requestTo(P1, retry.sends()))
          .isEqualTo(new ValidateRequest(T, List.of(new ReadItem("a:x", 3))));
    }

    @Test
    void anyNotOk_abortsWithItsReason_atOnce_withNothingPersisted() {
      Step s = begin(1, reads, List.of());
      Step no = vote(P2, requestTo(P2, s.sends()), Vote.no(T, P2, Reason.CONFLICT));
      assertThat(no.sends()).containsExactly(new Reply(1, TxResult.aborted(T, Reason.CONFLICT)));
      assertThat(no.persists()).isEmpty();
      Step late = vote(P1, requestTo(P1, s.sends()), Vote.readOnly(T, P1));
      assertThat(late.isEmpty()).isTrue();
      assertThat(log.applied).isEmpty();
    }

    @Test
    void timeout_abortsWithTimeout() {
      begin(1, reads, List.of());
      Step t = core.onTimer(now + VOTE_TIMEOUT, new Timer(T, TimerKind.VOTE_TIMEOUT, now + VOTE_TIMEOUT));
      assertThat(t.sends()).containsExactly(new Reply(1, TxResult.aborted(T, Reason.TIMEOUT)));
      assertThat(t.persists()).isEmpty();
    }

    @Test
    void sendFailure_abortsAsParticipantFailed() {
      Step s = begin(1, reads, List.of());
      Step f = core.onSendFailed(now, P1, requestTo(P1, s.sends()));
      assertThat(f.sends())
          .containsExactly(new Reply(1, TxResult.aborted(T, Reason.PARTICIPANT_FAILED)));
    }
  }

  @Nested
  class SingleShard {
    List<ReadItem> reads = List.of(new ReadItem("a:x", 3));
    List<WriteOp> writes = List.of(WriteOp.put("a:x", "1"), WriteOp.append("a:log", "+1"));

    @Test
    void onePhaseCommit_isSentToTheShard_resultRelayed_andEndWrittenLazily() {
      // DESIGN §3 step 1: one shard commits in one phase
      Step s = begin(1, reads, writes);
      assertThat(s.sends()).containsExactly(new Send(P1, new OnePhaseCommit(T, SELF, reads, writes)));
      assertThat(s.persists()).isEmpty();

      Step r =
          core.onReply(
              now, P1, requestTo(P1, s.sends()), new OnePhaseResult(T, P1, Decision.COMMIT, null));
      assertThat(r.sends()).containsExactly(new Reply(1, TxResult.committed(T)));
      Persist end = onlyPersist(r);
      assertThat(end.writes().forced()).isFalse();
      assertThat(end.writes().records())
          .containsExactly(new CoordinatorEnd(T, Decision.COMMIT, null, List.of(P1),
              TxDigest.of(reads, writes)));
      complete(end);
      assertThat(core.activeCount()).isZero();
      // DESIGN §2: a retry is answered from the log and never runs twice
      Step retry = begin(2, reads, writes);
      assertThat(retry.sends()).containsExactly(new Reply(2, TxResult.committed(T)));
    }

    @Test
    void onePhaseAbort_isRelayedWithItsReason() {
      Step s = begin(1, reads, writes);
      Step r =
          core.onReply(
              now, P1, requestTo(P1, s.sends()),
              new OnePhaseResult(T, P1, Decision.ABORT, Reason.CONFLICT));
      assertThat(r.sends()).containsExactly(new Reply(1, TxResult.aborted(T, Reason.CONFLICT)));
      assertThat(onlyPersist(r).writes().records())
          .containsExactly(new CoordinatorEnd(T, Decision.ABORT, Reason.CONFLICT, List.of(P1),
              TxDigest.of(reads, writes)));
    }

    @Test
    void onePhaseWithoutAnswer_isUnknown_notAborted() {
      // The shard may have applied it: the client must not be told ABORTED (DESIGN §2 UNKNOWN).
      Step s = begin(1, reads, writes);
      Step f = core.onSendFailed(now, P1, requestTo(P1, s.sends()));
      assertThat(f.sends()).containsExactly(new Reply(1, new TxResult(T, Outcome.UNKNOWN, null)));
      assertThat(f.persists()).isEmpty();
      // the client may retry with the same id: the shard deduplicates it
      Step retry = begin(2, reads, writes);
      assertThat(retry.sends()).containsExactly(new Send(P1, new OnePhaseCommit(T, SELF, reads, writes)));
    }

    @Test
    void onePhaseInternalError_isUnknown() {
      Step s = begin(1, reads, writes);
      Step r =
          core.onReply(
              now, P1, requestTo(P1, s.sends()),
              new ErrorReply(ErrorReply.Code.INTERNAL, "log write failed"));
      assertThat(r.sends()).containsExactly(new Reply(1, new TxResult(T, Outcome.UNKNOWN, null)));
    }

    @Test
    void onePhaseTimeout_isUnknown() {
      begin(1, reads, writes);
      Step t = core.onTimer(now + VOTE_TIMEOUT, new Timer(T, TimerKind.VOTE_TIMEOUT, now + VOTE_TIMEOUT));
      assertThat(t.sends()).containsExactly(new Reply(1, new TxResult(T, Outcome.UNKNOWN, null)));
    }

    @Test
    void onePhaseNotOwner_abortsWithNotOwner() {
      Step s = begin(1, reads, writes);
      Step r =
          core.onReply(
              now, P1, requestTo(P1, s.sends()), new ErrorReply(ErrorReply.Code.NOT_OWNER, "moved"));
      assertThat(r.sends()).containsExactly(new Reply(1, TxResult.aborted(T, Reason.NOT_OWNER)));
    }
  }

  // ---- two-phase commit ----

  @Nested
  class TwoPhase {
    @Test
    void multiShard_sendsVoteRequests_withTheWritingParticipants_andOnlyEachShardsPart() {
      // DESIGN §3 step 2: VOTE-REQ carries the participant list (for cooperative termination)
      // and that shard's part. The list names the shards that write: they alone keep a
      // PREPARED record and can answer a peer; P3 only reads here.
      Step s = beginThreeShards(1);
      List<NodeId> all = List.of(P1, P2);
      assertThat(requestTo(P1, s.sends()))
          .isEqualTo(new VoteRequest(T, SELF, all, List.of(READS.get(0)), List.of(WRITES.get(0))));
      assertThat(requestTo(P2, s.sends()))
          .isEqualTo(new VoteRequest(T, SELF, all, List.of(READS.get(1)), List.of(WRITES.get(1))));
      assertThat(requestTo(P3, s.sends()))
          .isEqualTo(new VoteRequest(T, SELF, all, List.of(READS.get(2)), List.of()));
      assertThat(s.persists()).as("presumed abort: nothing forced before the votes").isEmpty();
      assertThat(s.timers()).containsExactly(new Timer(T, TimerKind.VOTE_TIMEOUT, now + VOTE_TIMEOUT));
    }

    @Test
    void allVotesYes_forcesCommit_withGlobalCommitOnlyAfterIt_andTheClientsAnswerAheadOfThem() {
      // DESIGN §3 step 3 / §6: GLOBAL-COMMIT only once COMMIT is durable
      Step s = beginThreeShards(1);
      assertThat(vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1)).isEmpty()).isTrue();
      assertThat(vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3)).isEmpty()).isTrue();
      Step decided = vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));

      assertThat(decided.sends()).as("nothing leaves before COMMIT is durable").isEmpty();
      Persist p = onlyPersist(decided);
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records()).containsExactly(new CoordinatorCommit(T, List.of(P1, P2), THREE_SHARDS));
      // The client waits for its answer, nothing for the GLOBAL-COMMITs but lock release: the
      // answer leaves first.
      assertThat(p.afterPersist().get(0)).isEqualTo(new Reply(1, TxResult.committed(T)));
      assertThat(p.afterPersist().subList(1, p.afterPersist().size()))
          .containsExactlyInAnyOrder(
              new Send(P1, GlobalDecision.commit(T)),
              new Send(P2, GlobalDecision.commit(T)),
              new Send(P3, GlobalDecision.commit(T)));
      assertThat(core.known(T).orElseThrow().result().outcome()).isEqualTo(Outcome.UNKNOWN);

      Completed done = complete(p);
      assertThat(done.next().sends()).as("answered once, with the write").isEmpty();
      assertThat(done.next().timers())
          .containsExactly(new Timer(T, TimerKind.DECISION_RESEND, now + RESEND_INITIAL));
      assertThat(core.awaitingAcks()).containsExactly(T);
    }

    @Test
    void acksFromEveryWriter_writeEndLazily_readOnlyShardNeedNotAck() {
      // DESIGN §3 step 4: END after every acknowledgement; read-only shards need not acknowledge
      commitThreeShards();
      Step a1 = core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      assertThat(a1.isEmpty()).isTrue();
      Step a2 = core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT));
      Persist end = onlyPersist(a2);
      assertThat(end.writes().forced()).isFalse();
      assertThat(end.writes().records())
          .containsExactly(
              new CoordinatorEnd(T, Decision.COMMIT, null, List.of(P1, P2, P3), THREE_SHARDS));
      complete(end);
      assertThat(core.activeCount()).isZero();
      assertThat(core.known(T).orElseThrow().result()).isEqualTo(TxResult.committed(T));
    }

    @Test
    void noVote_answersTheClientAtOnce_andTellsEveryShardButTheNoVoter_onceTheAbortIsDurable() {
      // DESIGN §3 step 3: any VOTE-ABORT → GLOBAL-ABORT. Presumed abort lets the client hear at
      // once; the shards hear once the abort is durable (see AbortsAcrossRestarts for why).
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      Step no = vote(P2, requestTo(P2, s.sends()), Vote.no(T, P2, Reason.CONFLICT));

      assertThat(no.sends()).containsExactly(new Reply(1, TxResult.aborted(T, Reason.CONFLICT)));
      Persist p = onlyPersist(no);
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records())
          .containsExactly(
              new CoordinatorAbort(T, List.of(P1, P2, P3), Reason.CONFLICT, THREE_SHARDS));
      assertThat(p.afterPersist())
          .containsExactlyInAnyOrder(
              new Send(P1, GlobalDecision.abort(T, Reason.CONFLICT)),
              new Send(P3, GlobalDecision.abort(T, Reason.CONFLICT)));
      Completed done = complete(p);
      assertThat(done.next().timers())
          .containsExactly(new Timer(T, TimerKind.DECISION_RESEND, now + RESEND_INITIAL));

      // only the writer that did not vote no must acknowledge
      Step ack = core.onReply(now, P1, GlobalDecision.abort(T, Reason.CONFLICT), new Ack(T, P1, Decision.ABORT));
      Persist end = onlyPersist(ack);
      assertThat(end.writes().forced()).isFalse();
      assertThat(end.writes().records())
          .containsExactly(new CoordinatorEnd(
              T, Decision.ABORT, Reason.CONFLICT, List.of(P1, P2, P3), THREE_SHARDS));
    }

    @Test
    void voteTimeout_abortsWithTimeout() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      now += VOTE_TIMEOUT;
      Step t = core.onTimer(now, new Timer(T, TimerKind.VOTE_TIMEOUT, now));
      assertThat(repliesTo(1, t.sends())).containsExactly(TxResult.aborted(T, Reason.TIMEOUT));
      List<Send> told = sendsOf(sentOnceDurable(t));
      assertThat(told).extracting(Send::to).containsExactlyInAnyOrder(P1, P2, P3);
      assertThat(told).allMatch(x -> x.message().equals(GlobalDecision.abort(T, Reason.TIMEOUT)));
    }

    @Test
    void voteTimeout_afterTheDecision_changesNothing() {
      commitThreeShards();
      Step t = core.onTimer(now + VOTE_TIMEOUT, new Timer(T, TimerKind.VOTE_TIMEOUT, now));
      assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void sendFailureInWait_abortsAsParticipantFailed() {
      Step s = beginThreeShards(1);
      Step f = core.onSendFailed(now, P2, requestTo(P2, s.sends()));
      assertThat(repliesTo(1, f.sends()))
          .containsExactly(TxResult.aborted(T, Reason.PARTICIPANT_FAILED));
      assertThat(sendsOf(sentOnceDurable(f))).extracting(Send::to).contains(P1, P2, P3);
    }

    @Test
    void notOwnerInWait_abortsWithNotOwner() {
      Step s = beginThreeShards(1);
      Step r =
          core.onReply(now, P2, requestTo(P2, s.sends()), new ErrorReply(ErrorReply.Code.NOT_OWNER, "moved"));
      assertThat(repliesTo(1, r.sends())).containsExactly(TxResult.aborted(T, Reason.NOT_OWNER));
    }

    @Test
    void lateVotes_afterAnAbort_changeNothing() {
      // DESIGN §3 step 4: duplicated or late messages never change a decision
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.no(T, P1, Reason.CONFLICT));
      assertThat(vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2)).isEmpty()).isTrue();
      assertThat(vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3)).isEmpty()).isTrue();
      assertThat(vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1)).isEmpty()).isTrue();
      assertThat(core.known(T).orElseThrow().result()).isEqualTo(TxResult.aborted(T, Reason.CONFLICT));
    }

    @Test
    void duplicateVotes_afterACommit_changeNothing() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      complete(onlyPersist(vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2))));
      assertThat(vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1)).isEmpty()).isTrue();
      assertThat(vote(P2, requestTo(P2, s.sends()), Vote.no(T, P2, Reason.TIMEOUT)).isEmpty()).isTrue();
      assertThat(core.known(T).orElseThrow().result()).isEqualTo(TxResult.committed(T));
      assertThat(core.awaitingAcks()).containsExactly(T);
    }

    @Test
    void duplicateVote_whileCommitting_isIgnored() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      Step decided = vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      assertThat(vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2)).isEmpty()).isTrue();
      assertThat(vote(P1, requestTo(P1, s.sends()), Vote.no(T, P1, Reason.TIMEOUT)).isEmpty()).isTrue();
      assertThat(sendsOf(complete(onlyPersist(decided)).afterPersist())).hasSize(3);
    }

    @Test
    void decisionResend_goesOnlyToShardsMissingAcks_withBackoff() {
      // DESIGN §3 step 4: the decision is resent until every participant acknowledges
      commitThreeShards();
      core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      long t = now;
      long backoff = RESEND_INITIAL;
      for (int i = 0; i < 5; i++) {
        t += backoff;
        Step r = core.onTimer(t, new Timer(T, TimerKind.DECISION_RESEND, t));
        assertThat(r.sends()).containsExactly(new Send(P2, GlobalDecision.commit(T)));
        backoff = Math.min(backoff * 2, RESEND_MAX);
        assertThat(r.timers()).containsExactly(new Timer(T, TimerKind.DECISION_RESEND, t + backoff));
      }
      Step last = core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT));
      complete(onlyPersist(last));
      assertThat(core.onTimer(t + RESEND_MAX, new Timer(T, TimerKind.DECISION_RESEND, t)).isEmpty())
          .isTrue();
    }

    @Test
    void abortResend_goesToWritersMissingAcks() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      now += VOTE_TIMEOUT;
      sentOnceDurable(core.onTimer(now, new Timer(T, TimerKind.VOTE_TIMEOUT, now)));
      Step r = core.onTimer(now + RESEND_INITIAL, new Timer(T, TimerKind.DECISION_RESEND, now));
      assertThat(sendsOf(r.sends())).extracting(Send::to).containsExactlyInAnyOrder(P1, P2);
    }

    @Test
    void duplicateAck_isIgnored() {
      commitThreeShards();
      core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      assertThat(core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT)).isEmpty())
          .isTrue();
      assertThat(core.awaitingAcks()).containsExactly(T);
    }

    @Test
    void commitPersistFailure_abortsDeterministically_andNeverSendsGlobalCommit() {
      // STYLE §4: a storage failure reaches the core and leads to a deterministic abort
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      Step decided = vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      Persist p = onlyPersist(decided);

      // the shell drops p.afterPersist() on failure
      Step f = core.onPersistFailed(now, p.id(), "fsync failed");
      assertThat(repliesTo(1, f.sends()))
          .containsExactly(TxResult.aborted(T, Reason.PARTICIPANT_FAILED));
      for (Persist q : f.persists()) {
        assertThat(q.writes().records()).noneMatch(r -> r instanceof CoordinatorCommit);
      }
      List<Outbound> sent = sentOnceDurable(f);
      assertThat(anyGlobalCommit(sent)).isFalse();
      assertThat(sendsOf(sent)).extracting(Send::to).containsExactlyInAnyOrder(P1, P2, P3);
      assertThat(sendsOf(sent))
          .allMatch(x -> x.message().equals(GlobalDecision.abort(T, Reason.PARTICIPANT_FAILED)));
      Step resend = core.onTimer(now + RESEND_INITIAL, new Timer(T, TimerKind.DECISION_RESEND, now));
      assertThat(anyGlobalCommit(resend.sends())).isFalse();
    }
  }

  // ---- retries of begin ----

  @Nested
  class Retries {
    @Test
    void retryWhileInFlight_joins_andEveryTokenIsAnsweredOnce() {
      // DESIGN §2: commit is idempotent by transaction id
      Step s = beginThreeShards(1);
      Step retry = beginThreeShards(2);
      assertThat(retry.isEmpty()).as("joins, sends nothing new").isTrue();
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      Step decided = vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      Step retry3 = beginThreeShards(3);
      assertThat(retry3.isEmpty()).as("COMMIT not yet durable: wait for it").isTrue();
      Completed done = complete(onlyPersist(decided));
      assertThat(done.allSent())
          .filteredOn(o -> o instanceof Reply)
          .containsExactlyInAnyOrder(
              new Reply(1, TxResult.committed(T)),
              new Reply(2, TxResult.committed(T)),
              new Reply(3, TxResult.committed(T)));
    }

    @Test
    void retryAfterAbort_isAnsweredWithTheSameOutcome() {
      Step s = beginThreeShards(1);
      Step retry = beginThreeShards(2);
      Step no = vote(P1, requestTo(P1, s.sends()), Vote.no(T, P1, Reason.CONFLICT));
      assertThat(repliesTo(1, no.sends())).containsExactly(TxResult.aborted(T, Reason.CONFLICT));
      assertThat(repliesTo(2, no.sends())).containsExactly(TxResult.aborted(T, Reason.CONFLICT));
      assertThat(retry.isEmpty()).isTrue();
      Step later = beginThreeShards(3);
      assertThat(later.sends()).containsExactly(new Reply(3, TxResult.aborted(T, Reason.CONFLICT)));
    }

    @Test
    void retryAfterEnd_isAnsweredFromTheLog_withoutSendingAnything() {
      commitThreeShards();
      core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      complete(onlyPersist(core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT))));
      core = newCore(); // even after a restart
      Step retry = beginThreeShards(9);
      assertThat(retry.sends()).containsExactly(new Reply(9, TxResult.committed(T)));
      assertThat(retry.persists()).isEmpty();
      assertThat(retry.timers()).isEmpty();
    }
  }

  /**
   * An id names one transaction (DESIGN §2). A request under a used id with other reads or writes
   * is another transaction: before session 25 it was answered with the first one's outcome and
   * its writes were never applied, so a client could be told COMMITTED for writes that did not
   * happen. It is refused ID_REUSED now, wherever the first one is: running, decided in memory,
   * or only in the log after a restart. A request with the same reads and writes, in any order,
   * is a retry and is answered as before.
   */
  @Nested
  class ReusedIds {
    static final List<WriteOp> OTHER = List.of(WriteOp.put("a:x", "8"), WriteOp.put("b:y", "2"));

    void assertRefusedAsReused(Step s, long token) {
      assertThat(s.sends()).containsExactly(new Reply(token, TxResult.aborted(T, Reason.ID_REUSED)));
      assertThat(s.persists()).as("nothing written").isEmpty();
      assertThat(s.timers()).isEmpty();
    }

    @Test
    void whileTheFirstIsRunning_isRefused_andTheFirstGoesOnUnchanged() {
      Step s = beginThreeShards(1);

      assertRefusedAsReused(begin(2, READS, OTHER), 2);

      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      Completed done = complete(onlyPersist(vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2))));
      assertThat(done.allSent()).filteredOn(o -> o instanceof Reply)
          .containsExactly(new Reply(1, TxResult.committed(T)));
    }

    @Test
    void afterTheFirstCommitted_isRefused_evenAfterARestart_whileARetryIsAnsweredCommitted() {
      commitThreeShards();
      assertRefusedAsReused(begin(2, READS, OTHER), 2);
      assertRefusedAsReused(begin(3, List.of(), WRITES), 3);

      core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      complete(onlyPersist(
          core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT))));
      core = newCore(); // only the END record is left
      assertRefusedAsReused(begin(4, READS, OTHER), 4);

      List<ReadItem> reordered = List.of(READS.get(2), READS.get(0), READS.get(1));
      List<WriteOp> writesReordered = List.of(WRITES.get(1), WRITES.get(0));
      assertThat(begin(5, reordered, writesReordered).sends())
          .containsExactly(new Reply(5, TxResult.committed(T)));
    }

    @Test
    void afterTheFirstAborted_isRefused_fromTheAbortRecord() {
      Step s = beginThreeShards(1);
      Step no = vote(P1, requestTo(P1, s.sends()), Vote.no(T, P1, Reason.CONFLICT));
      complete(onlyPersist(no));
      core = newCore();

      assertRefusedAsReused(begin(2, READS, OTHER), 2);
      assertThat(beginThreeShards(3).sends())
          .containsExactly(new Reply(3, TxResult.aborted(T, Reason.CONFLICT)));
    }

    @Test
    void aRecordWrittenBeforeDigests_answersWithItsOutcome_asBefore() {
      log.apply(WriteSet.lazy(new CoordinatorEnd(T, Decision.COMMIT, null, List.of(P1, P2))));

      assertThat(begin(1, READS, OTHER).sends())
          .containsExactly(new Reply(1, TxResult.committed(T)));
    }

    @Test
    void aShardThatHoldsAnotherTransactionUnderTheId_isRelayed_andNothingIsKeptHere() {
      List<WriteOp> one = List.of(WriteOp.put("a:x", "1"));
      Step s = begin(1, List.of(), one);

      Step r = core.onReply(now, P1, requestTo(P1, s.sends()),
          new OnePhaseResult(T, P1, Decision.ABORT, Reason.ID_REUSED));

      assertRefusedAsReused(r, 1);
      assertThat(core.activeCount()).isZero();
      assertThat(log.txState(T)).as("the shard's transaction is the id's; no END here").isEmpty();
    }
  }

  // ---- status queries (termination protocol) ----

  @Nested
  class StatusQueries {
    StatusQuery query() {
      return new StatusQuery(T, P1, false);
    }

    @Test
    void statusQueryInWait_abortsAtOnce_andAnswersAbort() {
      // DESIGN §3: a coordinator asked about a transaction in WAIT may abort it at once
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      Step q = core.onRequest(now, 77, P1, query());
      assertThat(repliesTo(1, q.sends())).containsExactly(TxResult.aborted(T, Reason.TIMEOUT));
      List<Outbound> sent = sentOnceDurable(q);
      assertThat(repliesTo(77, sent)).containsExactly(new StatusReply(T, SELF, TxState.ABORT));
      assertThat(sendsOf(sent)).extracting(Send::to).contains(P2, P3);
      // a vote that arrives afterwards changes nothing
      assertThat(vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2)).isEmpty()).isTrue();
    }

    @Test
    void statusQueryWhileCommitting_isAnsweredCommit_onlyAfterTheWrite() {
      // DESIGN §3: already forcing COMMIT → answer COMMIT once that write completes
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      Step decided = vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      Step q = core.onRequest(now, 77, P1, query());
      assertThat(q.isEmpty()).isTrue();
      Completed done = complete(onlyPersist(decided));
      assertThat(repliesTo(77, done.next().sends()))
          .containsExactly(new StatusReply(T, SELF, TxState.COMMIT));
    }

    @Test
    void statusQueryWhileCommitting_isAnsweredAbort_ifTheWriteFails() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      Step decided = vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      core.onRequest(now, 77, P1, query());
      Step f = core.onPersistFailed(now, onlyPersist(decided).id(), "io");
      assertThat(repliesTo(77, sentOnceDurable(f)))
          .containsExactly(new StatusReply(T, SELF, TxState.ABORT));
    }

    @Test
    void statusQueryAfterDecision_answersTheDecision() {
      commitThreeShards();
      Step q = core.onRequest(now, 77, P1, query());
      assertThat(q.sends()).containsExactly(new Reply(77, new StatusReply(T, SELF, TxState.COMMIT)));
    }

    @Test
    void statusQueryForUnknownTx_answersAbort_presumedAbort() {
      // DESIGN §3: a coordinator with no record of the transaction answers ABORT
      Step q = core.onRequest(now, 77, P1, new StatusQuery(TxId.of("never-seen"), P1, false));
      assertThat(sentOnceDurable(q))
          .containsExactly(new Reply(77, new StatusReply(TxId.of("never-seen"), SELF, TxState.ABORT)));
    }

    @Test
    void statusQueryAfterEnd_isAnsweredFromTheLog() {
      commitThreeShards();
      core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      complete(onlyPersist(core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT))));
      core = newCore();
      Step q = core.onRequest(now, 77, P1, query());
      assertThat(q.sends()).containsExactly(new Reply(77, new StatusReply(T, SELF, TxState.COMMIT)));
    }

    @Test
    void otherRequests_areRefusedAsBadRequest() {
      Step s = core.onRequest(now, 5, P1, new ValidateRequest(T, List.of()));
      assertThat(((ErrorReply) repliesTo(5, s.sends()).get(0)).code())
          .isEqualTo(ErrorReply.Code.BAD_REQUEST);
    }
  }

  // ---- presumed abort across a restart ----

  @Nested
  class AbortsAcrossRestarts {
    @Test
    void presumedAbortAnswer_isDurableBeforeItLeaves_andARetryIsAnsweredAbortedNotRunAgain() {
      // DESIGN §2/§3: a restarted coordinator answers ABORT for a transaction it forgot in WAIT.
      // That answer decides the transaction: a retry of the same commit must get ABORTED. Found
      // by the bank simulation (seed 5338): the retry ran again and committed at p1 while p2,
      // READY from the first run, applied the ABORT it had been told.
      beginThreeShards(1);
      core = newCore(); // crashed in WAIT: nothing was logged
      assertThat(core.recover(now, List.of()).isEmpty()).isTrue();

      Step q = core.onRequest(now, 77, P2, new StatusQuery(T, P2, false));
      assertThat(q.sends()).as("the ABORT leaves only once it is durable").isEmpty();
      Persist p = onlyPersist(q);
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records())
          .containsExactly(
              new CoordinatorEnd(T, Decision.ABORT, Reason.COORDINATOR_RESTARTED, List.of(P2)));
      Step retry = beginThreeShards(2);
      assertThat(sendsOf(retry.sends())).as("not run again").isEmpty();
      assertThat(repliesTo(2, retry.sends()))
          .containsExactly(TxResult.aborted(T, Reason.COORDINATOR_RESTARTED));

      assertThat(complete(p).allSent())
          .containsExactly(new Reply(77, new StatusReply(T, SELF, TxState.ABORT)));
      core = newCore(); // and after another restart, from the log
      Step again = beginThreeShards(3);
      assertThat(again.sends())
          .containsExactly(new Reply(3, TxResult.aborted(T, Reason.COORDINATOR_RESTARTED)));
    }

    @Test
    void globalAbort_leavesOnlyOnceTheAbortIsDurable_butTheClientHearsAtOnce() {
      // A coordinator that lost an abort in a crash runs a retried commit again; a GLOBAL-ABORT
      // of the first run still in flight could then reach a participant that voted yes in the
      // second run. So no participant hears of an abort before it is durable.
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      Step no = vote(P2, requestTo(P2, s.sends()), Vote.no(T, P2, Reason.CONFLICT));

      assertThat(repliesTo(1, no.sends())).containsExactly(TxResult.aborted(T, Reason.CONFLICT));
      assertThat(sendsOf(no.sends())).isEmpty();
      Persist p = onlyPersist(no);
      assertThat(p.writes().forced()).isTrue();
      assertThat(sendsOf(p.afterPersist()))
          .containsExactlyInAnyOrder(
              new Send(P1, GlobalDecision.abort(T, Reason.CONFLICT)),
              new Send(P3, GlobalDecision.abort(T, Reason.CONFLICT)));

      // crash before the abort is durable: nothing of it left, so running the retry is safe
      core = newCore();
      Step retry = beginThreeShards(2);
      assertThat(sendsOf(retry.sends())).extracting(Send::to).containsExactlyInAnyOrder(P1, P2, P3);
    }

    @Test
    void statusQueryInWait_isAnsweredAbortOnceTheAbortIsDurable() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      Step q = core.onRequest(now, 77, P1, new StatusQuery(T, P1, false));
      assertThat(repliesTo(77, q.sends())).isEmpty();
      assertThat(repliesTo(1, q.sends())).containsExactly(TxResult.aborted(T, Reason.TIMEOUT));
      Step dup = core.onRequest(now, 78, P1, new StatusQuery(T, P1, false));
      assertThat(dup.isEmpty()).isTrue();
      Completed done = complete(onlyPersist(q));
      assertThat(done.next().sends())
          .containsExactlyInAnyOrder(
              new Reply(77, new StatusReply(T, SELF, TxState.ABORT)),
              new Reply(78, new StatusReply(T, SELF, TxState.ABORT)));
      assertThat(sendsOf(done.afterPersist())).extracting(Send::to).containsExactlyInAnyOrder(P1, P2, P3);
    }

    @Test
    void abortWrite_whenItFails_isRetriedBeforeAnyParticipantHearsOfIt() {
      Step s = beginThreeShards(1);
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      Step no = vote(P2, requestTo(P2, s.sends()), Vote.no(T, P2, Reason.CONFLICT));
      Step f = core.onPersistFailed(now, onlyPersist(no).id(), "io");
      assertThat(sendsOf(f.sends())).isEmpty();
      Step q = core.onRequest(now, 77, P1, new StatusQuery(T, P1, false));
      assertThat(q.isEmpty()).as("not durable: the answer waits").isTrue();

      Timer resend = f.timers().get(0);
      assertThat(resend.kind()).isEqualTo(TimerKind.DECISION_RESEND);
      Step retry = core.onTimer(resend.atMillis(), resend);
      assertThat(sendsOf(retry.sends())).isEmpty();
      Persist again = onlyPersist(retry);
      assertThat(again.writes().forced()).isTrue();
      Completed done = complete(again);
      assertThat(sendsOf(done.afterPersist()))
          .contains(new Send(P1, GlobalDecision.abort(T, Reason.CONFLICT)));
      assertThat(done.next().sends()).contains(new Reply(77, new StatusReply(T, SELF, TxState.ABORT)));
    }
  }

  // ---- recovery ----

  @Nested
  class Recovery {
    @Test
    void recoverCommitWithoutEnd_resendsGlobalCommit_untilEveryParticipantAcks() {
      // DESIGN §3 recovery: COMMIT without END → resend GLOBAL-COMMIT until acknowledged
      Completed c = commitThreeShards();
      CoordinatorCommit record = (CoordinatorCommit) log.txState(T).orElseThrow();
      assertThat(c.afterPersist()).isNotEmpty();
      core = newCore(); // crash: the acks never came
      now += 10_000;
      Step r = core.recover(now, List.of(record));

      assertThat(r.sends())
          .containsExactlyInAnyOrder(
              new Send(P1, GlobalDecision.commit(T)), new Send(P2, GlobalDecision.commit(T)));
      assertThat(r.timers())
          .containsExactly(new Timer(T, TimerKind.DECISION_RESEND, now + RESEND_INITIAL));
      assertThat(core.awaitingAcks()).containsExactly(T);

      core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT));
      Step again = core.onTimer(now + RESEND_INITIAL, r.timers().get(0));
      assertThat(again.sends()).containsExactly(new Send(P1, GlobalDecision.commit(T)));

      Step q = core.onRequest(now, 77, P1, new StatusQuery(T, P1, false));
      assertThat(q.sends()).containsExactly(new Reply(77, new StatusReply(T, SELF, TxState.COMMIT)));
      Step retry = beginThreeShards(5);
      assertThat(retry.sends()).containsExactly(new Reply(5, TxResult.committed(T)));

      Step last = core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      assertThat(onlyPersist(last).writes().records())
          .containsExactly(
              new CoordinatorEnd(T, Decision.COMMIT, null, List.of(P1, P2), THREE_SHARDS));
    }

    @Test
    void recoverWithNothing_presumesAbortForTransactionsInWait() {
      // DESIGN §3 recovery: nothing, INIT or WAIT → abort
      beginThreeShards(1);
      core = newCore();
      assertThat(core.recover(now, List.of()).isEmpty()).isTrue();
      Step q = core.onRequest(now, 77, P1, new StatusQuery(T, P1, false));
      assertThat(sentOnceDurable(q))
          .containsExactly(new Reply(77, new StatusReply(T, SELF, TxState.ABORT)));
    }
  }

  @Nested
  class Guards {
    @Test
    void aVoteAboutAnotherTransaction_isNeverCounted() {
      // DESIGN §5: a reply is matched to its request; a stale reply must not decide anything.
      Step s = beginThreeShards(1);
      VoteRequest toP1 = (VoteRequest) requestTo(P1, s.sends());
      Step r = core.onReply(now, P1, toP1, Vote.ok(TxId.of("someone-else"), P1));
      assertThat(r.isEmpty()).isTrue();
      vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      Step last = vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      assertThat(last.persists()).as("P1's vote is still missing: no COMMIT").isEmpty();
    }
  }

  // ---- overload and metrics ----

  @Nested
  class OverloadAndObserver {
    final List<String> seen = new ArrayList<>();

    @Test
    void overloadedParticipant_inWait_abortsWithOverloaded() {
      // The shard refused before locking or logging anything: presumed abort, worth a retry.
      Step s = beginThreeShards(1);
      Step r = core.onReply(now, P2, requestTo(P2, s.sends()),
          new ErrorReply(ErrorReply.Code.OVERLOADED, "queue full"));
      assertThat(repliesTo(1, r.sends())).containsExactly(TxResult.aborted(T, Reason.OVERLOADED));
    }

    @Test
    void overloadedParticipant_onOnePhase_abortsWithOverloaded() {
      Step s = begin(1, List.of(), List.of(WriteOp.put("a:x", "1")));
      Step r = core.onReply(now, P1, requestTo(P1, s.sends()),
          new ErrorReply(ErrorReply.Code.OVERLOADED, "queue full"));
      assertThat(r.sends()).containsExactly(new Reply(1, TxResult.aborted(T, Reason.OVERLOADED)));
    }

    CoordinatorObserver recorder() {
      return new CoordinatorObserver() {
        @Override
        public void begun() {
          seen.add("begun");
        }

        @Override
        public void answered(TxResult result) {
          seen.add("answered " + result.outcome());
        }

        @Override
        public void phaseBegins(TxId id) {
          seen.add("begins " + id.value());
        }

        @Override
        public void phase(TxId id, TxPhase phase, long millis) {
          seen.add(phase + " " + millis + " " + id.value());
        }
      };
    }

    @Test
    void twoPhaseCommit_reportsEachPhaseFromTheTimesOfItsEvents() {
      core.observedBy(recorder());
      Step s = beginThreeShards(1);
      now += 10;
      vote(P1, requestTo(P1, s.sends()), Vote.ok(T, P1));
      vote(P2, requestTo(P2, s.sends()), Vote.ok(T, P2));
      Step decided = vote(P3, requestTo(P3, s.sends()), Vote.readOnly(T, P3));
      now += 5;
      complete(onlyPersist(decided));
      now += 20;
      core.onReply(now, P1, GlobalDecision.commit(T), new Ack(T, P1, Decision.COMMIT));
      core.onReply(now, P2, GlobalDecision.commit(T), new Ack(T, P2, Decision.COMMIT));
      String t = T.value();
      assertThat(seen).containsExactly("begins " + t, "begun", "PREPARE 10 " + t, "begins " + t,
          "DECISION 5 " + t, "begins " + t, "answered COMMITTED", "ACKNOWLEDGE 20 " + t);
    }

    @Test
    void aRetryOfAKnownTransaction_isNotCountedAgain() {
      core.observedBy(recorder());
      beginThreeShards(1);
      beginThreeShards(2);
      assertThat(seen).containsExactly("begins " + T.value(), "begun");
    }

    @Test
    void anotherTransactionUnderAUsedId_isCountedAsBegunAndAbortedIdReused() {
      core.observedBy(recorder());
      beginThreeShards(1);
      seen.clear();

      begin(2, READS, List.of(WriteOp.put("a:x", "0")));

      assertThat(seen).containsExactly("begun", "answered ABORTED");
    }
  }
}
