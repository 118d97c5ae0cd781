package io.ringtx.coordinator.core;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.CoordinatorRecord;
import io.ringtx.protocol.log.LogRecord;
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
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.step.Outbound;
import io.ringtx.protocol.step.Persist;
import io.ringtx.protocol.step.Reply;
import io.ringtx.protocol.step.Send;
import io.ringtx.protocol.step.StateMachine;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.Timer;
import io.ringtx.protocol.step.TimerKind;
import io.ringtx.protocol.step.WriteSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator side of two-phase commit (DESIGN §3): INIT → WAIT → COMMIT | ABORT → END, plus
 * the one-phase path for a transaction that touches one shard and the one-round path for a
 * transaction that only read.
 *
 * <p>Presumed abort: nothing is forced before the votes, and the client may hear of an abort at
 * once. COMMIT is forced and every GLOBAL-COMMIT sits in the after-persist list of that write. An
 * abort is forced too before any participant hears of it (a GLOBAL-ABORT, or ABORT answered to a
 * participant's query, presumed or not), because a retried commit of a transaction this
 * coordinator forgot is run again: were an ABORT of the forgotten run still in flight, it could
 * reach a participant that voted yes in the new run. END is written lazily. The result of every
 * transaction stays in the log (END repeats it), so a retried commit with the same id is answered
 * from there and never runs twice.
 */
public final class CoordinatorCore implements StateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorCore.class);

  /** Read access to the latest durable record of each transaction. */
  public interface LogView {
    Optional<LogRecord> txState(TxId txId);
  }

  /** Where a transaction held in memory stands. */
  enum Phase {
    /** Read-only transaction: waiting for every shard's validation. */
    VALIDATING,
    /** One shard: waiting for its one-phase answer. */
    ONE_PHASE,
    /** Votes requested, not all in (the lecture's WAIT). */
    WAIT,
    /** Every vote was yes and COMMIT is being forced. */
    COMMITTING,
    /** COMMIT durable; waiting for acknowledgements. */
    COMMIT,
    /** Aborted; waiting for acknowledgements. */
    ABORT,
    /** Decided and acknowledged; END being written. */
    ENDING
  }

  /** One shard's part of a transaction. */
  private record Part(List<ReadItem> reads, List<WriteOp> writes) {}

  private record PendingWrite(TxId txId, Phase phase) {}

  private static final class Entry {
    final TxId id;
    Phase phase;
    final Map<NodeId, Part> parts;
    final Set<NodeId> votesMissing = new TreeSet<>();
    final Set<NodeId> votedNo = new TreeSet<>();
    final Set<NodeId> acksMissing = new TreeSet<>();
    /** Client requests waiting for the result. */
    final List<Long> clients = new ArrayList<>(1);
    /**
     * Client requests whose COMMITTED answer waits with the GLOBAL-COMMITs for the COMMIT record,
     * ahead of them; back to {@link #clients} if that write fails.
     */
    List<Long> answeredWithCommit = List.of();
    /** Termination queries waiting for the decision to be durable. */
    final List<Long> queries = new ArrayList<>(0);
    /** The decision is in the log: participants may be told. */
    boolean decisionDurable;
    TxResult result;
    long resendBackoff;
    /** For metrics only: when the current phase began, and whether the client was counted. */
    long phaseStart;
    boolean answered;
    /** What the transaction reads and writes ({@link TxDigest}); null if recovered from an old record. */
    Long digest;

    Entry(TxId id, Phase phase, Map<NodeId, Part> parts) {
      this.id = id;
      this.phase = phase;
      this.parts = parts;
    }

    List<NodeId> participants() {
      return List.copyOf(parts.keySet());
    }

    Set<NodeId> writers() {
      Set<NodeId> w = new TreeSet<>();
      parts.forEach((n, p) -> {
        if (!p.writes().isEmpty()) {
          w.add(n);
        }
      });
      return w;
    }
  }

  private final NodeId self;
  private final Router router;
  private final LogView log;
  private final CoordinatorConfig config;
  private final Map<TxId, Entry> txs = new HashMap<>();
  private final Map<Long, PendingWrite> writes = new HashMap<>();
  private long nextPersistId = 1;
  private CoordinatorObserver observer = CoordinatorObserver.NONE;

  public CoordinatorCore(NodeId self, Router router, LogView log, CoordinatorConfig config) {
    this.self = self;
    this.router = router;
    this.log = log;
    this.config = config;
  }

  /** Reports begun and answered transactions and phase durations to {@code observer}. */
  public CoordinatorCore observedBy(CoordinatorObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
    return this;
  }

  public NodeId self() {
    return self;
  }

  /**
   * Restores the state found in the log (DESIGN §3): a COMMIT without END resends GLOBAL-COMMIT
   * until every participant acknowledges; INIT, WAIT and ABORT need nothing (presumed abort).
   */
  public Step recover(long now, Collection<CoordinatorCommit> unfinished) {
    Step.Builder out = Step.builder();
    for (CoordinatorCommit c : unfinished) {
      Map<NodeId, Part> parts = new TreeMap<>();
      c.participants().forEach(n -> parts.put(n, new Part(List.of(), List.of())));
      Entry e = new Entry(c.txId(), Phase.COMMIT, parts);
      e.digest = c.digest();
      e.result = TxResult.committed(c.txId());
      e.decisionDurable = true;
      e.acksMissing.addAll(c.participants());
      e.resendBackoff = config.resendInitialMillis();
      txs.put(c.txId(), e);
      LOG.info("tx={} recovered COMMIT without END, resending GLOBAL-COMMIT", c.txId());
      out.add(sendDecision(now, e, e.acksMissing));
    }
    return out.build();
  }

  /**
   * A client asks to commit. {@code clientToken} is answered with a {@link TxResult}. The request
   * must have been validated (limits, ids) by the caller.
   */
  public Step begin(long now, long clientToken, TxId id, List<ReadItem> reads, List<WriteOp> ops) {
    long digest = TxDigest.of(reads, ops);
    Entry e = txs.get(id);
    if (e != null) {
      if (e.digest != null && e.digest != digest) {
        return idReused(clientToken, id, e.result == null ? "is running" : "was decided");
      }
      // A retry of a transaction in flight joins it; a decided one is answered at once.
      if (e.result != null && e.phase != Phase.COMMITTING) {
        return reply(clientToken, e.result);
      }
      e.clients.add(clientToken);
      return Step.NONE;
    }
    Optional<LogRecord> logged = log.txState(id);
    if (logged.isPresent()) {
      Long first = digestFromLog(logged.get());
      if (first != null && first != digest) {
        return idReused(clientToken, id, "was decided");
      }
      return reply(clientToken, resultFromLog(logged.get()));
    }
    Map<NodeId, Part> parts = split(reads, ops);
    if (parts.isEmpty()) {
      // Nothing to read or write: committed at once, and kept like every outcome (DESIGN §2), so
      // that the id is answered the same way again rather than taken for a new transaction.
      Entry empty = new Entry(id, Phase.VALIDATING, parts);
      empty.digest = digest;
      empty.result = TxResult.committed(id);
      empty.decisionDurable = true;
      txs.put(id, empty);
      return Step.builder().send(new Reply(clientToken, empty.result)).add(end(empty)).build();
    }
    Step.Builder out = Step.builder();
    Phase phase;
    if (ops.isEmpty()) {
      phase = Phase.VALIDATING;
      parts.forEach((n, p) -> out.send(new Send(n, new ValidateRequest(id, p.reads()))));
    } else if (parts.size() == 1) {
      phase = Phase.ONE_PHASE;
      parts.forEach(
          (n, p) -> out.send(new Send(n, new OnePhaseCommit(id, self, p.reads(), p.writes()))));
    } else {
      phase = Phase.WAIT;
      // The participant list is the shards that write: only they keep a PREPARED record, so only
      // they can answer a peer's termination query. A read-only shard keeps nothing and must
      // never be asked to record an abort for a transaction that may have committed.
      List<NodeId> writers = new ArrayList<>();
      parts.forEach((n, p) -> {
        if (!p.writes().isEmpty()) {
          writers.add(n);
        }
      });
      parts.forEach(
          (n, p) -> out.send(new Send(n, new VoteRequest(id, self, writers, p.reads(), p.writes()))));
    }
    e = new Entry(id, phase, parts);
    e.digest = digest;
    beginPhase(e, now);
    observer.begun();
    e.votesMissing.addAll(parts.keySet());
    e.clients.add(clientToken);
    txs.put(id, e);
    LOG.debug("tx={} state INIT→{} participants={}", id, phase, parts.keySet());
    return out.timer(new Timer(id, TimerKind.VOTE_TIMEOUT, now + config.voteTimeoutMillis()))
        .build();
  }

  /**
   * Refuses a request whose id names another transaction here ({@code what}: is running, was
   * decided): it is another transaction under a used id, and answering it with the first one's
   * outcome would tell the client that writes it never applied were committed.
   */
  private Step idReused(long clientToken, TxId id, String what) {
    LOG.warn("tx={} RTX-1006 a commit with other reads or writes than the transaction of this id,"
        + " which {}: refused ID_REUSED, nothing applied", id, what);
    TxResult refused = TxResult.aborted(id, Reason.ID_REUSED);
    observer.begun();
    observer.answered(refused);
    return reply(clientToken, refused);
  }

  @Override
  public Step onRequest(long now, long token, NodeId from, Message request) {
    if (request instanceof StatusQuery q) {
      return onStatusQuery(now, token, q);
    }
    return reply(
        token,
        new ErrorReply(
            ErrorReply.Code.BAD_REQUEST,
            "a coordinator does not serve " + request.getClass().getSimpleName()));
  }

  @Override
  public Step onReply(long now, NodeId from, Message request, Message reply) {
    TxId id = txIdOf(request);
    Entry e = id == null ? null : txs.get(id);
    if (e == null) {
      return Step.NONE; // late: the transaction is decided and forgotten
    }
    TxId answered = txIdOfReply(reply);
    if (answered != null && !answered.equals(id)) {
      // A reply must be about the transaction its request was about; anything else (a stale
      // reply to another request) must never count as a vote or an acknowledgement.
      LOG.warn("tx={} RTX-1003 ignoring a reply from {} about another transaction {}", id, from,
          answered);
      return Step.NONE;
    }
    if (reply instanceof Vote v) {
      return onVote(now, e, from, v);
    }
    if (reply instanceof OnePhaseResult r && e.phase == Phase.ONE_PHASE) {
      return finish(now, e, TxResult.of(r));
    }
    if (reply instanceof Ack a) {
      return onAck(now, e, from, a);
    }
    if (reply instanceof ErrorReply err) {
      return onError(now, e, from, request, err);
    }
    return Step.NONE;
  }

  @Override
  public Step onSendFailed(long now, NodeId to, Message request) {
    TxId id = txIdOf(request);
    Entry e = id == null ? null : txs.get(id);
    if (e == null) {
      return Step.NONE;
    }
    return switch (e.phase) {
      case WAIT -> abort(now, e, Reason.PARTICIPANT_FAILED);
      case VALIDATING -> finish(now, e, TxResult.aborted(id, Reason.PARTICIPANT_FAILED));
      // The request may have been applied: the outcome is not known here.
      case ONE_PHASE -> unknown(e);
      default -> Step.NONE; // decisions are resent by their timer
    };
  }

  @Override
  public Step onTimer(long now, Timer timer) {
    Entry e = txs.get(timer.txId());
    if (e == null) {
      return Step.NONE;
    }
    if (timer.kind() == TimerKind.VOTE_TIMEOUT) {
      return switch (e.phase) {
        case WAIT -> {
          LOG.info("tx={} votes missing from {} at the timeout", e.id, e.votesMissing);
          yield abort(now, e, Reason.TIMEOUT);
        }
        case VALIDATING -> finish(now, e, TxResult.aborted(e.id, Reason.TIMEOUT));
        case ONE_PHASE -> unknown(e);
        default -> Step.NONE;
      };
    }
    if (timer.kind() == TimerKind.DECISION_RESEND
        && (e.phase == Phase.COMMIT || e.phase == Phase.ABORT)
        && !e.acksMissing.isEmpty()) {
      e.resendBackoff = Math.min(e.resendBackoff * 2, config.resendMaxMillis());
      if (!e.decisionDurable) {
        // The abort record failed: write it again; the GLOBAL-ABORTs wait for it.
        return persistAbort(e, e.acksMissing);
      }
      LOG.debug("tx={} resending {} to {}", e.id, e.phase, e.acksMissing);
      return sendDecision(now, e, e.acksMissing);
    }
    return Step.NONE;
  }

  @Override
  public Step onPersisted(long now, long persistId) {
    PendingWrite w = writes.remove(persistId);
    if (w == null) {
      throw new IllegalStateException("unknown write " + persistId);
    }
    Entry e = txs.get(w.txId());
    if (w.phase() == Phase.COMMITTING) {
      observer.phase(e.id, CoordinatorObserver.TxPhase.DECISION, now - e.phaseStart);
      beginPhase(e, now);
      e.phase = Phase.COMMIT;
      e.decisionDurable = true;
      e.answeredWithCommit = List.of(); // answered as the write completed
      // Retries that joined while COMMIT was being written are answered here.
      LOG.debug("tx={} state WAIT→COMMIT", e.id);
      Step.Builder out = Step.builder();
      answerClients(e, out);
      answerQueries(e, out);
      out.timer(new Timer(e.id, TimerKind.DECISION_RESEND, now + e.resendBackoff));
      return out.build();
    }
    if (w.phase() == Phase.ABORT) {
      if (!e.decisionDurable) {
        observer.phase(e.id, CoordinatorObserver.TxPhase.DECISION, now - e.phaseStart);
        beginPhase(e, now);
      }
      e.decisionDurable = true;
      Step.Builder out = Step.builder();
      answerQueries(e, out);
      out.timer(new Timer(e.id, TimerKind.DECISION_RESEND, now + e.resendBackoff));
      return out.build();
    }
    if (w.phase() == Phase.ENDING) {
      txs.remove(e.id);
      Step.Builder out = Step.builder();
      answerQueries(e, out);
      return out.build();
    }
    return Step.NONE;
  }

  @Override
  public Step onPersistFailed(long now, long persistId, String cause) {
    PendingWrite w = writes.remove(persistId);
    if (w == null) {
      throw new IllegalStateException("unknown write " + persistId);
    }
    Entry e = txs.get(w.txId());
    LOG.error("tx={} RTX-1001 log write for {} failed: {}", w.txId(), w.phase(), cause);
    if (w.phase() == Phase.COMMITTING) {
      // No GLOBAL-COMMIT left (they were held back with the write), nor the clients' answers:
      // abort deterministically. Waiting queries are answered once the abort is durable.
      e.clients.addAll(0, e.answeredWithCommit);
      e.answeredWithCommit = List.of();
      e.phase = Phase.WAIT;
      return abort(now, e, Reason.PARTICIPANT_FAILED);
    }
    if (w.phase() == Phase.ABORT) {
      // No GLOBAL-ABORT left either: the resend timer writes the abort again.
      return Step.builder()
          .timer(new Timer(e.id, TimerKind.DECISION_RESEND, now + e.resendBackoff))
          .build();
    }
    if (w.phase() == Phase.ENDING) {
      // END is an optimisation of the log, not a decision: forget the transaction anyway.
      txs.remove(e.id);
    }
    return Step.NONE;
  }

  // ---- events ----

  private Step onVote(long now, Entry e, NodeId from, Vote v) {
    if (!e.votesMissing.remove(from)) {
      return Step.NONE; // duplicate or late vote: never changes a decision
    }
    if (e.phase == Phase.VALIDATING) {
      if (v.vote() == VoteKind.PREPARE_NOTOK) {
        return finish(now, e, TxResult.aborted(e.id, v.reason()));
      }
      return e.votesMissing.isEmpty() ? finish(now, e, TxResult.committed(e.id)) : Step.NONE;
    }
    if (e.phase != Phase.WAIT) {
      return Step.NONE;
    }
    if (v.vote() == VoteKind.PREPARE_NOTOK) {
      e.votedNo.add(from);
      return abort(now, e, v.reason());
    }
    if (!e.votesMissing.isEmpty()) {
      return Step.NONE;
    }
    // Every vote is yes: force COMMIT; GLOBAL-COMMIT leaves only once it is durable.
    observer.phase(e.id, CoordinatorObserver.TxPhase.PREPARE, now - e.phaseStart);
    beginPhase(e, now);
    e.phase = Phase.COMMITTING;
    e.result = TxResult.committed(e.id);
    e.resendBackoff = config.resendInitialMillis();
    Set<NodeId> writers = e.writers();
    e.acksMissing.addAll(writers);
    List<Outbound> after = new ArrayList<>();
    // The client's answer leaves first once COMMIT is durable: each send costs the sender the
    // wake-up of the receiver's core, and the client waits for its answer while nothing waits
    // for the GLOBAL-COMMITs but lock release.
    e.clients.forEach(t -> after.add(new Reply(t, e.result)));
    e.answeredWithCommit = List.copyOf(e.clients);
    e.clients.clear();
    for (NodeId n : e.parts.keySet()) {
      after.add(new Send(n, GlobalDecision.commit(e.id)));
    }
    return persist(
        e.id,
        Phase.COMMITTING,
        WriteSet.forced(new CoordinatorCommit(e.id, List.copyOf(writers), e.digest)),
        after);
  }

  private Step onAck(long now, Entry e, NodeId from, Ack a) {
    if ((e.phase != Phase.COMMIT && e.phase != Phase.ABORT) || !e.acksMissing.remove(from)) {
      return Step.NONE;
    }
    if (!e.acksMissing.isEmpty()) {
      return Step.NONE;
    }
    if (e.decisionDurable) {
      observer.phase(e.id, CoordinatorObserver.TxPhase.ACKNOWLEDGE, now - e.phaseStart);
    }
    return end(e);
  }

  private Step onError(long now, Entry e, NodeId from, Message request, ErrorReply err) {
    LOG.warn("tx={} {} refused {}: {} {}", e.id, from, request.getClass().getSimpleName(),
        err.code(), err.message());
    Reason reason = switch (err.code()) {
      case NOT_OWNER -> Reason.NOT_OWNER;
      // Refused before the shard did anything for it: nothing to undo, and worth a retry.
      case OVERLOADED -> Reason.OVERLOADED;
      default -> Reason.PARTICIPANT_FAILED;
    };
    return switch (e.phase) {
      case WAIT -> abort(now, e, reason);
      case VALIDATING -> finish(now, e, TxResult.aborted(e.id, reason));
      case ONE_PHASE -> err.code() == ErrorReply.Code.INTERNAL
          ? unknown(e)
          : finish(now, e, TxResult.aborted(e.id, reason));
      default -> Step.NONE;
    };
  }

  private Step onStatusQuery(long now, long token, StatusQuery q) {
    Entry e = txs.get(q.txId());
    if (e != null) {
      return switch (e.phase) {
        case WAIT -> {
          // DESIGN §3: a coordinator asked about a transaction in WAIT may abort it at once;
          // the answer leaves once the abort is durable, as the GLOBAL-ABORTs do.
          e.queries.add(token);
          yield abort(now, e, Reason.TIMEOUT);
        }
        case COMMITTING -> {
          // Already forcing COMMIT: answer once the write completes.
          e.queries.add(token);
          yield Step.NONE;
        }
        case COMMIT, ABORT, ENDING -> {
          if (e.decisionDurable) {
            yield reply(token, new StatusReply(e.id, self, stateOf(e.result)));
          }
          e.queries.add(token);
          yield Step.NONE;
        }
        case VALIDATING, ONE_PHASE -> reply(token, new StatusReply(e.id, self, TxState.WAIT));
      };
    }
    Optional<LogRecord> logged = log.txState(q.txId());
    if (logged.isPresent()) {
      return reply(token, new StatusReply(q.txId(), self, stateOf(resultFromLog(logged.get()))));
    }
    // No record: presumed abort (DESIGN §3), this coordinator having lost the transaction in a
    // restart. The answer decides it, so it is forced first: a retried commit of the transaction
    // must then be answered ABORTED, not run again while the asking participant aborts it.
    Map<NodeId, Part> asker = new TreeMap<>();
    asker.put(q.from(), new Part(List.of(), List.of()));
    Entry presumed = new Entry(q.txId(), Phase.ENDING, asker);
    presumed.result = TxResult.aborted(q.txId(), Reason.COORDINATOR_RESTARTED);
    presumed.queries.add(token);
    txs.put(presumed.id, presumed);
    LOG.info("tx={} unknown, presumed aborted", presumed.id);
    return persist(presumed.id, Phase.ENDING, WriteSet.forced(endRecord(presumed)), List.of());
  }

  // ---- transitions ----

  /**
   * WAIT → ABORT: answer the clients now, and tell the shards once the abort is durable. The
   * client may hear first: if this coordinator crashes before the write, no participant has heard
   * of the abort, and running a retried commit again is safe.
   */
  private Step abort(long now, Entry e, Reason reason) {
    if (e.phase == Phase.WAIT && e.result == null) {
      observer.phase(e.id, CoordinatorObserver.TxPhase.PREPARE, now - e.phaseStart);
    }
    beginPhase(e, now);
    e.phase = Phase.ABORT;
    e.result = TxResult.aborted(e.id, reason);
    e.decisionDurable = false;
    e.resendBackoff = config.resendInitialMillis();
    if (reason == Reason.CONFLICT) {
      LOG.debug("tx={} state WAIT→ABORT reason={}", e.id, reason);
    } else {
      LOG.info("tx={} state WAIT→ABORT reason={}", e.id, reason);
    }
    Step.Builder out = Step.builder();
    answerClients(e, out);
    // Shards that voted no have aborted already; every other may hold locks or a PREPARED
    // record. Read-only ones are released by the decision but need not acknowledge.
    Set<NodeId> told = new TreeSet<>(e.parts.keySet());
    told.removeAll(e.votedNo);
    Set<NodeId> mustAck = new TreeSet<>(told);
    e.parts.forEach((n, p) -> {
      if (p.writes().isEmpty()) {
        mustAck.remove(n);
      }
    });
    e.acksMissing.clear();
    e.acksMissing.addAll(mustAck);
    if (e.acksMissing.isEmpty()) {
      // Nothing to wait for: END is the abort record, forced if anyone is to hear of it.
      e.phase = Phase.ENDING;
      List<Outbound> after = new ArrayList<>();
      told.forEach(n -> after.add(new Send(n, GlobalDecision.abort(e.id, reason))));
      boolean forced = !after.isEmpty() || !e.queries.isEmpty();
      CoordinatorEnd end = endRecord(e);
      return out.add(persist(
              e.id,
              Phase.ENDING,
              forced ? WriteSet.forced(end) : WriteSet.lazy(end),
              after))
          .build();
    }
    return out.add(persistAbort(e, told)).build();
  }

  /** Forces the abort record; the GLOBAL-ABORTs to {@code to} leave once it is durable. */
  private Step persistAbort(Entry e, Collection<NodeId> to) {
    List<Outbound> after = new ArrayList<>();
    for (NodeId n : to) {
      after.add(new Send(n, GlobalDecision.abort(e.id, e.result.reason())));
    }
    return persist(
        e.id,
        Phase.ABORT,
        WriteSet.forced(
            new CoordinatorAbort(e.id, e.participants(), e.result.reason(), e.digest)),
        after);
  }

  /** A timed phase of {@code e} begins at {@code now}. */
  private void beginPhase(Entry e, long now) {
    e.phaseStart = now;
    observer.phaseBegins(e.id);
  }

  /** A one-phase or read-only transaction is decided: answer, and keep the result (END). */
  private Step finish(long now, Entry e, TxResult result) {
    observer.phase(e.id,
        e.phase == Phase.VALIDATING
            ? CoordinatorObserver.TxPhase.VALIDATE
            : CoordinatorObserver.TxPhase.ONE_PHASE,
        now - e.phaseStart);
    e.result = result;
    e.decisionDurable = true; // decided by the shard, not by this coordinator
    Step.Builder out = Step.builder();
    answerClients(e, out);
    LOG.debug("tx={} {} {}", e.id, result.outcome(), result.reason() == null ? "" : result.reason());
    if (result.reason() == Reason.ID_REUSED) {
      // The shard holds another transaction under this id: that one's outcome is the id's, and
      // an END here would contradict it. Nothing was applied for this request; nothing is kept.
      txs.remove(e.id);
      return out.build();
    }
    if (e.phase == Phase.VALIDATING) {
      // Nothing was locked or written anywhere, and nothing is kept: a retry of the id is
      // validated again and answered as of then, which is as serializable as the first answer
      // and changes no data either way. Keeping the outcome (a lazy END) cost 16-19% of
      // read-only commits per second (session 23).
      txs.remove(e.id);
      return out.build();
    }
    return out.add(end(e)).build();
  }

  /** The outcome cannot be learned now; the client asks again with GET /v1/txn/{id}. */
  private Step unknown(Entry e) {
    if (!e.answered) {
      e.answered = true;
      observer.answered(new TxResult(e.id, Outcome.UNKNOWN, null));
    }
    Step.Builder out = Step.builder();
    e.clients.forEach(t -> out.send(new Reply(t, new TxResult(e.id, Outcome.UNKNOWN, null))));
    txs.remove(e.id);
    return out.build();
  }

  private Step end(Entry e) {
    e.phase = Phase.ENDING;
    return persist(e.id, Phase.ENDING, WriteSet.lazy(endRecord(e)), List.of());
  }

  private static CoordinatorEnd endRecord(Entry e) {
    Decision d = e.result.outcome() == Outcome.COMMITTED ? Decision.COMMIT : Decision.ABORT;
    return new CoordinatorEnd(e.id, d, e.result.reason(), e.participants(), e.digest);
  }

  private void answerQueries(Entry e, Step.Builder out) {
    StatusReply answer = new StatusReply(e.id, self, stateOf(e.result));
    e.queries.forEach(t -> out.send(new Reply(t, answer)));
    e.queries.clear();
  }

  private Step sendDecision(long now, Entry e, Collection<NodeId> to) {
    Step.Builder out = Step.builder();
    GlobalDecision d =
        e.result.outcome() == Outcome.COMMITTED
            ? GlobalDecision.commit(e.id)
            : GlobalDecision.abort(e.id, e.result.reason());
    for (NodeId n : to) {
      out.send(new Send(n, d));
    }
    out.timer(new Timer(e.id, TimerKind.DECISION_RESEND, now + e.resendBackoff));
    return out.build();
  }

  // ---- helpers ----

  private Map<NodeId, Part> split(List<ReadItem> reads, List<WriteOp> ops) {
    Map<NodeId, List<ReadItem>> r = new TreeMap<>();
    Map<NodeId, List<WriteOp>> w = new TreeMap<>();
    for (ReadItem item : reads) {
      r.computeIfAbsent(router.ownerOf(item.key()), n -> new ArrayList<>()).add(item);
    }
    for (WriteOp op : ops) {
      w.computeIfAbsent(router.ownerOf(op.key()), n -> new ArrayList<>()).add(op);
    }
    Map<NodeId, Part> parts = new TreeMap<>();
    Set<NodeId> nodes = new TreeSet<>(r.keySet());
    nodes.addAll(w.keySet());
    for (NodeId n : nodes) {
      parts.put(n, new Part(r.getOrDefault(n, List.of()), w.getOrDefault(n, List.of())));
    }
    return parts;
  }

  private void answerClients(Entry e, Step.Builder out) {
    if (!e.answered) {
      e.answered = true;
      observer.answered(e.result);
    }
    e.clients.forEach(t -> out.send(new Reply(t, e.result)));
    e.clients.clear();
  }

  private Step persist(TxId id, Phase phase, WriteSet ws, List<Outbound> after) {
    long pid = nextPersistId++;
    writes.put(pid, new PendingWrite(id, phase));
    return Step.builder().persist(new Persist(pid, ws, after)).build();
  }

  private static Step reply(long token, Message m) {
    return Step.builder().send(new Reply(token, m)).build();
  }

  private static TxId txIdOf(Message m) {
    if (m instanceof VoteRequest v) {
      return v.txId();
    } else if (m instanceof ValidateRequest v) {
      return v.txId();
    } else if (m instanceof OnePhaseCommit c) {
      return c.txId();
    } else if (m instanceof GlobalDecision d) {
      return d.txId();
    }
    return null;
  }

  private static TxId txIdOfReply(Message m) {
    if (m instanceof Vote v) {
      return v.txId();
    } else if (m instanceof OnePhaseResult r) {
      return r.txId();
    } else if (m instanceof Ack a) {
      return a.txId();
    }
    return null;
  }

  static TxResult resultFromLog(LogRecord r) {
    if (r instanceof CoordinatorEnd end) {
      return end.decision() == Decision.COMMIT
          ? TxResult.committed(end.txId())
          : TxResult.aborted(end.txId(), end.reason() != null ? end.reason() : Reason.TIMEOUT);
    }
    if (r instanceof CoordinatorCommit c) {
      return TxResult.committed(c.txId());
    }
    if (r instanceof CoordinatorAbort a) {
      return TxResult.aborted(a.txId(), a.reason());
    }
    throw new IllegalStateException("not a coordinator record: " + r);
  }

  /** The digest a coordinator record keeps, or null (a record written before session 25). */
  private static Long digestFromLog(LogRecord r) {
    return r instanceof CoordinatorRecord c ? c.digest() : null;
  }

  private static List<NodeId> participantsFromLog(LogRecord r) {
    return r instanceof CoordinatorRecord c ? c.participants() : List.of();
  }

  private static TxState stateOf(TxResult r) {
    return r.outcome() == Outcome.COMMITTED ? TxState.COMMIT : TxState.ABORT;
  }

  // ---- introspection ----

  /** What this coordinator knows of {@code id}, from memory or from its log. */
  public Optional<Known> known(TxId id) {
    Entry e = txs.get(id);
    if (e != null) {
      TxResult r =
          e.result != null && e.phase != Phase.COMMITTING
              ? e.result
              : new TxResult(id, Outcome.UNKNOWN, null);
      return Optional.of(new Known(r, e.participants()));
    }
    return log.txState(id).map(rec -> new Known(resultFromLog(rec), participantsFromLog(rec)));
  }

  /** Number of transactions in memory (undecided, or decided and not yet acknowledged). */
  public int activeCount() {
    return txs.size();
  }

  /** Transactions held in memory (undecided, or decided and not yet ended). */
  public Set<TxId> active() {
    return new TreeSet<>(txs.keySet());
  }

  /**
   * Where {@code id} stands in memory, for operators: VALIDATING, ONE_PHASE, WAIT, COMMITTING,
   * COMMIT, ABORT or ENDING; empty if it is not in memory.
   */
  public Optional<String> phase(TxId id) {
    Entry e = txs.get(id);
    return e == null ? Optional.empty() : Optional.of(e.phase.name());
  }

  /** The participants of {@code id} in memory that have not acknowledged its decision yet. */
  public Set<NodeId> acksMissing(TxId id) {
    Entry e = txs.get(id);
    return e == null ? Set.of() : Set.copyOf(e.acksMissing);
  }

  /** The participants of {@code id} in memory; empty if it is not in memory. */
  public List<NodeId> participantsOf(TxId id) {
    Entry e = txs.get(id);
    return e == null ? List.of() : e.participants();
  }

  /** Transactions decided and still waiting for acknowledgements. */
  public Set<TxId> awaitingAcks() {
    Set<TxId> out = new TreeSet<>();
    txs.values().stream()
        .filter(e -> e.phase == Phase.COMMIT || e.phase == Phase.ABORT)
        .forEach(e -> out.add(e.id));
    return out;
  }
}
