package io.ringtx.coordinator.sim;

import io.ringtx.coordinator.sim.BankWorkload.Kind;
import io.ringtx.coordinator.sim.BankWorkload.TxInfo;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.ValidateRequest;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The invariants of DESIGN §3 and §6, checked as the records reach each node's disk, after every
 * event, and once the run has quiesced. Any violation throws {@link Violation} at once, so the
 * trace ends where it happened.
 */
final class SimChecker implements SimDisk.Observer {
  /** An invariant was broken. */
  static final class Violation extends RuntimeException {
    Violation(String message) {
      super(message);
    }
  }

  private Map<TxId, TxInfo> txs = Map.of();
  /** Per node, per transaction: the decision in its durable log (never to change). */
  private final Map<NodeId, Map<TxId, Decision>> durableDecision = new HashMap<>();
  /** Per node, per transaction: the decision applied since the node last started. */
  private final Map<NodeId, Map<TxId, Decision>> appliedDecision = new HashMap<>();
  private final Map<NodeId, Map<TxId, Prepared>> durablePrepared = new HashMap<>();
  private final Map<NodeId, Set<TxId>> durableCommits = new HashMap<>();
  /** Per transaction: the durable decision of the coordinator and of each shard that wrote. */
  private final Map<TxId, Map<NodeId, Decision>> decisions = new HashMap<>();
  /** Per shard, per key: the newest committed write whose COMMITTED is durable. */
  private final Map<NodeId, Map<String, Versioned>> committedFloor = new HashMap<>();
  /** ABORTED records written by shards that only read the transaction. */
  long readOnlyAbortRecords;
  /**
   * Committed transactions for which a shard that only read them holds ABORTED (a late or
   * duplicated VOTE-REQ refused after the decision): harmless today, since only the coordinator
   * is asked, but a READY peer asking such a shard in cooperative termination would be misled.
   */
  long committedButAbortedAtAReader;

  void watch(Map<TxId, TxInfo> txs) {
    this.txs = txs;
  }

  void fail(String message) {
    throw new Violation(message);
  }

  private static Decision decisionOf(LogRecord r) {
    if (r instanceof Committed || r instanceof CoordinatorCommit) {
      return Decision.COMMIT;
    }
    if (r instanceof Aborted || r instanceof CoordinatorAbort) {
      return Decision.ABORT;
    }
    if (r instanceof CoordinatorEnd e) {
      return e.decision();
    }
    return null;
  }

  // ---- as records reach the disks ----

  void restarted(NodeId node) {
    appliedDecision.computeIfAbsent(node, n -> new HashMap<>()).clear();
  }

  @Override
  public void applied(NodeId node, LogRecord r) {
    Decision d = decisionOf(r);
    if (d == null) {
      return;
    }
    Map<TxId, Decision> applied = appliedDecision.computeIfAbsent(node, n -> new HashMap<>());
    Decision before = applied.get(r.txId());
    if (before == null) {
      before = durableDecision.computeIfAbsent(node, n -> new HashMap<>()).get(r.txId());
    }
    if (before != null && before != d) {
      fail("DESIGN §3: a decision never changes, but " + node + " applied " + d + " for tx="
          + r.txId() + " after " + before + " (" + r + ")");
    }
    applied.put(r.txId(), d);
  }

  @Override
  public void durable(NodeId node, LogRecord r, List<DataWrite> data) {
    TxId tx = r.txId();
    if (r instanceof Prepared p) {
      durablePrepared.computeIfAbsent(node, n -> new HashMap<>()).put(tx, p);
    }
    Decision d = decisionOf(r);
    if (d == null) {
      return;
    }
    Decision before = durableDecision.computeIfAbsent(node, n -> new HashMap<>()).put(tx, d);
    if (before != null && before != d) {
      fail("DESIGN §3: a decision never changes, but the log of " + node + " has " + before
          + " then " + d + " for tx=" + tx);
    }
    if (r instanceof Committed c) {
      if (!durableCommits.computeIfAbsent(node, n -> new HashSet<>()).add(tx)) {
        fail("DESIGN §2: writes applied twice: a second COMMITTED for tx=" + tx + " at " + node);
      }
      // The writes: the PREPARED record's after a prepare, else (one phase) the data written
      // with the record, at its version. The cores write COMMITTED without writes of its own.
      Prepared p = durablePrepared.getOrDefault(node, Map.of()).get(tx);
      List<KeyWrite> writes = p != null
          ? p.writes()
          : data.stream().filter(w -> w.version() == c.version())
              .map(w -> new KeyWrite(w.key(), w.value())).toList();
      if (writes.isEmpty()) {
        fail("COMMITTED for tx=" + tx + " at " + node + " without writes or a PREPARED");
      }
      Map<String, Versioned> floor = committedFloor.computeIfAbsent(node, n -> new TreeMap<>());
      for (KeyWrite w : writes) {
        Versioned old = floor.get(w.key());
        if (old == null || old.version() < c.version()) {
          floor.put(w.key(), new Versioned(w.value(), c.version()));
        }
      }
    }
    TxInfo info = txs.get(tx);
    if (info == null) {
      fail("a record for a transaction the client never sent: " + r);
    }
    if (info.readOnlyShards.contains(node)) {
      if (d == Decision.COMMIT) {
        fail("a shard that only read tx=" + tx + " wrote " + r);
      }
      readOnlyAbortRecords++;
      return;
    }
    Map<NodeId, Decision> all = decisions.computeIfAbsent(tx, t -> new TreeMap<>());
    all.put(node, d);
    if (all.containsValue(Decision.COMMIT) && all.containsValue(Decision.ABORT)) {
      fail("DESIGN §6: tx=" + tx + " is committed on one node and aborted on another: " + all
          + " (" + info + ")");
    }
  }

  // ---- as messages leave ----

  /**
   * DESIGN §6: a forced write is durable before the message that depends on it is sent. Checked
   * against the sender's durable log for every message that states a vote or a decision.
   */
  void sending(SimCluster.Node from, Message m) {
    if (from.isCoordinator()) {
      Decision told = null;
      TxId tx = null;
      if (m instanceof GlobalDecision g) {
        told = g.decision();
        tx = g.txId();
      } else if (m instanceof StatusReply r && r.state().isDecided()) {
        told = r.state() == TxState.COMMIT ? Decision.COMMIT : Decision.ABORT;
        tx = r.txId();
      } else if (m instanceof TxResult r && r.outcome() == Outcome.COMMITTED) {
        TxInfo info = txs.get(r.id());
        if (info != null && info.writers.size() > 1) {
          told = Decision.COMMIT; // a one-phase result is the shard's durable decision
          tx = r.id();
        }
      }
      if (told != null) {
        LogRecord durable = from.disk.durableState(tx).orElse(null);
        if (durable == null || decisionOf(durable) != told) {
          fail("DESIGN §6: " + from.id + " sent " + m + " while its durable log has " + durable);
        }
      }
      return;
    }
    TxId tx = null;
    boolean ok;
    LogRecord durable;
    if (m instanceof Vote v && v.vote() == VoteKind.PREPARE_OK) {
      tx = v.txId();
      durable = from.disk.durableState(tx).orElse(null);
      ok = durable instanceof Prepared || durable instanceof Committed;
    } else if (m instanceof Ack a && a.decision() == Decision.COMMIT) {
      tx = a.txId();
      durable = from.disk.durableState(tx).orElse(null);
      // a shard that only read (or forgot it had) acknowledges a commit with nothing to write
      ok = durable == null || durable instanceof Committed;
    } else if (m instanceof OnePhaseResult r) {
      tx = r.txId();
      durable = from.disk.durableState(tx).orElse(null);
      ok = r.decision() == Decision.COMMIT ? durable instanceof Committed : durable instanceof Aborted;
    } else {
      return;
    }
    if (!ok) {
      fail("DESIGN §6: " + from.id + " sent " + m + " while its durable log has " + durable);
    }
  }

  /** Each request gets its own kind of reply, or an error (the pairs of {@link Message}). */
  void replied(Object request, Message reply) {
    if (reply instanceof ErrorReply) {
      return;
    }
    boolean ok;
    if (request instanceof ReadRequest) {
      ok = reply instanceof ReadReply;
    } else if (request instanceof VoteRequest || request instanceof ValidateRequest) {
      ok = reply instanceof Vote;
    } else if (request instanceof OnePhaseCommit) {
      ok = reply instanceof OnePhaseResult;
    } else if (request instanceof GlobalDecision) {
      ok = reply instanceof Ack;
    } else if (request instanceof StatusQuery) {
      ok = reply instanceof StatusReply;
    } else {
      ok = request instanceof SimCluster.ClientCommit && reply instanceof TxResult;
    }
    if (!ok) {
      fail("a " + request.getClass().getSimpleName() + " was answered with " + reply);
    }
  }

  // ---- the client ----

  void clientLearned(TxInfo info, TxResult r) {
    if (info.outcome != null && info.outcome.outcome() != r.outcome()) {
      fail("DESIGN §2: tx=" + info.id + " answered " + info.outcome + " then " + r);
    }
    info.outcome = r;
    if (info.kind == Kind.AUDIT && r.outcome() == Outcome.COMMITTED) {
      long sum = info.readValues.values().stream().mapToLong(Long::longValue).sum();
      if (sum != BankWorkload.TOTAL) {
        fail("serializability: audit tx=" + info.id + " committed having read a total of " + sum
            + " instead of " + BankWorkload.TOTAL + ": " + info.readValues);
      }
    }
  }

  // ---- after every event ----

  void afterEvent(SimCluster cluster) {
    for (SimCluster.Node n : cluster.nodes()) {
      if (n.isCoordinator()) {
        continue;
      }
      if (n.up()) {
        ParticipantCore core = n.participant();
        for (TxId tx : core.lockHolders()) {
          LogRecord r = n.disk.txState(tx).orElse(null);
          if (r instanceof Committed || r instanceof Aborted) {
            fail("DESIGN §3: tx=" + tx + " still holds locks " + core.locksHeldBy(tx) + " at "
                + n.id + " after its decision " + r);
          }
        }
      }
      Map<String, Versioned> floor = committedFloor.get(n.id);
      if (floor != null) {
        for (Map.Entry<String, Versioned> e : floor.entrySet()) {
          Versioned now = n.disk.durableRead(e.getKey());
          Versioned min = e.getValue();
          boolean lost =
              min.value() == null
                  ? now.present() && now.version() < min.version()
                  : now.version() < min.version()
                      || (now.version() == min.version() && !min.value().equals(now.value()));
          if (lost) {
            fail("DESIGN §6: committed write lost at " + n.id + ": " + e.getKey() + " should be "
                + min + " or newer, disk has " + now);
          }
        }
      }
    }
  }

  // ---- once quiet ----

  /** Every node is up, no fault is left and nothing is scheduled: everything must be decided. */
  void quiescent(SimCluster cluster, BankWorkload bank, boolean clientsDone) {
    List<String> problems = new ArrayList<>();
    for (SimCluster.Node n : cluster.nodes()) {
      if (n.isCoordinator()) {
        if (n.coordinator().activeCount() != 0) {
          problems.add("coordinator still holds " + n.coordinator().activeCount()
              + " transactions, awaiting acks " + n.coordinator().awaitingAcks());
        }
        continue;
      }
      ParticipantCore p = n.participant();
      if (!p.inDoubt().isEmpty()) {
        problems.add(n.id + " in doubt " + p.inDoubt());
      }
      if (!p.lockHolders().isEmpty()) {
        problems.add(n.id + " locks still held by " + p.lockHolders());
      }
      if (p.activeCount() != 0) {
        problems.add(n.id + " still has " + p.activeCount() + " transactions in memory");
      }
      if (!n.disk.visibleData().equals(n.disk.durableData())) {
        problems.add(n.id + " data not durable: " + n.disk.visibleData() + " vs "
            + n.disk.durableData());
      }
    }
    if (!problems.isEmpty()) {
      fail("not decided after quiescence (DESIGN §6: in doubt resolved once nodes are reachable): "
          + problems);
    }

    long total = 0;
    for (String a : bank.accounts()) {
      Versioned v = cluster.node(cluster.router.ownerOf(a)).disk.read(a);
      total += v.present() ? Long.parseLong(v.value()) : 0;
    }
    if (total != BankWorkload.TOTAL) {
      fail("balance not conserved: total " + total + " instead of " + BankWorkload.TOTAL);
    }

    Map<String, List<String>> journals = new HashMap<>();
    for (NodeId shard : SimCluster.SHARDS) {
      String key = BankWorkload.journalKey(shard);
      Versioned v = cluster.node(shard).disk.read(key);
      List<String> entries = new ArrayList<>();
      if (v.present()) {
        for (String s : v.value().split(";")) {
          if (!s.isEmpty()) {
            entries.add(s);
          }
        }
      }
      if (new HashSet<>(entries).size() != entries.size()) {
        fail("DESIGN §2: a one-phase commit applied twice, journal " + key + " = " + v.value());
      }
      journals.put(key, entries);
    }

    long misledReaders = 0;
    for (TxInfo info : bank.txs.values()) {
      if (clientsDone && info.outcome == null) {
        fail("the client never learned the outcome of " + info);
      }
      if (info.writers.isEmpty()) {
        continue;
      }
      if (info.outcome != null && info.outcome.outcome() == Outcome.COMMITTED) {
        for (NodeId reader : info.readOnlyShards) {
          if (cluster.node(reader).disk.txState(info.id).orElse(null) instanceof Aborted) {
            misledReaders++;
          }
        }
      }
      int committedAt = 0;
      for (NodeId w : info.writers) {
        LogRecord r = cluster.node(w).disk.txState(info.id).orElse(null);
        if (r instanceof Prepared) {
          fail("tx=" + info.id + " still PREPARED at " + w + " after quiescence");
        }
        if (r instanceof Committed) {
          committedAt++;
        }
      }
      if (committedAt != 0 && committedAt != info.writers.size()) {
        fail("atomicity: " + info + " committed at " + committedAt + " of its writers");
      }
      if (info.outcome != null) {
        boolean clientCommitted = info.outcome.outcome() == Outcome.COMMITTED;
        if (clientCommitted != (committedAt != 0)) {
          fail("the client was told " + info.outcome.outcome() + " but tx=" + info.id
              + " is committed at " + committedAt + " of " + info.writers + " (" + info + ")");
        }
      }
      if (info.journalKey != null) {
        long times = journals.get(info.journalKey).stream().filter(info.id.value()::equals).count();
        if (times != (committedAt != 0 ? 1 : 0)) {
          fail("journal " + info.journalKey + " lists tx=" + info.id + " " + times + " times ("
              + info + ")");
        }
      }
    }
    committedButAbortedAtAReader = misledReaders;
  }
}
