package io.ringtx.participant.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.InDoubtQuery;
import io.ringtx.protocol.message.InDoubtReply;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxDigest;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.ValidateRequest;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Outbound;
import io.ringtx.protocol.step.Persist;
import io.ringtx.protocol.step.Reply;
import io.ringtx.protocol.step.Send;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.Timer;
import io.ringtx.protocol.step.TimerKind;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every transition of the participant state machine (DESIGN §3), driven directly: the test plays
 * the shell, completing or failing each persist the core asks for and applying its writes to an
 * in-memory store, as {@code MachineRunner} does (afterPersist is sent only on success).
 */
class ParticipantCoreTest {
  static final NodeId SELF = NodeId.of("p1");
  static final NodeId PEER = NodeId.of("p2");
  static final NodeId COORD = NodeId.of("c1");
  static final TxId T1 = TxId.of("t1");
  static final TxId T2 = TxId.of("t2");
  static final NodeId COORD2 = NodeId.of("c2");
  static final long READY_TIMEOUT = 1_000;
  static final long MAX_BACKOFF = 5_000;

  final MemShardStore store =
      new MemShardStore().put("x", "10", 3).put("y", "ab", 5).put("z", "gone-soon", 7);
  ParticipantCore core = newCore();
  long now = 100;
  long nextToken = 1;

  ParticipantCore newCore() {
    return new ParticipantCore(
        SELF,
        store,
        store,
        store.lastVersion(),
        new ParticipantConfig(READY_TIMEOUT, MAX_BACKOFF, key -> !key.startsWith("foreign")));
  }

  // ---- the test plays the shell ----

  /** A request delivered to the core, and the core's answer. */
  record Call(long token, Step step) {}

  Call call(Message m) {
    long token = nextToken++;
    return new Call(token, core.onRequest(now, token, COORD, m));
  }

  /** The messages that left when a persist completed: its afterPersist, then onPersisted's. */
  record Completed(List<Outbound> afterPersist, Step next) {
    List<Outbound> allSent() {
      List<Outbound> out = new ArrayList<>(afterPersist);
      out.addAll(next.sends());
      return out;
    }
  }

  /**
   * Completes {@code p}, and then any sync barrier that its completion asks for (a commit's ack
   * waits for one), as the store does once a later forced write covered it; {@link #completeOnly}
   * leaves the barrier to the test.
   */
  Completed complete(Persist p) {
    Completed first = completeOnly(p);
    Step.Builder next = Step.builder();
    for (Persist q : first.next().persists()) {
      if (isSyncBarrier(q)) {
        next.add(completeOnly(q).next());
      } else {
        next.persist(q);
      }
    }
    first.next().sends().forEach(next::send);
    first.next().timers().forEach(next::timer);
    return new Completed(first.afterPersist(), next.build());
  }

  Completed completeOnly(Persist p) {
    store.apply(p.writes());
    return new Completed(p.afterPersist(), core.onPersisted(now, p.id()));
  }

  static boolean isSyncBarrier(Persist p) {
    return p.writes().equals(WriteSet.syncBarrier());
  }

  Step fail(Persist p) {
    return core.onPersistFailed(now, p.id(), "disk on fire");
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

  static Message onlyReplyTo(long token, List<Outbound> sent) {
    List<Message> r = repliesTo(token, sent);
    assertThat(r).as("replies to token %d in %s", token, sent).hasSize(1);
    return r.get(0);
  }

  static boolean anyVote(List<Outbound> sent) {
    return sent.stream().anyMatch(o -> o instanceof Reply r && r.message() instanceof Vote);
  }

  static VoteRequest voteReq(TxId tx, List<ReadItem> reads, List<WriteOp> writes) {
    return new VoteRequest(tx, COORD, List.of(SELF, PEER), reads, writes);
  }

  /** T1 reads x (current version), puts x, appends to y, deletes z. */
  static VoteRequest t1Prepare() {
    return voteReq(
        T1,
        List.of(new ReadItem("x", 3)),
        List.of(WriteOp.put("x", "9"), WriteOp.append("y", "c"), WriteOp.delete("z")));
  }

  /** Runs T1's prepare to READY and returns the token of its VOTE-REQ. */
  long prepareT1() {
    Call c = call(t1Prepare());
    Completed done = complete(onlyPersist(c.step()));
    assertThat(onlyReplyTo(c.token(), done.afterPersist())).isEqualTo(Vote.ok(T1, SELF));
    assertThat(core.state(T1)).isEqualTo(TxState.READY);
    return c.token();
  }

  // ---- prepare ----

  @Nested
  class Prepare {
    @Test
    void voteRequest_forcesPrepared_andHoldsVoteCommitUntilItIsDurable() {
      // DESIGN §3 step 2 / §6: no VOTE-COMMIT before PREPARED is durable
      Call c = call(t1Prepare());

      assertThat(anyVote(c.step().sends())).as("nothing is sent before the persist").isFalse();
      Persist p = onlyPersist(c.step());
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().data()).isEmpty();
      assertThat(p.writes().records())
          .containsExactly(
              new Prepared(
                  T1,
                  COORD,
                  List.of(SELF, PEER),
                  List.of("x"),
                  List.of(
                      new KeyWrite("x", "9"), new KeyWrite("y", "abc"), new KeyWrite("z", null))));
      assertThat(p.afterPersist()).containsExactly(new Reply(c.token(), Vote.ok(T1, SELF)));
      assertThat(core.locksHeldBy(T1)).containsExactlyInAnyOrder("x", "y", "z");
      assertThat(core.state(T1)).isEqualTo(TxState.INIT);
    }

    @Test
    void preparedDurable_entersReady_andSetsReadyTimer() {
      // DESIGN §3: READY waits for the decision; the timer starts the termination protocol
      Call c = call(t1Prepare());
      now = 250;
      Completed done = complete(onlyPersist(c.step()));

      assertThat(done.next().sends()).isEmpty();
      assertThat(done.next().timers())
          .containsExactly(new Timer(T1, TimerKind.READY_TIMEOUT, 250 + READY_TIMEOUT));
      assertThat(core.state(T1)).isEqualTo(TxState.READY);
      assertThat(core.inDoubt()).containsExactly(T1);
    }

    @Test
    void prepare_whenLogWriteFails_votesNo_andReleasesLocks() {
      // DESIGN §3: no VOTE-COMMIT before PREPARED is durable; STYLE §4: a failed write aborts
      Call c = call(t1Prepare());
      Step s = fail(onlyPersist(c.step()));

      assertThat(onlyReplyTo(c.token(), s.sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.PARTICIPANT_FAILED));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(core.activeCount()).isZero();
      // the keys are free for another transaction
      Call other = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      assertThat(onlyPersist(other.step()).writes().forced()).isTrue();
    }

    @Test
    void lockConflict_votesNoAtOnce_andRecordsAbortedLazily() {
      // DESIGN §3 step 2: an incompatible lock is a VOTE-ABORT, no waiting
      call(t1Prepare());
      Call c = call(voteReq(T2, List.of(), List.of(WriteOp.put("y", "other"))));

      assertThat(onlyReplyTo(c.token(), c.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));
      Persist p = onlyPersist(c.step());
      assertThat(p.writes().forced()).as("presumed abort: not forced").isFalse();
      assertThat(p.writes().records()).containsExactly(new Aborted(T2, Reason.CONFLICT));
      assertThat(p.afterPersist()).isEmpty();
      assertThat(core.locksHeldBy(T2)).isEmpty();
      assertThat(core.locksHeldBy(T1)).containsExactlyInAnyOrder("x", "y", "z");
      // a duplicate of the refused request gets the same answer, now from the log
      complete(p);
      Call dup = call(voteReq(T2, List.of(), List.of(WriteOp.put("y", "other"))));
      assertThat(onlyReplyTo(dup.token(), dup.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));
      assertThat(dup.step().persists()).isEmpty();
    }

    @Test
    void readLockedKey_cannotBeWrittenByAnother() {
      // DESIGN §3 step 2: a shared lock held until the decision blocks writers
      call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of(WriteOp.put("y", "1"))));
      Call c = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      assertThat(onlyReplyTo(c.token(), c.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));
    }

    @Test
    void staleReadVersion_votesConflict_andTakesNoLocks() {
      // DESIGN §2: commit only if every version read is still current
      Call c = call(voteReq(T1, List.of(new ReadItem("x", 2)), List.of(WriteOp.put("y", "1"))));
      assertThat(onlyReplyTo(c.token(), c.step().sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.CONFLICT));
      assertThat(onlyPersist(c.step()).writes().records())
          .containsExactly(new Aborted(T1, Reason.CONFLICT));
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void readOfAbsentKeyAtVersionZero_isValid_butNotOnceItExists() {
      // DESIGN §2: an absent key has version 0, so reading "absent" is validated too
      Call ok = call(voteReq(T1, List.of(new ReadItem("new", 0)), List.of(WriteOp.put("y", "1"))));
      assertThat(anyVote(ok.step().sends())).isFalse();
      assertThat(onlyPersist(ok.step()).afterPersist())
          .containsExactly(new Reply(ok.token(), Vote.ok(T1, SELF)));

      Call stale = call(voteReq(T2, List.of(new ReadItem("x", 0)), List.of()));
      assertThat(onlyReplyTo(stale.token(), stale.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));
    }

    @Test
    void keyNotOwned_votesNotOwner_andLocksNothing() {
      // DESIGN §4: every participant checks ownership on every request
      Call c = call(voteReq(T1, List.of(), List.of(WriteOp.put("x", "1"), WriteOp.put("foreign:k", "2"))));
      assertThat(onlyReplyTo(c.token(), c.step().sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.NOT_OWNER));
      assertThat(c.step().persists()).isEmpty();
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void writeSkew_interleavedPrepares_exactlyOneVotesCommit() {
      // DESIGN §3 step 2: locks held until the decision, else write skew
      // T1 reads x and writes y; T2 reads y and writes x; both read the current versions.
      Call c1 = call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of(WriteOp.put("y", "1"))));
      Call c2 = call(voteReq(T2, List.of(new ReadItem("y", 5)), List.of(WriteOp.put("x", "1"))));

      List<Vote> votes = new ArrayList<>();
      for (Call c : List.of(c1, c2)) {
        repliesTo(c.token(), c.step().sends()).forEach(m -> votes.add((Vote) m));
        for (Persist p : c.step().persists()) {
          complete(p).allSent().stream()
              .filter(o -> o instanceof Reply r && r.token() == c.token())
              .forEach(o -> votes.add((Vote) ((Reply) o).message()));
        }
      }
      assertThat(votes).hasSize(2);
      assertThat(votes).filteredOn(v -> v.vote() == VoteKind.PREPARE_OK).hasSize(1);
      assertThat(votes).filteredOn(v -> v.vote() == VoteKind.PREPARE_NOTOK).hasSize(1);
    }

    @Test
    void writeSkew_validatedOneAfterTheOther_secondIsRefusedToo() {
      // The same skew with T2 arriving after T1 is READY: T1's shared lock on x still blocks T2.
      Call c1 = call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of(WriteOp.put("y", "1"))));
      complete(onlyPersist(c1.step()));
      Call c2 = call(voteReq(T2, List.of(new ReadItem("y", 5)), List.of(WriteOp.put("x", "1"))));
      assertThat(onlyReplyTo(c2.token(), c2.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));
    }
  }

  // ---- read-only shard ----

  @Nested
  class ReadOnly {
    @Test
    void readOnlyShard_votesReadOnly_logsNothing_andHoldsSharedLocksUntilDecision() {
      // DESIGN §3 step 2: read-only optimisation, shared locks held until the decision
      Call c = call(voteReq(T1, List.of(new ReadItem("x", 3), new ReadItem("y", 5)), List.of()));

      assertThat(c.step().persists()).as("nothing logged").isEmpty();
      assertThat(onlyReplyTo(c.token(), c.step().sends())).isEqualTo(Vote.readOnly(T1, SELF));
      assertThat(c.step().timers())
          .containsExactly(new Timer(T1, TimerKind.READY_TIMEOUT, now + READY_TIMEOUT));
      assertThat(core.locksHeldBy(T1)).containsExactlyInAnyOrder("x", "y");

      Call writer = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      assertThat(onlyReplyTo(writer.token(), writer.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));

      Call d = call(GlobalDecision.commit(T1));
      assertThat(d.step().persists()).isEmpty();
      assertThat(onlyReplyTo(d.token(), d.step().sends()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(store.applied).isEmpty();
    }

    @Test
    void readOnlyShard_releasedByAbortToo() {
      call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of()));
      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      assertThat(d.step().persists()).isEmpty();
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void readOnlyShard_withStaleRead_votesNo() {
      Call c = call(voteReq(T1, List.of(new ReadItem("x", 1)), List.of()));
      assertThat(onlyReplyTo(c.token(), c.step().sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.CONFLICT));
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void readOnlyShard_asksCoordinatorWhenNoDecisionComes() {
      call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of()));
      now += READY_TIMEOUT;
      Step s = core.onTimer(now, new Timer(T1, TimerKind.READY_TIMEOUT, now));
      assertThat(s.sends()).containsExactly(new Send(COORD, new StatusQuery(T1, SELF, false)));
      Step learned =
          core.onReply(
              now, COORD, new StatusQuery(T1, SELF, false), new StatusReply(T1, COORD, TxState.ABORT));
      assertThat(learned.persists()).isEmpty();
      assertThat(core.lockHolders()).isEmpty();
    }
  }

  // ---- validate (read-only transaction) ----

  @Nested
  class Validate {
    @Test
    void validate_currentVersions_answersReadOnly_andTakesNoLocks() {
      // DESIGN §3 step 1: a read-only transaction needs one round; nothing is locked or logged
      Call c = call(new ValidateRequest(T1, List.of(new ReadItem("x", 3), new ReadItem("y", 5))));
      assertThat(c.step().sends()).containsExactly(new Reply(c.token(), Vote.readOnly(T1, SELF)));
      assertThat(c.step().persists()).isEmpty();
      assertThat(c.step().timers()).isEmpty();
      assertThat(core.lockHolders()).isEmpty();
      assertThat(core.activeCount()).isZero();
    }

    @Test
    void validate_staleVersion_answersConflict() {
      Call c = call(new ValidateRequest(T1, List.of(new ReadItem("x", 3), new ReadItem("y", 4))));
      assertThat(c.step().sends())
          .containsExactly(new Reply(c.token(), Vote.no(T1, SELF, Reason.CONFLICT)));
      assertThat(c.step().persists()).isEmpty();
    }

    @Test
    void validate_writeLockedKey_answersConflict() {
      // DESIGN §3 step 1: every version read is current and not write-locked
      call(t1Prepare());
      Call c = call(new ValidateRequest(T2, List.of(new ReadItem("y", 5))));
      assertThat(c.step().sends())
          .containsExactly(new Reply(c.token(), Vote.no(T2, SELF, Reason.CONFLICT)));
    }

    @Test
    void validate_sharedLockedKey_isFine() {
      call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of(WriteOp.put("y", "1"))));
      Call c = call(new ValidateRequest(T2, List.of(new ReadItem("x", 3))));
      assertThat(c.step().sends()).containsExactly(new Reply(c.token(), Vote.readOnly(T2, SELF)));
    }

    @Test
    void validate_keyNotOwned_answersNotOwner() {
      Call c = call(new ValidateRequest(T1, List.of(new ReadItem("foreign:k", 0))));
      assertThat(c.step().sends())
          .containsExactly(new Reply(c.token(), Vote.no(T1, SELF, Reason.NOT_OWNER)));
    }
  }

  // ---- reads ----

  @Test
  void read_returnsValueAndVersion_orAbsent_orNotOwner() {
    Call c = call(new ReadRequest("x"));
    assertThat(c.step().sends()).containsExactly(new Reply(c.token(), new ReadReply("x", "10", 3)));
    Call absent = call(new ReadRequest("nope"));
    assertThat(absent.step().sends())
        .containsExactly(new Reply(absent.token(), new ReadReply("nope", null, 0)));
    Call foreign = call(new ReadRequest("foreign:k"));
    assertThat(((ErrorReply) onlyReplyTo(foreign.token(), foreign.step().sends())).code())
        .isEqualTo(ErrorReply.Code.NOT_OWNER);
  }

  @Nested
  class ReadsOfAPreparedWrite {
    @Test
    void aReadOfAKeyAPreparedTransactionWrites_waitsForTheCommit_andAnswersTheNewValue() {
      // The coordinator may have answered COMMITTED already; its client reads next, ahead of
      // the GLOBAL-COMMIT (straight from here, or through another coordinator).
      prepareT1();
      Call read = call(new ReadRequest("x"));
      Call other = call(new ReadRequest("w")); // a key T1 does not write
      assertThat(read.step().sends()).as("waits for T1's decision").isEmpty();
      assertThat(other.step().sends())
          .containsExactly(new Reply(other.token(), new ReadReply("w", null, 0)));

      Persist p = onlyPersist(call(GlobalDecision.commit(T1)).step());
      Completed written = completeOnly(p);

      long v = store.read("x").version();
      assertThat(written.allSent()).contains(new Reply(read.token(), new ReadReply("x", "9", v)));
    }

    @Test
    void aReadOfAKeyAPreparedTransactionWrites_answersTheOldValue_onceItAborts() {
      prepareT1();
      Call read = call(new ReadRequest("y"));
      assertThat(read.step().sends()).isEmpty();

      Completed aborted = complete(onlyPersist(call(GlobalDecision.abort(T1, Reason.CONFLICT))
          .step()));

      assertThat(aborted.allSent()).contains(new Reply(read.token(), new ReadReply("y", "ab", 5)));
    }

    @Test
    void aReadOfAKeyAPreparedTransactionMerelyRead_orStillPreparing_isAnsweredAtOnce() {
      // T1 only read x: a shared lock, no new value on the way.
      Call prep = call(voteReq(T1, List.of(new ReadItem("x", 3)), List.of(WriteOp.put("y", "1"))));
      Call whilePreparing = call(new ReadRequest("y")); // PREPARED not durable: T1 has not voted
      assertThat(whilePreparing.step().sends())
          .containsExactly(new Reply(whilePreparing.token(), new ReadReply("y", "ab", 5)));
      complete(onlyPersist(prep.step()));
      Call read = call(new ReadRequest("x"));
      assertThat(read.step().sends())
          .containsExactly(new Reply(read.token(), new ReadReply("x", "10", 3)));
    }

    @Test
    void aReadWaitingForAnOverdueDecision_isRefusedInDoubt_atTheReadyTimeout_andSoIsTheNext() {
      prepareT1();
      long prepared = now;
      now += READY_TIMEOUT / 2;
      Call read = call(new ReadRequest("z"));
      assertThat(read.step().sends()).isEmpty();

      now = prepared + READY_TIMEOUT;
      Step timer = core.onTimer(now, new Timer(T1, TimerKind.READY_TIMEOUT, now));

      ErrorReply refused = (ErrorReply) onlyReplyTo(read.token(), timer.sends());
      assertThat(refused.code()).isEqualTo(ErrorReply.Code.IN_DOUBT);
      assertThat(refused.message()).contains("key z").contains("t1").contains("c1");
      assertThat(timer.sends()).contains(new Send(COORD, new StatusQuery(T1, SELF, false)));
      Call later = call(new ReadRequest("z"));
      assertThat(((ErrorReply) onlyReplyTo(later.token(), later.step().sends())).code())
          .isEqualTo(ErrorReply.Code.IN_DOUBT);
      assertThat(core.locksHeldBy(T1)).as("nothing changed").contains("z");

      // The decision arrives: reads are answered again.
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      Call after = call(new ReadRequest("z"));
      assertThat(((ReadReply) onlyReplyTo(after.token(), after.step().sends())).value())
          .as("T1 deleted z").isNull();
    }

    @Test
    void aTransactionFoundPreparedAtARestart_holdsReadsUpToo() {
      prepareT1();
      Prepared logged = (Prepared) store.txState(T1).orElseThrow();
      core = newCore();
      core.recover(now, List.of(logged));
      Call read = call(new ReadRequest("x"));
      assertThat(read.step().sends()).isEmpty();
      Completed written = completeOnly(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      assertThat(((ReadReply) onlyReplyTo(read.token(), written.allSent())).value())
          .isEqualTo("9");
    }
  }

  // ---- decisions ----

  @Nested
  class Decisions {
    @Test
    void globalCommit_forcesCommittedWithTheData_andAcksOnlyAfterThePersist() {
      // DESIGN §3 step 4: writes + COMMITTED in one batch, then release and acknowledge
      prepareT1();
      long lastVersion = store.lastVersion();
      Call d = call(GlobalDecision.commit(T1));

      assertThat(d.step().sends()).as("no ack before the write is durable").isEmpty();
      Persist p = onlyPersist(d.step());
      long v = lastVersion + 1;
      assertThat(p.writes().forced()).as("written lazily: the ack waits for durability").isFalse();
      assertThat(p.writes().records()).containsExactly(new Committed(T1, v, List.of()));
      assertThat(p.writes().data())
          .containsExactly(
              new DataWrite("x", "9", v), new DataWrite("y", "abc", v), new DataWrite("z", null, v));
      assertThat(core.locksHeldBy(T1))
          .as("locks held until the data is written")
          .containsExactlyInAnyOrder("x", "y", "z");
      // A request that conflicts with a commit being applied waits for it (only the disk is
      // left to wait for), then is served against the committed data: here, a stale read.
      Call reader = call(voteReq(T2, List.of(new ReadItem("x", 3)), List.of()));
      assertThat(reader.step().sends()).as("parked behind the commit being applied").isEmpty();

      Completed written = completeOnly(p);
      // Written: the locks go and the parked request is served, but the ack waits for the
      // record to be durable, which the one write the step asks for (a sync barrier) tells.
      assertThat(written.allSent())
          .containsExactly(new Reply(reader.token(), Vote.no(T2, SELF, Reason.CONFLICT)));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      List<Persist> barriers = written.next().persists().stream()
          .filter(ParticipantCoreTest::isSyncBarrier).toList();
      assertThat(barriers).hasSize(1);
      Persist barrier = barriers.get(0);
      assertThat(barrier.afterPersist()).isEmpty();
      // A duplicate decision meanwhile waits for the same barrier.
      Call again = call(GlobalDecision.commit(T1));
      assertThat(again.step().isEmpty()).isTrue();

      Completed durable = completeOnly(barrier);
      assertThat(durable.allSent())
          .containsExactlyInAnyOrder(
              new Reply(d.token(), new Ack(T1, SELF, Decision.COMMIT)),
              new Reply(again.token(), new Ack(T1, SELF, Decision.COMMIT)));
      assertThat(durable.next().persists()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      assertThat(store.read("x").value()).isEqualTo("9");
      assertThat(store.read("y").value()).isEqualTo("abc");
      assertThat(store.read("z").present()).isFalse();
    }

    @Test
    void whenTheCommittedRecordCannotBeMadeDurable_noAckLeaves_andTheResendAsksAgain() {
      prepareT1();
      Call d = call(GlobalDecision.commit(T1));
      Persist barrier = onlyPersist(completeOnly(onlyPersist(d.step())).next());

      Step failed = fail(barrier);

      assertThat(failed.sends()).as("no ack: the record may not be durable").isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      // The coordinator resends its decision: the record is made durable again, then acked.
      Call resend = call(GlobalDecision.commit(T1));
      Persist again = onlyPersist(resend.step());
      assertThat(isSyncBarrier(again)).isTrue();
      assertThat(completeOnly(again).allSent())
          .containsExactly(new Reply(resend.token(), new Ack(T1, SELF, Decision.COMMIT)));
    }

    @Test
    void eachCommit_getsANewVersionAboveTheLast() {
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      long first = store.read("x").version();
      Call c = call(voteReq(T2, List.of(new ReadItem("x", first)), List.of(WriteOp.put("x", "8"))));
      complete(onlyPersist(c.step()));
      complete(onlyPersist(call(GlobalDecision.commit(T2)).step()));
      assertThat(first).isGreaterThan(7);
      assertThat(store.read("x").version()).isEqualTo(first + 1);
    }

    @Test
    void globalAbort_recordsAbortedLazily_andReleasesLocksAsSoonAsItIsWritten() {
      // DESIGN §3 step 4: presumed abort, ABORTED need not be forced; apply it, release, ack
      prepareT1();
      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));

      Persist p = onlyPersist(d.step());
      assertThat(p.writes().forced()).isFalse();
      assertThat(p.writes().records()).containsExactly(new Aborted(T1, Reason.TIMEOUT));
      assertThat(p.writes().data()).isEmpty();
      assertThat(d.step().sends()).isEmpty();

      Completed done = complete(p);
      assertThat(done.allSent()).containsExactly(new Reply(d.token(), new Ack(T1, SELF, Decision.ABORT)));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);
      assertThat(store.read("x")).isEqualTo(new Versioned("10", 3));
      // the keys are free at once for the next transaction
      Call writer = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      assertThat(anyVote(writer.step().sends())).isFalse();
      assertThat(onlyPersist(writer.step()).writes().forced()).isTrue();
    }

    @Test
    void duplicateGlobalCommit_whileCommitting_isAnsweredAfterTheWrite() {
      prepareT1();
      Call first = call(GlobalDecision.commit(T1));
      Call dup = call(GlobalDecision.commit(T1));
      assertThat(dup.step().isEmpty()).isTrue();
      Completed done = complete(onlyPersist(first.step()));
      assertThat(done.allSent())
          .containsExactlyInAnyOrder(
              new Reply(first.token(), new Ack(T1, SELF, Decision.COMMIT)),
              new Reply(dup.token(), new Ack(T1, SELF, Decision.COMMIT)));
    }

    @Test
    void duplicateGlobalCommit_afterCommit_isAnsweredFromLog_withNoSecondWrite() {
      // DESIGN §3 step 4: duplicated messages are answered from the log
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      int writes = store.applied.size();

      Call dup = call(GlobalDecision.commit(T1));
      assertThat(dup.step().persists()).isEmpty();
      assertThat(dup.step().sends())
          .containsExactly(new Reply(dup.token(), new Ack(T1, SELF, Decision.COMMIT)));
      assertThat(store.applied).hasSize(writes);
    }

    @Test
    void duplicateGlobalAbort_afterAbort_isAnsweredFromLog() {
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.abort(T1, Reason.CONFLICT)).step()));
      Call dup = call(GlobalDecision.abort(T1, Reason.CONFLICT));
      assertThat(dup.step().persists()).isEmpty();
      assertThat(dup.step().sends())
          .containsExactly(new Reply(dup.token(), new Ack(T1, SELF, Decision.ABORT)));
    }

    @Test
    void conflictingDecision_afterCommit_neverChangesIt() {
      // DESIGN §3 step 4: late messages never change a decision
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      Call late = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      assertThat(late.step().persists()).isEmpty();
      assertThat(late.step().sends())
          .containsExactly(new Reply(late.token(), new Ack(T1, SELF, Decision.COMMIT)));
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
    }

    @Test
    void commitWrite_whenItFails_staysReadyWithTheLocks_andTheResendRetriesIt() {
      // The decision stands; a failed COMMITTED write must not be acknowledged (the coordinator
      // could forget the transaction) and must not release the locks.
      prepareT1();
      Call d = call(GlobalDecision.commit(T1));
      Step s = fail(onlyPersist(d.step()));
      assertThat(s.sends()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.READY);
      assertThat(core.locksHeldBy(T1)).containsExactlyInAnyOrder("x", "y", "z");

      Call resend = call(GlobalDecision.commit(T1));
      Completed done = complete(onlyPersist(resend.step()));
      assertThat(done.allSent())
          .containsExactly(new Reply(resend.token(), new Ack(T1, SELF, Decision.COMMIT)));
      assertThat(store.read("x").value()).isEqualTo("9");
    }

    @Test
    void abortWrite_whenItFails_keepsTheLocks_andTheResendRetriesIt() {
      // DESIGN §3 step 4: ABORTED is applied, then the locks go. A failed ABORTED write leaves
      // PREPARED as the latest record, so the transaction must stay READY and keep its keys.
      prepareT1();
      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      Step f = fail(onlyPersist(d.step()));

      assertThat(f.sends()).as("no ack: the coordinator resends the decision").isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.READY);
      assertThat(core.locksHeldBy(T1)).containsExactlyInAnyOrder("x", "y", "z");
      assertThat(f.timers()).extracting(Timer::kind).containsExactly(TimerKind.READY_TIMEOUT);

      Call resend = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      Completed done = complete(onlyPersist(resend.step()));
      assertThat(done.allSent())
          .containsExactly(new Reply(resend.token(), new Ack(T1, SELF, Decision.ABORT)));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);
    }

    @Test
    void restart_afterAFailedAbortWrite_recoversWithoutTwoPreparedHoldingOneKey() {
      // DESIGN §3 recovery re-takes the locks of every PREPARED transaction: no key may be
      // prepared by two of them. Found by the bank simulation (a failed lazy ABORTED write).
      prepareT1();
      fail(onlyPersist(call(GlobalDecision.abort(T1, Reason.TIMEOUT)).step()));
      Call t2 = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      t2.step().persists().forEach(ParticipantCoreTest.this::complete);

      List<Prepared> inDoubt = new ArrayList<>();
      for (TxId tx : List.of(T1, T2)) {
        store.txState(tx).filter(r -> r instanceof Prepared).ifPresent(r -> inDoubt.add((Prepared) r));
      }
      core = newCore();
      Step recovered = core.recover(now, inDoubt);
      assertThat(recovered.timers()).hasSize(inDoubt.size());
    }

    @Test
    void globalAbort_forUnknownTx_recordsAborted_soALateVoteRequestIsRefused() {
      // DESIGN §3: GLOBAL-ABORT may overtake the VOTE-REQ; the late prepare must vote no
      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      Persist p = onlyPersist(d.step());
      assertThat(p.writes().records()).containsExactly(new Aborted(T1, Reason.TIMEOUT));
      assertThat(d.step().sends()).isEmpty();

      // the late prepare arrives while ABORTED is being written, and again after
      Call early = call(t1Prepare());
      assertThat(onlyReplyTo(early.token(), early.step().sends()).getClass()).isEqualTo(Vote.class);
      assertThat(((Vote) onlyReplyTo(early.token(), early.step().sends())).vote())
          .isEqualTo(VoteKind.PREPARE_NOTOK);
      assertThat(complete(p).allSent())
          .containsExactly(new Reply(d.token(), new Ack(T1, SELF, Decision.ABORT)));
      Call late = call(t1Prepare());
      assertThat(onlyReplyTo(late.token(), late.step().sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.TIMEOUT));
      assertThat(late.step().persists()).isEmpty();
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void globalCommit_forUnknownTx_isAcked_withoutWriting() {
      // A read-only shard that restarted lost its shared locks; nothing to apply.
      Call d = call(GlobalDecision.commit(T1));
      assertThat(d.step().persists()).isEmpty();
      assertThat(d.step().sends())
          .containsExactly(new Reply(d.token(), new Ack(T1, SELF, Decision.COMMIT)));
    }
  }

  // ---- duplicates and reordering around PREPARING ----

  @Nested
  class Duplicates {
    @Test
    void duplicateVoteRequest_whilePreparing_isAnsweredAfterThePersist() {
      // DESIGN §3: a duplicate must not get a VOTE-COMMIT before PREPARED is durable either
      Call first = call(t1Prepare());
      Call dup = call(t1Prepare());
      assertThat(dup.step().isEmpty()).isTrue();

      Completed done = complete(onlyPersist(first.step()));
      assertThat(onlyReplyTo(first.token(), done.afterPersist())).isEqualTo(Vote.ok(T1, SELF));
      assertThat(onlyReplyTo(dup.token(), done.next().sends())).isEqualTo(Vote.ok(T1, SELF));
      assertThat(store.applied).hasSize(1);
    }

    @Test
    void duplicateVoteRequest_whilePreparing_votesNoIfThePersistFails() {
      Call first = call(t1Prepare());
      Call dup = call(t1Prepare());
      Step s = fail(onlyPersist(first.step()));
      assertThat(onlyReplyTo(first.token(), s.sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.PARTICIPANT_FAILED));
      assertThat(onlyReplyTo(dup.token(), s.sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.PARTICIPANT_FAILED));
    }

    @Test
    void duplicateVoteRequest_whenReady_votesCommitAgain_withoutWriting() {
      prepareT1();
      Call dup = call(t1Prepare());
      assertThat(dup.step().persists()).isEmpty();
      assertThat(dup.step().sends()).containsExactly(new Reply(dup.token(), Vote.ok(T1, SELF)));
    }

    @Test
    void lateVoteRequest_afterCommit_votesNo_andTheCommitStands() {
      // Its coordinator is past WAIT and ignores the vote; a yes would let another coordinator
      // under the same id commit without its writes here.
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      Call late = call(t1Prepare());
      assertThat(late.step().persists()).isEmpty();
      assertThat(late.step().sends())
          .containsExactly(new Reply(late.token(), Vote.no(T1, SELF, Reason.INVALID)));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      assertThat(store.read("x").value()).isEqualTo("9");
    }

    /** Coordinator c2 sends a prepare of its own under T1; this participant votes no at once. */
    void secondCoordinatorPreparesT1_andIsToldNo() {
      VoteRequest second = new VoteRequest(T1, COORD2, List.of(SELF, PEER), List.of(),
          List.of(WriteOp.put("x", "from-the-second")));
      long token = nextToken++;
      Step s = core.onRequest(now, token, COORD2, second);
      assertThat(s.persists()).isEmpty();
      assertThat(s.sends()).containsExactly(new Reply(token, Vote.no(T1, SELF, Reason.INVALID)));
    }

    @Test
    void aSecondCoordinatorsPrepare_underAnIdCommittedHere_votesNo_soItCannotCommitInPart() {
      // A client used one id at two coordinators: the second one's transaction writes here and
      // at another shard. A yes here would let it commit there and not here.
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      secondCoordinatorPreparesT1_andIsToldNo();
      assertThat(store.read("x").value()).isEqualTo("9");
    }

    @Test
    void aSecondCoordinatorsPrepare_forATransactionReadyHere_votesNo_andItsAbortChangesNothing() {
      prepareT1();
      secondCoordinatorPreparesT1_andIsToldNo();

      // The second coordinator aborts and tells every participant: acknowledged, nothing done.
      long abortToken = nextToken++;
      Step abort = core.onRequest(now, abortToken, COORD2, GlobalDecision.abort(T1, Reason.INVALID));
      assertThat(abort.persists()).isEmpty();
      assertThat(abort.sends())
          .containsExactly(new Reply(abortToken, new Ack(T1, SELF, Decision.ABORT)));
      assertThat(core.state(T1)).isEqualTo(TxState.READY);
      assertThat(core.locksHeldBy(T1)).contains("x");

      // The first coordinator's commit applies the first transaction's writes.
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      assertThat(store.read("x").value()).isEqualTo("9");
    }

    @Test
    void lateVoteRequest_afterAbort_isAnsweredFromLog_withNo() {
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.abort(T1, Reason.CONFLICT)).step()));
      Call late = call(t1Prepare());
      assertThat(late.step().persists()).isEmpty();
      assertThat(late.step().sends())
          .containsExactly(new Reply(late.token(), Vote.no(T1, SELF, Reason.CONFLICT)));
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void globalAbort_whilePreparing_isAppliedAfterPreparedIsDurable_andAcked() {
      // DESIGN §3 step 4: the decision is applied, and GLOBAL-ABORT is answered with an Ack
      Call prep = call(t1Prepare());
      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      assertThat(d.step().isEmpty()).as("waits for the PREPARED write").isTrue();
      assertThat(core.locksHeldBy(T1)).isNotEmpty();

      Completed prepared = complete(onlyPersist(prep.step()));
      assertThat(onlyReplyTo(prep.token(), prepared.afterPersist())).isEqualTo(Vote.ok(T1, SELF));
      assertThat(repliesTo(d.token(), prepared.allSent()))
          .as("the GLOBAL-ABORT request must not be answered with a vote")
          .allMatch(m -> m instanceof Ack);
      Persist abort = onlyPersist(prepared.next());
      assertThat(abort.writes().records()).containsExactly(new Aborted(T1, Reason.TIMEOUT));

      List<Outbound> sent = new ArrayList<>(prepared.allSent());
      sent.addAll(complete(abort).allSent());
      assertThat(onlyReplyTo(d.token(), sent)).isEqualTo(new Ack(T1, SELF, Decision.ABORT));
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void globalCommit_whilePreparing_isAppliedAfterPreparedIsDurable_andAckedAfterCommitted() {
      Call prep = call(t1Prepare());
      Call d = call(GlobalDecision.commit(T1));
      assertThat(d.step().isEmpty()).isTrue();

      Completed prepared = complete(onlyPersist(prep.step()));
      assertThat(repliesTo(d.token(), prepared.allSent())).as("no ack before COMMITTED").isEmpty();
      Persist commit = onlyPersist(prepared.next());
      assertThat(commit.writes().records()).hasOnlyElementsOfType(Committed.class);
      assertThat(core.locksHeldBy(T1)).isNotEmpty();

      Completed done = complete(commit);
      assertThat(onlyReplyTo(d.token(), done.allSent()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(core.lockHolders()).isEmpty();
      assertThat(store.read("y").value()).isEqualTo("abc");
    }

    @Test
    void globalAbort_whilePreparing_whenPreparedFails_isStillAckedAsAbort() {
      Call prep = call(t1Prepare());
      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));
      Step s = fail(onlyPersist(prep.step()));
      List<Outbound> sent = new ArrayList<>(s.sends());
      for (Persist p : s.persists()) {
        sent.addAll(complete(p).allSent());
      }
      assertThat(onlyReplyTo(prep.token(), sent))
          .isEqualTo(Vote.no(T1, SELF, Reason.PARTICIPANT_FAILED));
      assertThat(onlyReplyTo(d.token(), sent)).isEqualTo(new Ack(T1, SELF, Decision.ABORT));
      assertThat(core.lockHolders()).isEmpty();
    }
  }

  // ---- one-phase commit ----

  @Nested
  class OnePhase {
    OnePhaseCommit onePhase() {
      return new OnePhaseCommit(
          T1,
          COORD,
          List.of(new ReadItem("x", 3)),
          List.of(WriteOp.put("x", "11"), WriteOp.append("y", "!"), WriteOp.delete("z")));
    }

    @Test
    void onePhase_oneForcedWriteWithCommittedAndData_repliesOnlyAfterIt() {
      // DESIGN §3 step 1: validate, log and apply in one forced write
      long v = store.lastVersion() + 1;
      Call c = call(onePhase());
      assertThat(c.step().sends()).isEmpty();
      Persist p = onlyPersist(c.step());
      assertThat(p.writes().forced()).isTrue();
      // The writes are in the data of the same batch, not repeated in the record.
      // It keeps the transaction's digest, to tell a retry from another transaction (session 25).
      OnePhaseCommit c1 = onePhase();
      assertThat(p.writes().records()).containsExactly(
          new Committed(T1, v, List.of(), TxDigest.of(c1.reads(), c1.writes())));
      assertThat(p.writes().data())
          .containsExactly(
              new DataWrite("x", "11", v), new DataWrite("y", "ab!", v), new DataWrite("z", null, v));
      assertThat(p.afterPersist())
          .containsExactly(
              new Reply(c.token(), new OnePhaseResult(T1, SELF, Decision.COMMIT, null)));
      assertThat(core.locksHeldBy(T1)).isNotEmpty();

      Completed done = complete(p);
      assertThat(done.next().sends()).isEmpty();
      assertThat(core.lockHolders()).isEmpty();
      assertThat(store.read("y")).isEqualTo(new Versioned("ab!", v));
    }

    @Test
    void onePhaseRetry_whileInFlight_isAnsweredAfterTheWrite_andAfterFromTheLog() {
      // DESIGN §2: a retried commit never applies the writes twice
      Call c = call(onePhase());
      Call retry = call(onePhase());
      assertThat(retry.step().isEmpty()).isTrue();
      Completed done = complete(onlyPersist(c.step()));
      assertThat(onlyReplyTo(retry.token(), done.next().sends()))
          .isEqualTo(new OnePhaseResult(T1, SELF, Decision.COMMIT, null));

      Call later = call(onePhase());
      assertThat(later.step().persists()).isEmpty();
      assertThat(later.step().sends())
          .containsExactly(
              new Reply(later.token(), new OnePhaseResult(T1, SELF, Decision.COMMIT, null)));
      assertThat(store.applied).hasSize(1);
      assertThat(store.read("y").value()).isEqualTo("ab!");
    }

    /**
     * An id names one transaction (DESIGN §2). Before session 25 a one-phase commit under the id
     * of a committed one was answered COMMITTED from the log and its writes never applied.
     */
    @Test
    void anotherOnePhaseCommitUnderTheIdOfACommittedOne_isRefusedIdReused_andChangesNothing() {
      Call first = call(onePhase());
      Call other = call(new OnePhaseCommit(T1, COORD, List.of(), List.of(WriteOp.put("x", "99"))));
      OnePhaseResult reused = new OnePhaseResult(T1, SELF, Decision.ABORT, Reason.ID_REUSED);
      assertThat(other.step().sends()).as("refused at once, while the first is being written")
          .containsExactly(new Reply(other.token(), reused));
      assertThat(other.step().persists()).isEmpty();
      complete(onlyPersist(first.step()));
      String x = store.read("x").value();

      core = newCore(); // restarted: only the log tells
      Call later = call(new OnePhaseCommit(T1, COORD, List.of(), List.of(WriteOp.put("x", "99"))));

      assertThat(later.step().sends()).containsExactly(new Reply(later.token(), reused));
      assertThat(later.step().persists()).isEmpty();
      assertThat(store.read("x").value()).isEqualTo(x).isEqualTo("11");
      assertThat(core.lockHolders()).isEmpty();
      // The first transaction, listed in another order, is still answered COMMITTED.
      OnePhaseCommit c1 = onePhase();
      List<WriteOp> reordered = List.of(c1.writes().get(2), c1.writes().get(0), c1.writes().get(1));
      Call retry = call(new OnePhaseCommit(T1, COORD, c1.reads(), reordered));
      assertThat(retry.step().sends()).containsExactly(
          new Reply(retry.token(), new OnePhaseResult(T1, SELF, Decision.COMMIT, null)));
    }

    @Test
    void aOnePhaseCommitLoggedBeforeDigests_isAnsweredFromTheLog_asBefore() {
      store.apply(WriteSet.forced(new Committed(T1, 5, List.of())));
      core = newCore();

      Call other = call(new OnePhaseCommit(T1, COORD, List.of(), List.of(WriteOp.put("x", "99"))));

      assertThat(other.step().sends()).containsExactly(
          new Reply(other.token(), new OnePhaseResult(T1, SELF, Decision.COMMIT, null)));
    }

    @Test
    void onePhase_whenTheWriteFails_answersInternal_outcomeUnknown() {
      Call c = call(onePhase());
      Step s = fail(onlyPersist(c.step()));
      Message m = onlyReplyTo(c.token(), s.sends());
      assertThat(m).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) m).code()).isEqualTo(ErrorReply.Code.INTERNAL);
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void onePhaseRefusal_isForcedBeforeItIsAnswered_soALateDuplicateCannotCommitIt() {
      // DESIGN §3 step 1: the answer to a one-phase commit is the decision itself. Found by the
      // bank simulation (seed 25169): a refusal recorded lazily was lost in a crash, and a late
      // duplicate of the request then committed what the client had been told was aborted.
      OnePhaseCommit stale =
          new OnePhaseCommit(T1, COORD, List.of(new ReadItem("x", 1)), List.of(WriteOp.put("x", "0")));
      Call c = call(stale);
      assertThat(c.step().sends()).as("not before ABORTED is durable").isEmpty();
      Persist p = onlyPersist(c.step());
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records()).containsExactly(new Aborted(T1, Reason.CONFLICT));
      OnePhaseResult abort = new OnePhaseResult(T1, SELF, Decision.ABORT, Reason.CONFLICT);
      assertThat(p.afterPersist()).containsExactly(new Reply(c.token(), abort));
      assertThat(core.lockHolders()).isEmpty();

      Call dup = call(stale);
      assertThat(dup.step().isEmpty()).as("a duplicate waits for the same write").isTrue();
      Completed done = complete(p);
      assertThat(done.next().sends()).containsExactly(new Reply(dup.token(), abort));

      core = newCore(); // restarted: the refusal is in the log
      Call late = call(stale);
      assertThat(late.step().persists()).isEmpty();
      assertThat(late.step().sends()).containsExactly(new Reply(late.token(), abort));
    }

    @Test
    void anAppendThatWouldMakeAValueLargerThanTheLimit_isRefusedAsInvalid_inBothPaths() {
      // DESIGN §2: value ≤ maxValueBytes. The coordinator checks each value it is sent; only
      // here is the value an append makes known (y is "ab").
      core = new ParticipantCore(SELF, store, store, store.lastVersion(),
          new ParticipantConfig(READY_TIMEOUT, MAX_BACKOFF, key -> true).withMaxValueBytes(4));

      Call prepare = call(voteReq(T1, List.of(), List.of(WriteOp.append("y", "cde"))));
      assertThat(onlyReplyTo(prepare.token(), prepare.step().sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.INVALID));
      prepare.step().persists().forEach(ParticipantCoreTest.this::complete);
      assertThat(core.locksHeldBy(T1)).isEmpty();

      // "é" is two bytes: "ab" + "éé" is 4 characters but 6 bytes.
      Call one = call(new OnePhaseCommit(T2, COORD, List.of(), List.of(WriteOp.append("y", "é"),
          WriteOp.append("y", "é"))));
      Persist p = onlyPersist(one.step());
      assertThat(p.afterPersist()).containsExactly(new Reply(one.token(),
          new OnePhaseResult(T2, SELF, Decision.ABORT, Reason.INVALID)));
      complete(p);
      assertThat(core.locksHeldBy(T2)).isEmpty();
      assertThat(store.read("y").value()).isEqualTo("ab");

      // Up to the limit is fine.
      TxId t3 = TxId.of("t3");
      Call fits = call(new OnePhaseCommit(t3, COORD, List.of(), List.of(WriteOp.append("y", "cd"))));
      complete(onlyPersist(fits.step()));
      assertThat(store.read("y").value()).isEqualTo("abcd");
    }

    @Test
    void onePhase_lockConflict_abortsWithConflict() {
      call(t1Prepare());
      OnePhaseCommit c2 = new OnePhaseCommit(T2, COORD, List.of(), List.of(WriteOp.put("x", "0")));
      Call c = call(c2);
      OnePhaseResult abort = new OnePhaseResult(T2, SELF, Decision.ABORT, Reason.CONFLICT);
      Persist p = onlyPersist(c.step());
      assertThat(p.afterPersist()).containsExactly(new Reply(c.token(), abort));
      complete(p);
      Call retry = call(c2);
      assertThat(retry.step().sends()).containsExactly(new Reply(retry.token(), abort));
      assertThat(core.locksHeldBy(T2)).isEmpty();
    }

    @Test
    void onePhase_keyNotOwned_abortsWithNotOwner() {
      Call c = call(new OnePhaseCommit(T1, COORD, List.of(), List.of(WriteOp.put("foreign:a", "0"))));
      Persist p = onlyPersist(c.step());
      assertThat(p.afterPersist())
          .containsExactly(
              new Reply(c.token(), new OnePhaseResult(T1, SELF, Decision.ABORT, Reason.NOT_OWNER)));
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void onePhaseRefusal_whenItsWriteFails_isNotAnswered() {
      // Unanswered, the coordinator reports UNKNOWN and the client retries the same id.
      OnePhaseCommit stale =
          new OnePhaseCommit(T1, COORD, List.of(new ReadItem("x", 1)), List.of(WriteOp.put("x", "0")));
      Call c = call(stale);
      Step f = fail(onlyPersist(c.step()));
      assertThat(f.sends()).isEmpty();
      assertThat(core.activeCount()).isZero();
    }
  }

  // ---- status queries and termination ----

  @Nested
  class Status {
    StatusReply status(TxId tx, boolean abortIfUnknown) {
      Call c = call(new StatusQuery(tx, PEER, abortIfUnknown));
      assertThat(c.step().persists()).isEmpty();
      return (StatusReply) onlyReplyTo(c.token(), c.step().sends());
    }

    @Test
    void statusQuery_answersReadyCommitAbortOrUnknown() {
      assertThat(status(T1, false).state()).isEqualTo(TxState.UNKNOWN);
      prepareT1();
      assertThat(status(T1, false).state()).isEqualTo(TxState.READY);
      assertThat(status(T1, true).state()).isEqualTo(TxState.READY);
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      assertThat(status(T1, false).state()).isEqualTo(TxState.COMMIT);

      Call c = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      complete(onlyPersist(c.step()));
      complete(onlyPersist(call(GlobalDecision.abort(T2, Reason.TIMEOUT)).step()));
      assertThat(status(T2, true).state()).isEqualTo(TxState.ABORT);
    }

    @Test
    void statusQueryAbortIfUnknown_forcesAborted_answersAfterIt_andALatePrepareVotesNo() {
      // DESIGN §3 cooperative termination: a peer in INIT records ABORTED so it votes no later
      Call q = call(new StatusQuery(T1, PEER, true));
      assertThat(q.step().sends()).isEmpty();
      Persist p = onlyPersist(q.step());
      assertThat(p.writes().forced()).as("must survive a crash").isTrue();
      assertThat(p.writes().records()).containsExactly(new Aborted(T1, Reason.TIMEOUT));
      assertThat(p.afterPersist())
          .containsExactly(new Reply(q.token(), new StatusReply(T1, SELF, TxState.ABORT)));
      complete(p);

      Call late = call(t1Prepare());
      assertThat(late.step().persists()).isEmpty();
      assertThat(((Vote) onlyReplyTo(late.token(), late.step().sends())).vote())
          .isEqualTo(VoteKind.PREPARE_NOTOK);
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void statusQueryWithoutAbortIfUnknown_changesNothing() {
      status(T1, false);
      assertThat(store.applied).isEmpty();
      Call c = call(t1Prepare());
      assertThat(onlyPersist(c.step()).writes().records()).hasOnlyElementsOfType(Prepared.class);
    }

    @Test
    void readyTimer_asksCoordinator_withBackoffUpToTheMaximum() {
      // DESIGN §3 termination: READY without a decision asks the coordinator, with backoff
      prepareT1();
      long t = now;
      long expectedBackoff = READY_TIMEOUT;
      for (int i = 0; i < 5; i++) {
        t += expectedBackoff;
        Step s = core.onTimer(t, new Timer(T1, TimerKind.READY_TIMEOUT, t));
        assertThat(s.sends()).containsExactly(new Send(COORD, new StatusQuery(T1, SELF, false)));
        expectedBackoff = Math.min(expectedBackoff * 2, MAX_BACKOFF);
        assertThat(s.timers())
            .containsExactly(new Timer(T1, TimerKind.READY_TIMEOUT, t + expectedBackoff));
      }
      assertThat(core.inDoubt()).containsExactly(T1);
    }

    @Test
    void readyTimer_afterTheDecision_doesNothing() {
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      assertThat(core.onTimer(now + READY_TIMEOUT, new Timer(T1, TimerKind.READY_TIMEOUT, now)).isEmpty())
          .isTrue();
    }

    @Test
    void statusReplyCommit_fromCoordinator_appliesTheCommit() {
      prepareT1();
      Step asked = core.onTimer(now, new Timer(T1, TimerKind.READY_TIMEOUT, now));
      Message query = ((Send) asked.sends().get(0)).message();
      Step s = core.onReply(now, COORD, query, new StatusReply(T1, COORD, TxState.COMMIT));
      Persist p = onlyPersist(s);
      assertThat(p.writes().forced()).as("written lazily, made durable before the ack").isFalse();
      assertThat(p.writes().records()).hasOnlyElementsOfType(Committed.class);
      complete(p);
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      assertThat(core.lockHolders()).isEmpty();
      assertThat(store.read("x").value()).isEqualTo("9");
    }

    @Test
    void statusReplyAbort_fromCoordinator_abortsAndReleases() {
      prepareT1();
      Step s =
          core.onReply(
              now, COORD, new StatusQuery(T1, SELF, false), new StatusReply(T1, COORD, TxState.ABORT));
      Persist p = onlyPersist(s);
      assertThat(p.writes().forced()).isFalse();
      complete(p);
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void statusReplyUndecided_changesNothing() {
      prepareT1();
      Step s =
          core.onReply(
              now, COORD, new StatusQuery(T1, SELF, false), new StatusReply(T1, COORD, TxState.WAIT));
      assertThat(s.isEmpty()).isTrue();
      assertThat(core.inDoubt()).containsExactly(T1);
    }
  }

  // ---- recovery ----

  @Nested
  class Recovery {
    @Test
    void recoverPrepared_retakesLocks_andAsksTheCoordinatorAtOnce() {
      // DESIGN §3 recovery: PREPARED → re-take the locks, then ask the coordinator
      prepareT1();
      Prepared p = (Prepared) store.txState(T1).orElseThrow();
      core = newCore(); // the node restarted: memory is gone, the store is not
      now = 5_000;
      Step s = core.recover(now, List.of(p));

      assertThat(s.timers()).containsExactly(new Timer(T1, TimerKind.READY_TIMEOUT, now));
      assertThat(core.locksHeldBy(T1)).containsExactlyInAnyOrder("x", "y", "z");
      assertThat(core.inDoubt()).containsExactly(T1);
      Step ask = core.onTimer(now, s.timers().get(0));
      assertThat(ask.sends()).containsExactly(new Send(COORD, new StatusQuery(T1, SELF, false)));

      Call conflicting = call(voteReq(T2, List.of(new ReadItem("x", 3)), List.of()));
      assertThat(onlyReplyTo(conflicting.token(), conflicting.step().sends()))
          .isEqualTo(Vote.no(T2, SELF, Reason.CONFLICT));

      Call d = call(GlobalDecision.commit(T1));
      Completed done = complete(onlyPersist(d.step()));
      assertThat(onlyReplyTo(d.token(), done.allSent()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(store.read("y").value()).isEqualTo("abc");
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void afterRestart_decidedTransactions_areAnsweredFromTheLog() {
      // DESIGN §3 recovery: COMMITTED stays committed, ABORTED stays aborted
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      call(GlobalDecision.abort(T2, Reason.TIMEOUT)).step().persists().forEach(ParticipantCoreTest.this::complete);
      core = newCore();
      assertThat(core.recover(now, List.of()).isEmpty()).isTrue();

      // A prepare for a transaction committed here is refused (see
      // lateVoteRequest_afterCommit_votesNo_andTheCommitStands); the commit stands.
      Call v1 = call(t1Prepare());
      assertThat(v1.step().persists()).isEmpty();
      assertThat(v1.step().sends())
          .containsExactly(new Reply(v1.token(), Vote.no(T1, SELF, Reason.INVALID)));
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      Call v2 = call(voteReq(T2, List.of(), List.of(WriteOp.put("x", "1"))));
      assertThat(((Vote) onlyReplyTo(v2.token(), v2.step().sends())).vote())
          .isEqualTo(VoteKind.PREPARE_NOTOK);
      Call d = call(GlobalDecision.commit(T1));
      assertThat(d.step().persists()).isEmpty();
    }

    @Test
    void afterRestart_newVersionsAreAboveEveryStoredOne() {
      prepareT1();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      long v = store.read("x").version();
      core = newCore();
      Call c = call(new OnePhaseCommit(T2, COORD, List.of(), List.of(WriteOp.put("w", "1"))));
      complete(onlyPersist(c.step()));
      assertThat(store.read("w").version()).isGreaterThan(v);
    }
  }

  @Nested
  class CooperativeTermination {
    static final NodeId PEER2 = NodeId.of("p3");

    /** T1 prepared with two peers that also write; returns after READY. */
    void prepareWithTwoPeers() {
      Call c = call(new VoteRequest(T1, COORD, List.of(SELF, PEER, PEER2),
          List.of(new ReadItem("x", 3)), List.of(WriteOp.put("x", "9"))));
      complete(onlyPersist(c.step()));
    }

    /** Fires the READY timer and returns the coordinator query it sends. */
    StatusQuery askCoordinator() {
      now += READY_TIMEOUT;
      Step s = core.onTimer(now, new Timer(T1, TimerKind.READY_TIMEOUT, now));
      Send q = (Send) s.sends().get(0);
      assertThat(q.to()).isEqualTo(COORD);
      return (StatusQuery) q.message();
    }

    Step coordinatorSilent(StatusQuery q) {
      return core.onSendFailed(now, COORD, q);
    }

    @Test
    void coordinatorSilent_asksEveryPeerThatWrites_toAbortIfItNeverPrepared() {
      // DESIGN §3: no answer from the coordinator → ask the other participants
      prepareWithTwoPeers();
      StatusQuery q = askCoordinator();
      assertThat(q.abortIfUnknown()).as("the coordinator is only asked").isFalse();
      Step s = coordinatorSilent(q);
      assertThat(s.sends()).containsExactlyInAnyOrder(
          new Send(PEER, new StatusQuery(T1, SELF, true)),
          new Send(PEER2, new StatusQuery(T1, SELF, true)));
    }

    @Test
    void aPeerThatCommitted_settlesItAsCommitted() {
      // DESIGN §3: a peer in COMMIT → adopt that decision
      prepareWithTwoPeers();
      StatusQuery q = askCoordinator();
      Send toPeer = (Send) coordinatorSilent(q).sends().get(0);
      Step s = core.onReply(now, toPeer.to(), toPeer.message(), new StatusReply(T1, toPeer.to(), TxState.COMMIT));
      Persist p = onlyPersist(s);
      assertThat(p.writes().forced()).as("written lazily, made durable before the ack").isFalse();
      complete(p);
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      assertThat(store.read("x").value()).isEqualTo("9");
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void aPeerThatNeverPrepared_answersAbort_andItAborts() {
      // DESIGN §3: a peer in INIT records ABORTED and both abort
      prepareWithTwoPeers();
      Send toPeer = (Send) coordinatorSilent(askCoordinator()).sends().get(0);
      Step s = core.onReply(now, toPeer.to(), toPeer.message(), new StatusReply(T1, toPeer.to(), TxState.ABORT));
      complete(onlyPersist(s));
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);
      assertThat(store.read("x").value()).isEqualTo("10");
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void everyPeerReady_staysBlocked_holdingItsLocks_andKeepsAsking() {
      // DESIGN §3: every peer READY → unknowable: stay READY, keep the locks, keep asking
      prepareWithTwoPeers();
      StatusQuery q = askCoordinator();
      coordinatorSilent(q);
      core.onReply(now, PEER, new StatusQuery(T1, SELF, true), new StatusReply(T1, PEER, TxState.READY));
      assertThat(core.blocked()).as("one peer still to answer").isEmpty();
      core.onReply(now, PEER2, new StatusQuery(T1, SELF, true), new StatusReply(T1, PEER2, TxState.READY));

      assertThat(core.blocked()).containsExactly(T1);
      Call listed = call(new InDoubtQuery(COORD));
      assertThat(onlyReplyTo(listed.token(), listed.step().sends()))
          .as("what GET /v1/cluster shows")
          .isEqualTo(new InDoubtReply(SELF, List.of(T1), List.of(T1)));
      assertThat(core.state(T1)).isEqualTo(TxState.READY);
      assertThat(core.locksHeldBy(T1)).containsExactly("x");
      assertThat(askCoordinator()).as("keeps asking the coordinator").isEqualTo(q);

      // The coordinator comes back and answers: resolved, no longer blocked.
      Step s = core.onReply(now, COORD, q, new StatusReply(T1, COORD, TxState.COMMIT));
      complete(onlyPersist(s));
      assertThat(core.blocked()).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      Call after = call(new InDoubtQuery(COORD));
      assertThat(onlyReplyTo(after.token(), after.step().sends()))
          .isEqualTo(new InDoubtReply(SELF, List.of(), List.of()));
    }

    @Test
    void aReadOnlyShard_alsoAsksTheWritersWhenTheCoordinatorIsSilent() {
      Call c = call(new VoteRequest(T1, COORD, List.of(PEER), List.of(new ReadItem("x", 3)), List.of()));
      assertThat(onlyReplyTo(c.token(), c.step().sends())).isEqualTo(Vote.readOnly(T1, SELF));
      StatusQuery q = askCoordinator();
      assertThat(coordinatorSilent(q).sends()).containsExactly(new Send(PEER, new StatusQuery(T1, SELF, true)));
      Step s = core.onReply(now, PEER, new StatusQuery(T1, SELF, true), new StatusReply(T1, PEER, TxState.ABORT));
      assertThat(s.persists()).as("a read-only shard logs nothing").isEmpty();
      assertThat(core.lockHolders()).isEmpty();
    }

    @Test
    void aSilentPeer_isNotAskedTheCoordinatorsQuestion() {
      // Failures of the peers' own queries change nothing; the READY timer asks again.
      prepareWithTwoPeers();
      assertThat(core.onSendFailed(now, PEER, new StatusQuery(T1, SELF, true)).isEmpty()).isTrue();
    }
  }

  // ---- operator decisions (ringtx recovery resolve) ----

  @Nested
  class OperatorDecisions {
    static final String OPS = "ops-anna";

    Call operator(TxId tx, Decision d, boolean heuristic) {
      long token = nextToken++;
      return new Call(token, core.onOperatorDecision(now, token, tx, d, OPS, heuristic));
    }

    @Test
    void heuristicAbort_ofReadyTx_forcesHeuristicAborted_releasesLocks_andIsCounted() {
      // Issue 6: a heuristic decision is logged as such, forced before the operator hears of it
      prepareT1();

      Call c = operator(T1, Decision.ABORT, true);

      Persist p = onlyPersist(c.step());
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records()).containsExactly(new HeuristicAborted(T1, OPS, now));
      assertThat(p.afterPersist()).containsExactly(
          new Reply(c.token(), new Ack(T1, SELF, Decision.ABORT)));
      assertThat(core.locksHeldBy(T1)).as("locks until the record is durable").isNotEmpty();
      complete(p);
      assertThat(core.locksHeldBy(T1)).isEmpty();
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);
      assertThat(core.heuristicDecisions()).isEqualTo(1);
      assertThat(store.read("x")).isEqualTo(new Versioned("10", 3));
    }

    @Test
    void heuristicCommit_appliesThePreparedWrites_withTheRecord_inOneForcedWrite() {
      prepareT1();

      Persist p = onlyPersist(operator(T1, Decision.COMMIT, true).step());

      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records()).hasSize(1);
      assertThat(p.writes().records().get(0)).isInstanceOf(HeuristicCommitted.class);
      complete(p);
      assertThat(store.read("x").value()).isEqualTo("9");
      assertThat(store.read("y").value()).isEqualTo("abc");
      assertThat(core.state(T1)).isEqualTo(TxState.COMMIT);
      // A peer asking in cooperative termination adopts what was applied here.
      Call q = call(new StatusQuery(T1, PEER, true));
      assertThat(onlyReplyTo(q.token(), q.step().sends()))
          .isEqualTo(new StatusReply(T1, SELF, TxState.COMMIT));
    }

    @Test
    void coordinatorsContraryDecision_afterHeuristic_isRecordedAsMismatch_beforeTheAck() {
      // Issue 6: the mismatch is reported (log, metric, durable record), never hidden, and acked
      prepareT1();
      complete(onlyPersist(operator(T1, Decision.ABORT, true).step()));

      Call d = call(GlobalDecision.commit(T1));

      Persist p = onlyPersist(d.step());
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records()).containsExactly(
          new HeuristicMismatch(T1, Decision.ABORT, Decision.COMMIT, COORD, OPS, now));
      assertThat(repliesTo(d.token(), d.step().sends())).as("no ack before the record").isEmpty();
      Call again = call(GlobalDecision.commit(T1));
      assertThat(again.step().isEmpty()).as("a resend waits for the same record").isTrue();
      Completed done = complete(p);
      assertThat(onlyReplyTo(d.token(), done.allSent()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(onlyReplyTo(again.token(), done.allSent()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(core.heuristicMismatches()).isEqualTo(1);
      assertThat(store.read("x")).as("the data stays as the heuristic left it")
          .isEqualTo(new Versioned("10", 3));
      assertThat(core.state(T1)).isEqualTo(TxState.ABORT);

      Call later = call(GlobalDecision.commit(T1));
      assertThat(onlyReplyTo(later.token(), later.step().sends()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(later.step().persists()).as("recorded once").isEmpty();
    }

    @Test
    void coordinatorsContraryDecision_whileTheHeuristicIsWritten_isStillRecordedAsMismatch() {
      prepareT1();
      Persist heuristic = onlyPersist(operator(T1, Decision.ABORT, true).step());

      Call d = call(GlobalDecision.commit(T1));
      assertThat(d.step().isEmpty()).as("waits for the heuristic record").isTrue();
      Completed done = complete(heuristic);

      Persist mismatch = onlyPersist(done.next());
      assertThat(mismatch.writes().records()).containsExactly(
          new HeuristicMismatch(T1, Decision.ABORT, Decision.COMMIT, COORD, OPS, now));
      Completed recorded = complete(mismatch);
      assertThat(onlyReplyTo(d.token(), recorded.allSent()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(core.heuristicMismatches()).isEqualTo(1);
    }

    @Test
    void failedHeuristicWrite_leavesTheTransactionReady_andCountsNothing() {
      prepareT1();
      Persist heuristic = onlyPersist(operator(T1, Decision.COMMIT, true).step());

      fail(heuristic);

      assertThat(core.state(T1)).isEqualTo(TxState.READY);
      assertThat(core.locksHeldBy(T1)).isNotEmpty();
      complete(onlyPersist(call(GlobalDecision.commit(T1)).step()));
      assertThat(core.heuristicDecisions()).isZero();
    }

    @Test
    void coordinatorsSameDecision_afterHeuristic_isAckedWithoutMismatch() {
      prepareT1();
      complete(onlyPersist(operator(T1, Decision.ABORT, true).step()));

      Call d = call(GlobalDecision.abort(T1, Reason.TIMEOUT));

      assertThat(d.step().persists()).isEmpty();
      assertThat(onlyReplyTo(d.token(), d.step().sends()))
          .isEqualTo(new Ack(T1, SELF, Decision.ABORT));
      assertThat(core.heuristicMismatches()).isZero();
    }

    @Test
    void learnedDecision_ofReadyTx_isAppliedLikeAGlobalDecision() {
      prepareT1();

      Call c = operator(T1, Decision.COMMIT, false);

      Persist p = onlyPersist(c.step());
      assertThat(p.writes().records()).containsExactly(new Committed(T1, 8, List.of()));
      Completed done = complete(p);
      assertThat(onlyReplyTo(c.token(), done.allSent()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
      assertThat(core.heuristicDecisions()).isZero();
    }

    @Test
    void abort_ofTxNeverPreparedHere_forcesAborted_soALatePrepareIsRefused() {
      Call c = operator(T1, Decision.ABORT, false);

      Persist p = onlyPersist(c.step());
      assertThat(p.writes().forced()).isTrue();
      assertThat(p.writes().records()).containsExactly(new Aborted(T1, Reason.TIMEOUT));
      complete(p);
      Call late = call(t1Prepare());
      assertThat(onlyReplyTo(late.token(), late.step().sends()))
          .isEqualTo(Vote.no(T1, SELF, Reason.TIMEOUT));
    }

    @Test
    void contraryChoices_areRefused_andChangeNothing() {
      Call commitUnknown = operator(T1, Decision.COMMIT, false);
      assertThat(commitUnknown.step().persists()).isEmpty();
      assertThat(onlyReplyTo(commitUnknown.token(), commitUnknown.step().sends()))
          .isInstanceOf(ErrorReply.class);

      Call heuristicUnknown = operator(T1, Decision.ABORT, true);
      assertThat(heuristicUnknown.step().persists()).isEmpty();

      prepareT1();
      Call commit = call(GlobalDecision.commit(T1));
      complete(onlyPersist(commit.step()));
      Call contrary = operator(T1, Decision.ABORT, true);
      ErrorReply err = (ErrorReply) onlyReplyTo(contrary.token(), contrary.step().sends());
      assertThat(err.code()).isEqualTo(ErrorReply.Code.REFUSED);
      assertThat(err.message()).contains("already COMMIT");
      assertThat(contrary.step().persists()).isEmpty();

      Call same = operator(T1, Decision.COMMIT, true);
      assertThat(onlyReplyTo(same.token(), same.step().sends()))
          .isEqualTo(new Ack(T1, SELF, Decision.COMMIT));
    }
  }
}
