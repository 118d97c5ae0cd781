package io.ringtx.participant.server;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.RecordNames;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.TxState;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds what a participant tells operator tools ({@code /v1/recovery/…}): the core's in-memory
 * state is read on its context, the store is scanned on a worker thread.
 */
final class ParticipantInspector {
  static final String ROLE = "participant";

  private final Vertx vertx;
  private final ParticipantNode node;
  private final NodeStore store;

  ParticipantInspector(Vertx vertx, ParticipantNode node, NodeStore store) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
  }

  /** The core's view of some transactions, taken at one moment on its context. */
  private record Memory(
      Map<TxId, TxState> states, Map<TxId, String> phases, Set<TxId> blocked,
      Map<TxId, Set<String>> locks, Map<TxId, NodeId> coordinators, long heuristics,
      long mismatches) {}

  private Future<Memory> memory(Set<TxId> wanted, boolean allActive) {
    return node.inspect(c -> {
      Set<TxId> ids = new TreeSet<>(wanted);
      if (allActive) {
        ids.addAll(c.active());
        ids.addAll(c.lockHolders());
      }
      Map<TxId, TxState> states = new HashMap<>();
      Map<TxId, String> phases = new HashMap<>();
      Map<TxId, Set<String>> locks = new HashMap<>();
      Map<TxId, NodeId> coordinators = new HashMap<>();
      for (TxId id : ids) {
        states.put(id, c.state(id));
        c.phase(id).ifPresent(p -> phases.put(id, p));
        locks.put(id, c.locksHeldBy(id));
        c.coordinatorOf(id).ifPresent(n -> coordinators.put(id, n));
      }
      return new Memory(states, phases, c.blocked(), locks, coordinators,
          c.heuristicDecisions(), c.heuristicMismatches());
    });
  }

  /** Everything this participant knows of {@code id}. */
  Future<TxReport> tx(TxId id) {
    return memory(Set.of(id), false).compose(m -> vertx.executeBlocking(() -> {
      Map<TxId, List<LogEntry>> records = store.logEntriesOf(Set.of(id));
      return report(id, m, records.getOrDefault(id, List.of()));
    }, false));
  }

  /** The transactions not finished here, or decided heuristically. */
  Future<NodeReport> unfinished() {
    return vertx.executeBlocking(() -> {
      Set<TxId> ids = new LinkedHashSet<>();
      store.forEachTx((tx, rec) -> {
        if (isUnfinished(rec)) {
          ids.add(tx);
        }
      });
      return ids;
    }, false).compose(logged -> memory(logged, true)).compose(m -> vertx.executeBlocking(() -> {
      Map<TxId, List<LogEntry>> records = store.logEntriesOf(m.states().keySet());
      List<TxReport> txs = new ArrayList<>();
      for (TxId id : new TreeSet<>(m.states().keySet())) {
        txs.add(report(id, m, records.getOrDefault(id, List.of())));
      }
      return new NodeReport(node.id().value(), ROLE, txs, m.heuristics(), m.mismatches());
    }, false));
  }

  /**
   * What {@code ringtx recovery verify} checks here. The log is read before the core's memory:
   * a transaction that is still READY in memory after its decision was seen in the log is then a
   * real breach, not a decision that arrived between the two reads.
   */
  Future<NodeAudit> audit() {
    Map<String, String> latest = new TreeMap<>();
    Map<String, Decision> decisions = new TreeMap<>();
    return vertx.executeBlocking(() -> {
      store.forEachTx((tx, rec) -> {
        latest.put(tx.value(), RecordNames.of(rec));
        RecordNames.decisionOf(rec).ifPresent(d -> decisions.put(tx.value(), d));
      });
      return null;
    }, false).compose(v -> memory(Set.of(), true)).compose(m -> vertx.executeBlocking(() -> {
      Map<String, List<String>> locks = new TreeMap<>();
      m.locks().forEach((tx, keys) -> {
        if (!keys.isEmpty()) {
          locks.put(tx.value(), List.copyOf(new TreeSet<>(keys)));
        }
      });
      Map<String, String> phases = new TreeMap<>();
      m.phases().forEach((tx, p) -> phases.put(tx.value(), p));
      List<String> keys = new ArrayList<>();
      store.forEachData((k, v) -> keys.add(k));
      return new NodeAudit(node.id().value(), ROLE, latest, decisions, locks, phases, keys);
    }, false));
  }

  static boolean isUnfinished(LogRecord rec) {
    return rec instanceof Prepared || rec instanceof HeuristicCommitted
        || rec instanceof HeuristicAborted || rec instanceof HeuristicMismatch;
  }


  private TxReport report(TxId id, Memory m, List<LogEntry> records) {
    Prepared prepared = null;
    for (LogEntry e : records) {
      if (e.record() instanceof Prepared p) {
        prepared = p;
      }
    }
    String coordinator = m.coordinators().containsKey(id) ? m.coordinators().get(id).value()
        : prepared != null ? prepared.coordinator().value() : null;
    List<String> participants = prepared == null ? List.of()
        : prepared.participants().stream().map(NodeId::value).toList();
    TxState state = m.states().getOrDefault(id, TxState.UNKNOWN);
    return new TxReport(node.id().value(), ROLE, id, state, m.phases().get(id),
        m.blocked().contains(id), coordinator, participants,
        List.copyOf(new TreeSet<>(m.locks().getOrDefault(id, Set.of()))), List.of(), records);
  }
}
