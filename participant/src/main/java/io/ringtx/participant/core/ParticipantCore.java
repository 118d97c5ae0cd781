package io.ringtx.participant.core;

import io.ringtx.protocol.api.TxRequestParser;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogRecord;
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
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.step.DataView;
import io.ringtx.protocol.step.DataWrite;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant ("worker") side of two-phase commit for one shard (DESIGN §3): INIT → READY →
 * COMMIT | ABORT, or INIT → ABORT. It takes locks, validates read versions, resolves writes, and
 * asks for PREPARED, COMMITTED and ABORTED records to be written; a VOTE-COMMIT only ever leaves
 * in the after-persist list of the forced PREPARED write.
 *
 * <p>Transactions with a write in flight or awaiting a decision live in memory; decided ones are
 * answered from the log (the store's latest record per transaction), so duplicated and late
 * messages get the answer the first one got and never change a decision.
 */
public final class ParticipantCore implements StateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(ParticipantCore.class);

  /** Read access to the latest durable record of each transaction. */
  public interface LogView {
    Optional<LogRecord> txState(TxId txId);
  }

  /** Where a transaction held in memory stands. */
  enum Phase {
    /** Locks taken, PREPARED being forced (the lecture's INIT, about to become READY). */
    PREPARING,
    /** PREPARED durable, VOTE-COMMIT sent, waiting for the decision. */
    READY,
    /** Read-only at this shard: shared locks held, nothing logged, waiting for the decision. */
    READY_READ_ONLY,
    /** GLOBAL-COMMIT received, COMMITTED and the data being written. */
    COMMITTING,
    /**
     * COMMITTED and the data written and applied, the locks released; the acknowledgement waits
     * for the record to be durable (usually with the next forced write).
     */
    COMMITTED,
    /** Aborted, the ABORTED record being written. */
    ABORTING,
    /** A one-phase commit being forced. */
    ONE_PHASE
  }

  /**
   * A request waiting for a transaction that is applying its decision, or a read waiting for the
   * decision of a prepared writer of its key.
   */
  private record Parked(long token, NodeId from, Message request) {}

  /** What a write in flight was for. */
  private record PendingWrite(TxId txId, Phase phase) {}

  /** A transaction held in memory. */
  static final class Entry {
    final TxId id;
    Phase phase;
    NodeId coordinator;
    Prepared prepared;
    Reason abortReason;
    /** A one-phase commit's {@link TxDigest}, to tell a retry from another transaction. */
    long onePhaseDigest;
    /** Decision that arrived while PREPARED was still being forced. */
    GlobalDecision pendingDecision;
    /** The request whose answer is held in the after-persist list of the write in flight. */
    long prepareToken;
    /** Requests answered once the write in flight completes (duplicates, acks). */
    final List<Long> waiting = new ArrayList<>(1);
    /**
     * Decision requests that arrived while PREPARED was being forced. Kept apart from {@link
     * #waiting} (duplicate VOTE-REQs, answered with the vote) because they are answered with an
     * Ack once the decision is applied.
     */
    final List<Long> decisionWaiting = new ArrayList<>(0);
    /** Duplicates of a refused one-phase commit, answered once its ABORTED record is durable. */
    final List<Long> onePhaseWaiting = new ArrayList<>(0);
    long queryBackoff;
    /** The other shards that write this transaction: asked when the coordinator is silent. */
    List<NodeId> peers = List.of();
    /** What each peer answered to the last termination query. */
    final Map<NodeId, TxState> peerStates = new HashMap<>();
    /** Every peer READY and the coordinator silent: the outcome cannot be known yet. */
    boolean blocked;
    /** The operator who took a heuristic decision being written; null for the protocol's. */
    String heuristicBy;
    /** COMMITTED only: the write that makes the record durable is in flight. */
    boolean syncing;
    /** When it became READY (PREPARED durable, or found in the log at a restart). */
    long readySince;

    Entry(TxId id, Phase phase) {
      this.id = id;
      this.phase = phase;
    }
  }

  private final NodeId self;
  private final DataView data;
  private final LogView log;
  private final ParticipantConfig config;
  private final LockTable locks = new LockTable();
  private final Map<TxId, Entry> txs = new HashMap<>();
  private final Map<Long, PendingWrite> writes = new HashMap<>();
  private final Map<TxId, List<Parked>> parked = new HashMap<>();
  /** HEURISTIC_MISMATCH writes in flight, by persist id; the acks wait for them. */
  private final Map<Long, HeuristicMismatch> mismatchWrites = new HashMap<>();
  /** Decision requests answered once the transaction's HEURISTIC_MISMATCH is durable. */
  private final Map<TxId, List<Long>> mismatchWaiting = new HashMap<>();
  private long heuristicDecisions;
  private long heuristicMismatches;
  private long lastVersion;
  private long nextPersistId = 1;
  /** Requests in {@link #parked}, over every blocker. */
  private int parkedCount;
  /** Counters for metrics; they never influence a decision. */
  private long lockConflicts;
  private long overloadRefusals;
  private long inDoubtReads;

  /**
   * @param lastVersion the highest data version in the store; new versions are above it, so a
   *     version identifies one committed state of a key across deletes and re-creates
   */
  public ParticipantCore(
      NodeId self, DataView data, LogView log, long lastVersion, ParticipantConfig config) {
    this.self = self;
    this.data = data;
    this.log = log;
    this.lastVersion = lastVersion;
    this.config = config;
  }

  public NodeId self() {
    return self;
  }

  /**
   * Restores the state found in the log (DESIGN §3 recovery table): a PREPARED transaction is
   * READY again with its locks re-taken and asks for its decision at once; COMMITTED and ABORTED
   * ones are answered from the log; anything else never happened (presumed abort).
   */
  public Step recover(long now, Collection<Prepared> prepared) {
    Step.Builder out = Step.builder();
    for (Prepared p : prepared) {
      if (txs.containsKey(p.txId())) {
        continue;
      }
      List<String> writeKeys = p.writes().stream().map(KeyWrite::key).toList();
      if (!lockAll(p.txId(), p.readKeys(), writeKeys)) {
        throw new IllegalStateException(
            "tx=" + p.txId() + " recovered PREPARED conflicts with another prepared transaction");
      }
      Entry e = new Entry(p.txId(), Phase.READY);
      e.coordinator = p.coordinator();
      e.peers = peersOf(p.participants());
      e.prepared = p;
      e.queryBackoff = config.readyTimeoutMillis();
      e.readySince = now;
      txs.put(p.txId(), e);
      LOG.info("tx={} recovered READY, asking coordinator {}", p.txId(), p.coordinator());
      out.timer(new Timer(p.txId(), TimerKind.READY_TIMEOUT, now));
    }
    return out.build();
  }

  @Override
  public Step onRequest(long now, long token, NodeId from, Message request) {
    TxId blocker = committingBlocker(request);
    if (blocker == null && request instanceof ReadRequest r) {
      Entry writer = preparedWriter(r.key());
      if (writer != null && now - writer.readySince >= config.readyTimeoutMillis()) {
        inDoubtReads++;
        return reply(token, inDoubt(now, r.key(), writer));
      }
      blocker = writer == null ? null : writer.id;
    }
    if (blocker != null) {
      // The holder is applying its decision (only a disk write remains), or is a prepared writer
      // of the key read (its decision is due). Neither waits for anything here, so waiting
      // cannot deadlock, and the client that was told COMMITTED will see its writes.
      if (overloaded(request)) {
        return refuseOverloaded(token, request);
      }
      parked.computeIfAbsent(blocker, t -> new ArrayList<>()).add(new Parked(token, from, request));
      parkedCount++;
      return Step.NONE;
    }
    if (overloaded(request)) {
      return refuseOverloaded(token, request);
    }
    if (request instanceof ReadRequest r) {
      return onRead(token, r);
    } else if (request instanceof ValidateRequest v) {
      return onValidate(token, v);
    } else if (request instanceof VoteRequest v) {
      return onVoteRequest(now, token, v);
    } else if (request instanceof OnePhaseCommit c) {
      return onOnePhase(token, c);
    } else if (request instanceof GlobalDecision d) {
      return onDecision(now, from, token, d);
    } else if (request instanceof StatusQuery q) {
      return onStatusQuery(token, q);
    } else if (request instanceof InDoubtQuery) {
      return reply(token, new InDoubtReply(self, List.copyOf(inDoubt()), List.copyOf(blocked())));
    }
    return reply(
        token,
        new ErrorReply(
            ErrorReply.Code.BAD_REQUEST,
            "a participant does not serve " + request.getClass().getSimpleName()));
  }

  @Override
  public Step onReply(long now, NodeId from, Message request, Message reply) {
    if (!(reply instanceof StatusReply s)) {
      return Step.NONE;
    }
    Entry e = txs.get(s.txId());
    if (e == null || (e.phase != Phase.READY && e.phase != Phase.READY_READ_ONLY)) {
      return Step.NONE;
    }
    if (s.state().isDecided()) {
      // DESIGN §3 cooperative termination: a decided peer (or the coordinator) settles it.
      Decision d = s.state() == TxState.COMMIT ? Decision.COMMIT : Decision.ABORT;
      LOG.info("tx={} learned {} from {}", e.id, d, from);
      return decide(e, new GlobalDecision(e.id, d, d == Decision.ABORT ? Reason.TIMEOUT : null));
    }
    if (e.peers.contains(from)) {
      e.peerStates.put(from, s.state());
      if (!e.blocked
          && e.peerStates.keySet().containsAll(e.peers)
          && e.peerStates.values().stream().allMatch(st -> st == TxState.READY)) {
        // Every peer READY: the outcome is unknowable until the coordinator answers. Say so
        // once, keep the locks, keep asking (DESIGN §3: never silently resolved).
        e.blocked = true;
        LOG.warn("tx={} RTX-2003 participant {} blocked: all peers {} READY, coordinator {} "
            + "unreachable", e.id, self, e.peers, e.coordinator);
      }
    }
    return Step.NONE;
  }

  @Override
  public Step onSendFailed(long now, NodeId to, Message request) {
    if (!(request instanceof StatusQuery q) || q.abortIfUnknown()) {
      return Step.NONE; // the READY timer asks again
    }
    Entry e = txs.get(q.txId());
    if (e == null || (e.phase != Phase.READY && e.phase != Phase.READY_READ_ONLY)
        || !to.equals(e.coordinator)) {
      return Step.NONE;
    }
    // DESIGN §3: the coordinator does not answer, so ask the other participants. One that never
    // prepared records ABORTED before answering, so a late prepare there is refused.
    Step.Builder out = Step.builder();
    e.peerStates.clear();
    for (NodeId peer : e.peers) {
      out.send(new Send(peer, new StatusQuery(e.id, self, true)));
    }
    if (!e.peers.isEmpty()) {
      LOG.debug("tx={} coordinator {} silent, asking peers {}", e.id, e.coordinator, e.peers);
    }
    return out.build();
  }

  private List<NodeId> peersOf(List<NodeId> participants) {
    return participants.stream().filter(n -> !n.equals(self)).toList();
  }

  @Override
  public Step onTimer(long now, Timer timer) {
    if (timer.kind() != TimerKind.READY_TIMEOUT) {
      return Step.NONE;
    }
    Entry e = txs.get(timer.txId());
    if (e == null || (e.phase != Phase.READY && e.phase != Phase.READY_READ_ONLY)) {
      return Step.NONE;
    }
    // Termination protocol, first step: ask the coordinator (DESIGN §3).
    LOG.debug("tx={} READY without decision, asking coordinator {}", e.id, e.coordinator);
    e.queryBackoff = Math.min(e.queryBackoff * 2, config.maxQueryBackoffMillis());
    return Step.builder()
        .send(new Send(e.coordinator, new StatusQuery(e.id, self, false)))
        .timer(new Timer(e.id, TimerKind.READY_TIMEOUT, now + e.queryBackoff))
        .add(unpark(now, e.id)) // reads that waited for its decision: answered IN_DOUBT now
        .build();
  }

  @Override
  public Step onPersisted(long now, long persistId) {
    HeuristicMismatch mismatch = mismatchWrites.remove(persistId);
    if (mismatch != null) {
      heuristicMismatches++;
      // Acknowledged with the coordinator's decision: it may finish (END) the transaction.
      Ack ack = new Ack(mismatch.txId(), self, mismatch.coordinatorDecision());
      Step.Builder acks = Step.builder();
      mismatchWaiting.remove(mismatch.txId()).forEach(t -> acks.send(new Reply(t, ack)));
      return acks.build();
    }
    PendingWrite w = writes.remove(persistId);
    if (w == null) {
      throw new IllegalStateException("unknown write " + persistId);
    }
    Entry e = txs.get(w.txId());
    Step.Builder out = Step.builder();
    switch (w.phase()) {
      case PREPARING -> {
        e.phase = Phase.READY;
        e.queryBackoff = config.readyTimeoutMillis();
        e.readySince = now;
        LOG.debug("tx={} state INIT→READY", e.id);
        for (long t : e.waiting) {
          out.send(new Reply(t, Vote.ok(e.id, self)));
        }
        e.waiting.clear();
        out.timer(new Timer(e.id, TimerKind.READY_TIMEOUT, now + config.readyTimeoutMillis()));
        if (e.pendingDecision != null) {
          GlobalDecision d = e.pendingDecision;
          e.pendingDecision = null;
          e.waiting.addAll(e.decisionWaiting);
          e.decisionWaiting.clear();
          out.add(decide(e, d));
        }
      }
      case COMMITTING -> {
        if (e.heuristicBy != null) {
          // An operator's commit is forced in one write, and answered now (below).
          out.add(committed(now, e, Phase.COMMITTING));
        } else {
          // The data is visible, and any later write on these keys follows the record in the
          // log: the locks go now. The ack waits until the record is durable.
          e.phase = Phase.COMMITTED;
          out.add(syncCommitted(e));
          out.add(release(now, e.id));
        }
      }
      case COMMITTED -> out.add(committed(now, e, Phase.COMMITTED));
      case ONE_PHASE -> out.add(committed(now, e, Phase.ONE_PHASE));
      case ABORTING -> {
        // ABORTED is written: a later write on these keys now follows it in the log.
        txs.remove(e.id);
        countHeuristic(e);
        out.add(release(now, e.id));
        e.waiting.forEach(t -> out.send(new Reply(t, new Ack(e.id, self, Decision.ABORT))));
        OnePhaseResult refused = new OnePhaseResult(e.id, self, Decision.ABORT, e.abortReason);
        e.onePhaseWaiting.forEach(t -> out.send(new Reply(t, refused)));
      }
      default -> throw new IllegalStateException("no write is made in phase " + w.phase());
    }
    return out.build();
  }

  /**
   * The commit of {@code e} is durable ({@code phase}: how it was written): answers the requests
   * waiting for it and forgets the transaction, which the log answers from now on. A commit
   * forced in one write releases its locks here.
   */
  private Step committed(long now, Entry e, Phase phase) {
    txs.remove(e.id);
    countHeuristic(e);
    Step.Builder out = Step.builder();
    if (phase != Phase.COMMITTED) {
      out.add(release(now, e.id));
    }
    Message answer =
        phase == Phase.ONE_PHASE
            ? new OnePhaseResult(e.id, self, Decision.COMMIT, null)
            : new Ack(e.id, self, Decision.COMMIT);
    e.waiting.forEach(t -> out.send(new Reply(t, answer)));
    LOG.debug("tx={} state →COMMIT", e.id);
    return out.build();
  }

  /**
   * Asks for the COMMITTED record of {@code e}, written lazily, to be made durable: the
   * acknowledgement waits for it, since once acknowledged the coordinator may forget the
   * transaction and a lost record could no longer be recovered (DESIGN §3). Nothing else waits:
   * a crash before it leaves the transaction READY after the restart, with its locks, to commit
   * the same writes again when the coordinator answers; and every later forced write here (the
   * next PREPARED, usually) makes it durable, as the log is one sequence.
   */
  private Step syncCommitted(Entry e) {
    e.syncing = true;
    return persist(e.id, Phase.COMMITTED, WriteSet.syncBarrier(), List.of());
  }

  @Override
  public Step onPersistFailed(long now, long persistId, String cause) {
    HeuristicMismatch mismatch = mismatchWrites.remove(persistId);
    if (mismatch != null) {
      // No ack: the coordinator resends its decision, which tries the record again.
      mismatchWaiting.remove(mismatch.txId());
      LOG.error("tx={} RTX-2001 log write for HEURISTIC_MISMATCH failed: {}", mismatch.txId(),
          cause);
      return Step.NONE;
    }
    PendingWrite w = writes.remove(persistId);
    if (w == null) {
      throw new IllegalStateException("unknown write " + persistId);
    }
    Entry e = txs.get(w.txId());
    LOG.error("tx={} RTX-2001 log write for {} failed: {}", w.txId(), w.phase(), cause);
    Step.Builder out = Step.builder();
    switch (w.phase()) {
      case PREPARING -> {
        // DESIGN §3: no VOTE-COMMIT unless PREPARED is durable; the vote held back is dropped.
        locks.releaseAll(e.id);
        txs.remove(e.id);
        Vote no = Vote.no(e.id, self, Reason.PARTICIPANT_FAILED);
        e.waiting.forEach(t -> out.send(new Reply(t, no)));
        out.send(new Reply(e.prepareToken, no));
        if (e.pendingDecision != null && e.pendingDecision.decision() == Decision.ABORT) {
          // Never prepared here: the abort holds (presumed abort) and is acknowledged.
          e.decisionWaiting.forEach(t -> out.send(new Reply(t, new Ack(e.id, self, Decision.ABORT))));
        }
      }
      case COMMITTING -> {
        // The decision stands; stay READY with the locks so that the coordinator's resend of
        // the decision retries the write. Acks are not sent: the coordinator resends. A failed
        // heuristic write leaves no heuristic decision: the operator is not answered and may
        // try again.
        e.phase = Phase.READY;
        e.heuristicBy = null;
        e.waiting.clear();
        out.add(unpark(now, e.id));
      }
      case COMMITTED -> {
        // The record may not be durable: no ack. The coordinator resends its decision, which
        // asks for the record to be made durable again (the store has failed, so most likely
        // in vain; the coordinator keeps the transaction meanwhile).
        e.syncing = false;
        e.waiting.clear();
      }
      case ABORTING -> {
        if (e.prepared != null) {
          // PREPARED is still this transaction's last record: stay READY with the locks, and do
          // not acknowledge, so that the coordinator's resend of the decision (or the READY
          // timer's query) retries the write, as for a failed COMMITTED write.
          e.phase = Phase.READY;
          e.heuristicBy = null;
          e.waiting.clear();
          out.timer(new Timer(e.id, TimerKind.READY_TIMEOUT, now + config.readyTimeoutMillis()));
          out.add(unpark(now, e.id));
        } else {
          // Presumed abort: nothing was prepared here, so losing the ABORTED record is harmless.
          txs.remove(e.id);
          e.waiting.forEach(t -> out.send(new Reply(t, new Ack(e.id, self, Decision.ABORT))));
        }
      }
      case ONE_PHASE -> {
        // The write may or may not have reached the disk: the outcome is not known here.
        txs.remove(e.id);
        out.add(release(now, e.id));
        ErrorReply err =
            new ErrorReply(ErrorReply.Code.INTERNAL, "log write failed, outcome unknown: " + cause);
        e.waiting.forEach(t -> out.send(new Reply(t, err)));
        out.send(new Reply(e.prepareToken, err));
      }
      default -> throw new IllegalStateException("no write is made in phase " + w.phase());
    }
    return out.build();
  }

  // ---- requests ----

  private Step onRead(long token, ReadRequest r) {
    if (!config.owns().test(r.key())) {
      return reply(token, notOwner(r.key()));
    }
    var v = data.read(r.key());
    return reply(token, new ReadReply(r.key(), v.value(), v.version()));
  }

  private Step onValidate(long token, ValidateRequest v) {
    Reason bad = checkReads(v.txId(), v.reads());
    if (bad == Reason.CONFLICT) {
      lockConflicts++;
    }
    return reply(token, bad == null ? Vote.readOnly(v.txId(), self) : Vote.no(v.txId(), self, bad));
  }

  private Step onVoteRequest(long now, long token, VoteRequest v) {
    TxId id = v.txId();
    Entry e = txs.get(id);
    if (e != null && e.coordinator != null && !e.coordinator.equals(v.coordinator())) {
      return foreignPrepare(token, v, e.coordinator);
    }
    if (e != null) {
      return switch (e.phase) {
        case PREPARING -> {
          e.waiting.add(token);
          yield Step.NONE;
        }
        case READY, COMMITTING, COMMITTED -> reply(token, Vote.ok(id, self));
        case READY_READ_ONLY -> reply(token, Vote.readOnly(id, self));
        case ABORTING -> reply(token, Vote.no(id, self, e.abortReason));
        case ONE_PHASE -> reply(token, Vote.no(id, self, Reason.INVALID));
      };
    }
    Optional<LogRecord> known = log.txState(id);
    if (known.isPresent()) {
      if (known.get() instanceof Prepared p && !p.coordinator().equals(v.coordinator())) {
        return foreignPrepare(token, v, p.coordinator());
      }
      return reply(token, voteFromLog(id, known.get()));
    }
    Set<String> readKeys = keysOf(v.reads());
    Set<String> writeKeys = new LinkedHashSet<>();
    v.writes().forEach(w -> writeKeys.add(w.key()));
    String foreign = firstNotOwned(readKeys, writeKeys);
    if (foreign != null) {
      return reply(token, Vote.no(id, self, Reason.NOT_OWNER));
    }
    if (!lockAll(id, readKeys, writeKeys)) {
      return refuse(id, Reason.CONFLICT, token, Vote.no(id, self, Reason.CONFLICT));
    }
    Reason bad = checkReads(id, v.reads());
    if (bad != null) {
      locks.releaseAll(id);
      return refuse(id, bad, token, Vote.no(id, self, bad));
    }
    if (v.readOnly()) {
      // Read-only optimisation: shared locks held until the decision, nothing logged.
      Entry ro = new Entry(id, Phase.READY_READ_ONLY);
      ro.coordinator = v.coordinator();
      ro.peers = peersOf(v.participants());
      ro.queryBackoff = config.readyTimeoutMillis();
      txs.put(id, ro);
      return Step.builder()
          .send(new Reply(token, Vote.readOnly(id, self)))
          .timer(new Timer(id, TimerKind.READY_TIMEOUT, now + config.readyTimeoutMillis()))
          .build();
    }
    List<KeyWrite> resolved = resolve(v.writes());
    if (tooLarge(id, resolved)) {
      locks.releaseAll(id);
      return refuse(id, Reason.INVALID, token, Vote.no(id, self, Reason.INVALID));
    }
    Prepared p =
        new Prepared(
            id,
            v.coordinator(),
            v.participants(),
            List.copyOf(readKeys),
            resolved);
    Entry prep = new Entry(id, Phase.PREPARING);
    prep.coordinator = v.coordinator();
    prep.peers = peersOf(v.participants());
    prep.prepared = p;
    prep.prepareToken = token;
    txs.put(id, prep);
    // DESIGN §3: VOTE-COMMIT only after PREPARED is durable.
    return persist(id, Phase.PREPARING, WriteSet.forced(p), List.of(new Reply(token, Vote.ok(id, self))));
  }

  /**
   * A prepare for a transaction this participant holds for another coordinator: a client used
   * one id at two coordinators (DESIGN §2 asks it not to). Voting yes would let the second
   * coordinator commit a transaction whose writes here are the first one's, and so apply it only
   * in part; the vote is no, and nothing of the first transaction changes.
   */
  private Step foreignPrepare(long token, VoteRequest v, NodeId owner) {
    LOG.warn("tx={} RTX-2009 VOTE-REQ from coordinator {} for a transaction of coordinator {}: "
        + "one id used at two coordinators; voting no", v.txId(), v.coordinator(), owner);
    return reply(token, Vote.no(v.txId(), self, Reason.INVALID));
  }

  private Step onOnePhase(long token, OnePhaseCommit c) {
    TxId id = c.txId();
    long digest = TxDigest.of(c.reads(), c.writes());
    Entry e = txs.get(id);
    if (e != null) {
      if (e.phase == Phase.ONE_PHASE) {
        if (e.onePhaseDigest != digest) {
          return idReused(token, id, "is being committed");
        }
        e.waiting.add(token);
        return Step.NONE;
      }
      if (e.phase == Phase.ABORTING) {
        // Answered with the first request, once ABORTED is durable.
        e.onePhaseWaiting.add(token);
        return Step.NONE;
      }
      return reply(token, new OnePhaseResult(id, self, Decision.ABORT, Reason.INVALID));
    }
    Optional<LogRecord> known = log.txState(id);
    if (known.isPresent()) {
      if (known.get() instanceof Committed done && done.digest() != null
          && done.digest() != digest) {
        return idReused(token, id, "was committed");
      }
      return reply(token, onePhaseFromLog(id, known.get()));
    }
    Set<String> readKeys = keysOf(c.reads());
    Set<String> writeKeys = new LinkedHashSet<>();
    c.writes().forEach(w -> writeKeys.add(w.key()));
    if (firstNotOwned(readKeys, writeKeys) != null) {
      return refuseOnePhase(id, Reason.NOT_OWNER, token);
    }
    if (!lockAll(id, readKeys, writeKeys)) {
      return refuseOnePhase(id, Reason.CONFLICT, token);
    }
    Reason bad = checkReads(id, c.reads());
    if (bad != null) {
      locks.releaseAll(id);
      return refuseOnePhase(id, bad, token);
    }
    List<KeyWrite> resolved = resolve(c.writes());
    if (tooLarge(id, resolved)) {
      locks.releaseAll(id);
      return refuseOnePhase(id, Reason.INVALID, token);
    }
    long version = ++lastVersion;
    Entry one = new Entry(id, Phase.ONE_PHASE);
    one.onePhaseDigest = digest;
    one.coordinator = c.coordinator();
    one.prepareToken = token;
    txs.put(id, one);
    // DESIGN §3 step 1: validate, log and apply in one forced write. The record need not repeat
    // the writes, as after a prepare: the data goes in the same batch, and nothing reads them
    // back from the log (the outcome is what a re-send or a query asks for). Leaving them out
    // keeps the value bytes out of the log (once in the write-ahead log, once in the data).
    WriteSet ws = WriteSet.forced(
        List.of(new Committed(id, version, List.of(), digest)), dataWrites(resolved, version));
    return persist(
        id,
        Phase.ONE_PHASE,
        ws,
        List.of(new Reply(token, new OnePhaseResult(id, self, Decision.COMMIT, null))));
  }

  /**
   * Refuses a one-phase commit whose id names another transaction here ({@code what}: is being
   * committed, was committed) with other reads or writes: answering it from the first one would
   * tell its client that writes never applied were committed. Nothing changes.
   */
  private Step idReused(long token, TxId id, String what) {
    LOG.warn("tx={} RTX-2010 a one-phase commit with other reads or writes than the transaction"
        + " of this id, which {}: refused ID_REUSED, nothing applied", id, what);
    return reply(token, new OnePhaseResult(id, self, Decision.ABORT, Reason.ID_REUSED));
  }

  private Step onDecision(long now, NodeId from, long token, GlobalDecision d) {
    TxId id = d.txId();
    Entry e = txs.get(id);
    if (e != null && e.coordinator != null && !e.coordinator.equals(from)
        && e.phase != Phase.ONE_PHASE) {
      // The other coordinator of an id used at two (see foreignPrepare): it can only be aborting
      // (this participant voted no to it), and has nothing here to abort. Its abort is
      // acknowledged, so that it ends, and changes nothing of this coordinator's transaction.
      LOG.warn("tx={} RTX-2009 GLOBAL-{} from {} for a transaction of coordinator {}: ignored",
          id, d.decision(), from, e.coordinator);
      return reply(token, new Ack(id, self, Decision.ABORT));
    }
    if (e == null) {
      Optional<LogRecord> known = log.txState(id);
      if (known.isPresent()) {
        Decision logged = decisionFromLog(known.get());
        if (known.get() instanceof HeuristicCommitted || known.get() instanceof HeuristicAborted
            || known.get() instanceof HeuristicMismatch) {
          return onDecisionAfterHeuristic(now, from, token, d, known.get());
        }
        if (logged != null && logged != d.decision()) {
          LOG.error(
              "tx={} RTX-2002 received GLOBAL-{} but the log says {}", id, d.decision(), logged);
        }
        return reply(token, new Ack(id, self, logged != null ? logged : d.decision()));
      }
      if (d.decision() == Decision.ABORT) {
        // Never prepared here: remember the abort so that a late prepare is refused.
        return abortUnknown(id, reasonOr(d), token);
      }
      // A commit for a transaction with no record: this shard was read-only and has since
      // restarted (its shared locks went with it). Nothing to apply.
      return reply(token, new Ack(id, self, Decision.COMMIT));
    }
    return switch (e.phase) {
      case PREPARING -> {
        e.pendingDecision = d;
        e.decisionWaiting.add(token);
        yield Step.NONE;
      }
      case READY, READY_READ_ONLY -> {
        e.waiting.add(token);
        yield decide(e, d);
      }
      case COMMITTED -> {
        if (d.decision() != Decision.COMMIT) {
          LOG.error("tx={} RTX-2002 received GLOBAL-{} while COMMITTED", id, d.decision());
        }
        e.waiting.add(token);
        yield e.syncing ? Step.NONE : syncCommitted(e);
      }
      case COMMITTING, ABORTING -> {
        Decision current = e.phase == Phase.COMMITTING ? Decision.COMMIT : Decision.ABORT;
        if (e.heuristicBy != null) {
          // A heuristic decision is being written: answered once it is durable, from the log,
          // where a contrary decision is then recorded as a mismatch.
          parked.computeIfAbsent(id, t -> new ArrayList<>()).add(new Parked(token, from, d));
          yield Step.NONE;
        }
        if (current != d.decision()) {
          LOG.error("tx={} RTX-2002 received GLOBAL-{} while {}", id, d.decision(), e.phase);
        }
        e.waiting.add(token);
        yield Step.NONE;
      }
      case ONE_PHASE -> reply(
          token,
          new ErrorReply(ErrorReply.Code.BAD_REQUEST, "tx " + id + " is a one-phase commit"));
    };
  }

  private Step onStatusQuery(long token, StatusQuery q) {
    TxId id = q.txId();
    Entry e = txs.get(id);
    if (e != null) {
      TxState s =
          switch (e.phase) {
            case PREPARING, READY, READY_READ_ONLY -> TxState.READY;
            case COMMITTING, COMMITTED -> TxState.COMMIT;
            case ABORTING -> TxState.ABORT;
            case ONE_PHASE -> TxState.INIT;
          };
      return reply(token, new StatusReply(id, self, s));
    }
    Optional<LogRecord> known = log.txState(id);
    if (known.isPresent()) {
      return reply(token, new StatusReply(id, self, stateFromLog(known.get())));
    }
    if (q.abortIfUnknown()) {
      // Cooperative termination: a peer in INIT records ABORTED before answering, forced, so
      // that it votes no if the prepare arrives late, even after a crash (DESIGN §3).
      return abortForTermination(id, token);
    }
    return reply(token, new StatusReply(id, self, TxState.UNKNOWN));
  }

  // ---- operator decisions (ringtx recovery resolve) ----

  /**
   * An operator's decision for {@code id}, answered through {@code token} with an {@link Ack}
   * once it is durable, or at once with an {@link ErrorReply} (REFUSED) saying why it was
   * refused; nothing changes then.
   *
   * <p>Without {@code heuristic} it is the protocol's own decision, learned by the operator's
   * tool from another node: applied as a GLOBAL decision would be. A transaction this shard
   * never prepared can only be aborted, and the ABORTED record is then forced, as for a peer's
   * termination query, so that a late prepare is refused even after a crash.
   *
   * <p>With {@code heuristic} the transaction must be READY here (its caller checked that every
   * peer is READY and the coordinator unreachable): the decision is written as
   * HEURISTIC_COMMITTED (with the data) or HEURISTIC_ABORTED, forced, with the operator and the
   * time, and the locks are released once it is durable. A decision already taken here is
   * accepted again if it is the same, and refused if it is contrary.
   */
  public Step onOperatorDecision(
      long now, long token, TxId id, Decision decision, String operator, boolean heuristic) {
    Entry e = txs.get(id);
    if (e == null) {
      Optional<LogRecord> known = log.txState(id);
      if (known.isPresent() && !(known.get() instanceof Prepared)) {
        Decision logged = decisionFromLog(known.get());
        if (logged == decision) {
          return reply(token, new Ack(id, self, logged));
        }
        return reply(token, refusal("tx " + id + " is already " + stateFromLog(known.get())
            + " at " + self + " (" + typeName(known.get()) + " in its log); refusing "
            + decision));
      }
      if (decision == Decision.COMMIT) {
        return reply(token, refusal("tx " + id + " was never prepared at " + self
            + ": it cannot commit here"));
      }
      if (heuristic) {
        return reply(token, refusal("tx " + id + " is not in doubt at " + self
            + " (never prepared here): it aborts without a heuristic decision"));
      }
      LOG.info("tx={} operator {} aborts it: never prepared here", id, operator);
      return recordAbort(id, Reason.TIMEOUT, true,
          List.of(new Reply(token, new Ack(id, self, Decision.ABORT))));
    }
    if (e.phase != Phase.READY) {
      return reply(token, refusal("tx " + id + " is " + e.phase + " at " + self
          + ", not READY: it is being decided already; ask again in a moment"));
    }
    if (!heuristic) {
      LOG.info("tx={} operator {} finishes it with {} learned from the cluster", id, operator,
          decision);
      e.waiting.add(token);
      return decide(e, new GlobalDecision(id, decision,
          decision == Decision.ABORT ? Reason.TIMEOUT : null));
    }
    // A heuristic decision: the coordinator's may differ. Logged loudly and forced, so that a
    // later contrary decision can be recognised as a mismatch rather than applied.
    LOG.warn("tx={} RTX-2005 HEURISTIC {} at {} by operator {}: every participant READY and "
        + "coordinator {} unreachable; the coordinator's decision may differ", id, decision,
        self, operator, e.coordinator);
    e.heuristicBy = operator;
    Reply answer = new Reply(token, new Ack(id, self, decision));
    if (decision == Decision.COMMIT) {
      long version = ++lastVersion;
      e.phase = Phase.COMMITTING;
      WriteSet ws = WriteSet.forced(List.of(new HeuristicCommitted(id, version, operator, now)),
          dataWrites(e.prepared.writes(), version));
      return persist(id, Phase.COMMITTING, ws, List.of(answer));
    }
    e.phase = Phase.ABORTING;
    e.abortReason = Reason.TIMEOUT;
    return persist(id, Phase.ABORTING, WriteSet.forced(new HeuristicAborted(id, operator, now)),
        List.of(answer));
  }

  /**
   * The coordinator's decision for a transaction an operator decided heuristically here. The
   * same decision is acknowledged. A contrary one is a heuristic mismatch: reported loudly
   * (RTX-2006, a metric) and recorded (HEURISTIC_MISMATCH, forced) before the ack, so that the
   * coordinator can finish and the breach stays visible to {@code ringtx recovery list}.
   */
  private Step onDecisionAfterHeuristic(
      long now, NodeId from, long token, GlobalDecision d, LogRecord known) {
    TxId id = d.txId();
    Decision applied = decisionFromLog(known);
    if (applied == d.decision() || known instanceof HeuristicMismatch) {
      return reply(token, new Ack(id, self, d.decision()));
    }
    List<Long> waiting = mismatchWaiting.get(id);
    if (waiting != null) {
      waiting.add(token); // the record is being written already
      return Step.NONE;
    }
    String operator = known instanceof HeuristicCommitted hc ? hc.operator()
        : ((HeuristicAborted) known).operator();
    LOG.error("tx={} RTX-2006 HEURISTIC MISMATCH at {}: operator {} decided {} heuristically, "
        + "the coordinator decided {}; the data here stays {}. Atomicity is broken for this "
        + "transaction: reconcile its keys by hand", id, self, operator, applied, d.decision(),
        applied);
    HeuristicMismatch m = new HeuristicMismatch(id, applied, d.decision(), from, operator, now);
    long pid = nextPersistId++;
    mismatchWrites.put(pid, m);
    List<Long> w = new ArrayList<>(1);
    w.add(token);
    mismatchWaiting.put(id, w);
    return Step.builder().persist(new Persist(pid, WriteSet.forced(m), List.of())).build();
  }

  private void countHeuristic(Entry e) {
    if (e.heuristicBy != null) {
      heuristicDecisions++;
    }
  }

  private static ErrorReply refusal(String message) {
    return new ErrorReply(ErrorReply.Code.REFUSED, message);
  }

  private static String typeName(LogRecord r) {
    return r.getClass().getSimpleName();
  }

  // ---- decisions ----

  /** Applies a decision to a READY transaction; the waiting requests are answered after it. */
  private Step decide(Entry e, GlobalDecision d) {
    if (e.phase == Phase.READY_READ_ONLY) {
      locks.releaseAll(e.id);
      txs.remove(e.id);
      Step.Builder out = Step.builder();
      e.waiting.forEach(t -> out.send(new Reply(t, new Ack(e.id, self, d.decision()))));
      return out.build();
    }
    if (d.decision() == Decision.COMMIT) {
      long version = ++lastVersion;
      e.phase = Phase.COMMITTING;
      List<KeyWrite> w = e.prepared.writes();
      // Written lazily: the decision is already durable at the coordinator, and a crash before
      // the record is durable leaves this transaction READY with its locks, to commit the same
      // writes again. Once it is written the locks go, and only the ack waits for the record to
      // be durable (syncCommitted).
      WriteSet ws = new WriteSet(
          List.of(new Committed(e.id, version, List.of())), dataWrites(w, version), false);
      return persist(e.id, Phase.COMMITTING, ws, List.of());
    }
    // Presumed abort: the ABORTED record need not be forced. The locks go once it is written
    // (DESIGN §3 step 4: apply, release, acknowledge), not before: a later write on these keys
    // then follows it in the log, so that write being durable makes this record durable too.
    // Released earlier, a failed ABORTED write would leave PREPARED as this transaction's last
    // record while another transaction prepares the same keys, and the restart would find two
    // PREPARED transactions holding one key.
    e.phase = Phase.ABORTING;
    e.abortReason = reasonOr(d);
    LOG.debug("tx={} state READY→ABORT", e.id);
    return persist(
        e.id, Phase.ABORTING, WriteSet.lazy(new Aborted(e.id, e.abortReason)), List.of());
  }

  /**
   * Records ABORTED lazily for a transaction that has no entry and answers {@code token} with
   * {@code answer} at once: a no vote needs nothing durable (presumed abort), the record only
   * lets a duplicate request get the same answer.
   */
  private Step refuse(TxId id, Reason reason, long token, Message answer) {
    if (reason == Reason.CONFLICT) {
      lockConflicts++;
    }
    return Step.builder()
        .send(new Reply(token, answer))
        .add(recordAbort(id, reason, false, List.of()))
        .build();
  }

  /**
   * Refuses a one-phase commit. Unlike a no vote, this answer is the decision itself, so ABORTED
   * is forced before it leaves: were the record lost in a crash, a late duplicate of the request
   * could commit the transaction that the client was told had aborted.
   */
  private Step refuseOnePhase(TxId id, Reason reason, long token) {
    if (reason == Reason.CONFLICT) {
      lockConflicts++;
    }
    return recordAbort(
        id,
        reason,
        true,
        List.of(new Reply(token, new OnePhaseResult(id, self, Decision.ABORT, reason))));
  }

  /** Records ABORTED lazily for a transaction that has no entry; acks {@code ackToken} after. */
  private Step abortUnknown(TxId id, Reason reason, long ackToken) {
    Step s = recordAbort(id, reason, false, List.of());
    txs.get(id).waiting.add(ackToken);
    return s;
  }

  /**
   * Cooperative termination: a participant that never prepared forces ABORTED before it
   * answers ABORT, so that it votes no if the prepare arrives late, even after a crash.
   */
  private Step abortForTermination(TxId id, long queryToken) {
    return recordAbort(
        id,
        Reason.TIMEOUT,
        true,
        List.of(new Reply(queryToken, new StatusReply(id, self, TxState.ABORT))));
  }

  private Step recordAbort(TxId id, Reason reason, boolean forced, List<Outbound> after) {
    Entry e = new Entry(id, Phase.ABORTING);
    e.abortReason = reason;
    txs.put(id, e);
    return persist(
        id, Phase.ABORTING, new WriteSet(List.of(new Aborted(id, reason)), List.of(), forced), after);
  }

  // ---- overload ----

  /**
   * Whether {@code request} is new work arriving while the queue (requests parked behind a
   * commit, plus log writes in flight) is at its bound. Only work that starts something is
   * refused: decisions and status queries drain the queue, and a request about a transaction
   * already held here is answered from its state, as usual.
   */
  private boolean overloaded(Message request) {
    if (queuedWork() < config.maxQueuedWork()) {
      return false;
    }
    if (request instanceof ReadRequest) {
      return true;
    }
    TxId id = null;
    if (request instanceof ValidateRequest v) {
      id = v.txId();
    } else if (request instanceof VoteRequest v) {
      id = v.txId();
    } else if (request instanceof OnePhaseCommit c) {
      id = c.txId();
    }
    return id != null && !txs.containsKey(id) && log.txState(id).isEmpty();
  }

  /**
   * Refuses new work before anything is locked or changed. A prepare, validation or read gets
   * {@code OVERLOADED} (presumed abort: a no answer needs no record). A one-phase commit's
   * answer is its decision, so it is refused the way any one-phase commit is: with a forced
   * ABORTED record, so that a late duplicate can never commit what the client was told aborted.
   */
  private Step refuseOverloaded(long token, Message request) {
    overloadRefusals++;
    if (request instanceof OnePhaseCommit c) {
      return refuseOnePhase(c.txId(), Reason.OVERLOADED, token);
    }
    return reply(
        token,
        new ErrorReply(
            ErrorReply.Code.OVERLOADED,
            "participant "
                + self
                + " has "
                + queuedWork()
                + " requests and log writes queued (bound "
                + config.maxQueuedWork()
                + "); retry later"));
  }

  /** Requests parked behind a commit plus log writes in flight. */
  public int queuedWork() {
    return parkedCount + writes.size();
  }

  /** Requests refused because the queue was at its bound, since start. */
  public long overloadRefusals() {
    return overloadRefusals;
  }

  /** Reads refused IN_DOUBT (a prepared writer's decision overdue), since start. */
  public long inDoubtReads() {
    return inDoubtReads;
  }

  /** Requests refused or voted down because a lock was held or a version was stale. */
  public long lockConflicts() {
    return lockConflicts;
  }

  // ---- parking behind a commit being applied ----

  /**
   * The transaction, if any, that is applying its decision (COMMIT or ABORT, only a disk write
   * left) and holds a lock this request conflicts with. Waiting for that write lets back-to-back
   * transactions on the same keys follow each other instead of aborting; a read of a key whose
   * writer has not heard its decision yet waits too (see {@link #preparedWriter}).
   */
  private TxId committingBlocker(Message request) {
    TxId self;
    Collection<String> readKeys;
    Collection<String> writeKeys;
    if (request instanceof ReadRequest r) {
      self = null;
      readKeys = List.of(r.key());
      writeKeys = List.of();
    } else if (request instanceof ValidateRequest v) {
      self = v.txId();
      readKeys = keysOf(v.reads());
      writeKeys = List.of();
    } else if (request instanceof VoteRequest v) {
      self = v.txId();
      readKeys = keysOf(v.reads());
      writeKeys = v.writes().stream().map(WriteOp::key).toList();
    } else if (request instanceof OnePhaseCommit c) {
      self = c.txId();
      readKeys = keysOf(c.reads());
      writeKeys = c.writes().stream().map(WriteOp::key).toList();
    } else {
      return null;
    }
    if (self != null && txs.containsKey(self)) {
      return null; // a duplicate: answered from the transaction's own state
    }
    for (String k : readKeys) {
      TxId x = locks.exclusiveHolder(k).orElse(null);
      if (x != null && !x.equals(self) && isCommitting(x)) {
        return x;
      }
    }
    for (String k : writeKeys) {
      for (TxId h : locks.holdersOf(k)) {
        if (!h.equals(self) && isCommitting(h)) {
          return h;
        }
      }
    }
    return null;
  }

  /**
   * The transaction, if any, that is READY here with a write of {@code key}. Its coordinator may
   * have decided COMMIT and answered its client already, and that client may read next through
   * any coordinator or straight from here, ahead of the GLOBAL-COMMIT: so a read waits for the
   * decision rather than answer the value being replaced (until the READY timeout, see {@link
   * #inDoubt}). A transaction still forcing PREPARED has not voted, cannot have committed yet,
   * and does not hold a read up.
   */
  private Entry preparedWriter(String key) {
    TxId holder = locks.exclusiveHolder(key).orElse(null);
    Entry e = holder == null ? null : txs.get(holder);
    return e != null && e.phase == Phase.READY ? e : null;
  }

  /**
   * The answer to a read of {@code key} written by {@code writer}, READY here for longer than the
   * READY timeout: its coordinator is down or cut off, its outcome is not known here, and the
   * value read could be one that a committed transaction has replaced already.
   */
  private ErrorReply inDoubt(long now, String key, Entry writer) {
    return new ErrorReply(ErrorReply.Code.IN_DOUBT, "key " + key + " is written by transaction "
        + writer.id + ", prepared at " + self + " " + (now - writer.readySince)
        + " ms ago and still without a decision from coordinator " + writer.coordinator
        + "; its value may be about to change, so it is not read now. Read it again later;"
        + " ringtx recovery list shows the transaction");
  }

  private boolean isCommitting(TxId id) {
    Entry e = txs.get(id);
    return e != null
        && (e.phase == Phase.COMMITTING || e.phase == Phase.ONE_PHASE || e.phase == Phase.ABORTING);
  }

  /** Releases the locks of {@code id} and serves the requests that waited for them. */
  private Step release(long now, TxId id) {
    locks.releaseAll(id);
    return unpark(now, id);
  }

  private Step unpark(long now, TxId id) {
    List<Parked> waiting = parked.remove(id);
    if (waiting == null) {
      return Step.NONE;
    }
    parkedCount -= waiting.size();
    Step.Builder out = Step.builder();
    for (Parked p : waiting) {
      out.add(onRequest(now, p.token(), p.from(), p.request()));
    }
    return out.build();
  }

  // ---- helpers ----

  private Step persist(TxId id, Phase phase, WriteSet ws, List<Outbound> after) {
    long pid = nextPersistId++;
    writes.put(pid, new PendingWrite(id, phase));
    return Step.builder().persist(new Persist(pid, ws, after)).build();
  }

  private static Step reply(long token, Message m) {
    return Step.builder().send(new Reply(token, m)).build();
  }

  private boolean lockAll(TxId id, Collection<String> readKeys, Collection<String> writeKeys) {
    for (String k : writeKeys) {
      if (!locks.tryExclusive(k, id)) {
        locks.releaseAll(id);
        return false;
      }
    }
    for (String k : readKeys) {
      if (!writeKeys.contains(k) && !locks.tryShared(k, id)) {
        locks.releaseAll(id);
        return false;
      }
    }
    return true;
  }

  /** Null if every version read is current and not write-locked by another transaction. */
  private Reason checkReads(TxId id, List<ReadItem> reads) {
    for (ReadItem r : reads) {
      if (!config.owns().test(r.key())) {
        return Reason.NOT_OWNER;
      }
      if (locks.writeLockedByOther(r.key(), id) || data.read(r.key()).version() != r.version()) {
        return Reason.CONFLICT;
      }
    }
    return null;
  }

  /** Resolves puts, appends and deletes in order against the current values. */
  private List<KeyWrite> resolve(List<WriteOp> ops) {
    Map<String, Optional<String>> values = new LinkedHashMap<>();
    for (WriteOp op : ops) {
      String next =
          switch (op.op()) {
            case PUT -> op.value();
            case APPEND -> {
              // Only an append needs the current value: a store read saved per put and delete.
              String current =
                  values.containsKey(op.key())
                      ? values.get(op.key()).orElse(null)
                      : data.read(op.key()).value();
              yield (current == null ? "" : current) + op.value();
            }
            case DELETE -> null;
          };
      values.put(op.key(), Optional.ofNullable(next));
    }
    List<KeyWrite> out = new ArrayList<>(values.size());
    values.forEach((k, v) -> out.add(new KeyWrite(k, v.orElse(null))));
    return out;
  }

  /**
   * Whether a write leaves a key with a value over {@code maxValueBytes} (DESIGN §2). A put was
   * checked against the same limit before it got here; the value an append makes of the stored
   * one is known only here.
   */
  private boolean tooLarge(TxId id, List<KeyWrite> resolved) {
    int max = config.maxValueBytes();
    for (KeyWrite w : resolved) {
      String v = w.value();
      // Cheap first: a string of n chars is at most 3n UTF-8 bytes.
      if (v != null && (long) v.length() * 3 > max && TxRequestParser.utf8Length(v) > max) {
        LOG.info("tx={} refused: the value of '{}' would be larger than {} bytes", id, w.key(),
            max);
        return true;
      }
    }
    return false;
  }

  private static List<DataWrite> dataWrites(List<KeyWrite> writes, long version) {
    List<DataWrite> out = new ArrayList<>(writes.size());
    for (KeyWrite w : writes) {
      out.add(new DataWrite(w.key(), w.value(), version));
    }
    return out;
  }

  private String firstNotOwned(Set<String> a, Set<String> b) {
    for (String k : a) {
      if (!config.owns().test(k)) {
        return k;
      }
    }
    for (String k : b) {
      if (!config.owns().test(k)) {
        return k;
      }
    }
    return null;
  }

  private static Set<String> keysOf(List<ReadItem> reads) {
    Set<String> keys = new LinkedHashSet<>();
    reads.forEach(r -> keys.add(r.key()));
    return keys;
  }

  private ErrorReply notOwner(String key) {
    return new ErrorReply(ErrorReply.Code.NOT_OWNER, "node " + self + " does not own key " + key);
  }

  private static Reason reasonOr(GlobalDecision d) {
    return d.reason() != null ? d.reason() : Reason.PARTICIPANT_FAILED;
  }

  private Vote voteFromLog(TxId id, LogRecord r) {
    if (r instanceof Committed) {
      // Committed here, so its coordinator is past WAIT and ignores any vote: the prepare is a
      // stale duplicate, or another coordinator's under the same id (a client that used one id
      // at two coordinators, or re-sent after the outcome retention), which a yes would let
      // commit without its writes here. (The record does not name the coordinator.)
      return Vote.no(id, self, Reason.INVALID);
    }
    if (r instanceof Prepared || decisionFromLog(r) == Decision.COMMIT) {
      return Vote.ok(id, self);
    }
    if (r instanceof Aborted a) {
      return Vote.no(id, self, a.reason());
    }
    return Vote.no(id, self, decisionFromLog(r) == Decision.ABORT ? Reason.TIMEOUT : Reason.INVALID);
  }

  private OnePhaseResult onePhaseFromLog(TxId id, LogRecord r) {
    if (r instanceof Committed) {
      return new OnePhaseResult(id, self, Decision.COMMIT, null);
    }
    if (r instanceof Aborted a) {
      return new OnePhaseResult(id, self, Decision.ABORT, a.reason());
    }
    return new OnePhaseResult(id, self, Decision.ABORT, Reason.INVALID);
  }

  /** The decision a record applied here (a heuristic one included), or null if none. */
  static Decision decisionFromLog(LogRecord r) {
    if (r instanceof Committed || r instanceof HeuristicCommitted) {
      return Decision.COMMIT;
    }
    if (r instanceof Aborted || r instanceof HeuristicAborted) {
      return Decision.ABORT;
    }
    return r instanceof HeuristicMismatch m ? m.heuristic() : null;
  }

  /**
   * The state a record leaves a transaction in here. After a heuristic decision it is the state
   * the data is in: a peer asking in cooperative termination must adopt what was applied here.
   */
  public static TxState stateFromLog(LogRecord r) {
    if (r instanceof Prepared) {
      return TxState.READY;
    }
    Decision d = decisionFromLog(r);
    return d == null ? TxState.UNKNOWN : d.state();
  }

  // ---- introspection (metrics, tooling, tests) ----

  /** The state of {@code id} here: from memory if active, else from the log. */
  public TxState state(TxId id) {
    Entry e = txs.get(id);
    if (e != null) {
      return switch (e.phase) {
        case PREPARING, ONE_PHASE -> TxState.INIT;
        case READY, READY_READ_ONLY -> TxState.READY;
        case COMMITTING, COMMITTED -> TxState.COMMIT;
        case ABORTING -> TxState.ABORT;
      };
    }
    return log.txState(id).map(ParticipantCore::stateFromLog).orElse(TxState.UNKNOWN);
  }

  /** Transactions READY here and still waiting for their decision (in doubt). */
  public Set<TxId> inDoubt() {
    Set<TxId> out = new TreeSet<>();
    txs.values().stream()
        .filter(e -> e.phase == Phase.READY || e.phase == Phase.READY_READ_ONLY)
        .forEach(e -> out.add(e.id));
    return out;
  }

  /** READY transactions whose every peer is READY while the coordinator is silent. */
  public Set<TxId> blocked() {
    Set<TxId> out = new TreeSet<>();
    txs.values().stream()
        .filter(e -> e.blocked && (e.phase == Phase.READY || e.phase == Phase.READY_READ_ONLY))
        .forEach(e -> out.add(e.id));
    return out;
  }

  /** Keys locked by {@code id} here. */
  public Set<String> locksHeldBy(TxId id) {
    return locks.heldBy(id);
  }

  /** Transactions holding locks here. */
  /**
   * Keys moved here by a hand-off keep their versions; versions of this shard's later writes must
   * exceed them (DESIGN §2: a key's version increases at every committed write), or a reader
   * that saw the key before it moved could validate against a different value of the same
   * version. Called before the moved keys are served.
   */
  public void raiseVersionFloor(long version) {
    lastVersion = Math.max(lastVersion, version);
  }

  /** Every key some transaction holds a lock on (a hand-off waits until its range has none). */
  public Set<String> lockedKeys() {
    Set<String> out = new java.util.HashSet<>();
    for (TxId tx : locks.holders()) {
      out.addAll(locks.heldBy(tx));
    }
    return out;
  }

  public Set<TxId> lockHolders() {
    return locks.holders();
  }

  /** Heuristic decisions applied here since this node started. */
  public long heuristicDecisions() {
    return heuristicDecisions;
  }

  /** Coordinator decisions found contrary to a heuristic one here since this node started. */
  public long heuristicMismatches() {
    return heuristicMismatches;
  }

  /**
   * Where {@code id} stands in memory here, for operators: its phase (PREPARING, READY,
   * READY_READ_ONLY, COMMITTING, ABORTING, ONE_PHASE), or empty if it is not in memory.
   */
  public Optional<String> phase(TxId id) {
    Entry e = txs.get(id);
    return e == null ? Optional.empty() : Optional.of(e.phase.name());
  }

  /** The coordinator {@code id} waits for, if it is in memory here. */
  public Optional<NodeId> coordinatorOf(TxId id) {
    Entry e = txs.get(id);
    return e == null ? Optional.empty() : Optional.ofNullable(e.coordinator);
  }

  /** Transactions held in memory here (active, or their decision being written). */
  public Set<TxId> active() {
    return new TreeSet<>(txs.keySet());
  }

  /** Number of transactions held in memory (active or being written). */
  public int activeCount() {
    return txs.size();
  }
}
