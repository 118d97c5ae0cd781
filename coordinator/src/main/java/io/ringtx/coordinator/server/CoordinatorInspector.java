package io.ringtx.coordinator.server;

import io.ringtx.coordinator.api.RecoveryService;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.inspect.CoordinatorRecords;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.RecordNames;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.route.Router;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A coordinator's answers to operator tools: the core's in-memory state read on its context, the
 * store scanned on a worker thread, key owners from the coordinator's own router.
 */
final class CoordinatorInspector implements RecoveryService {
  static final String ROLE = "coordinator";

  private final Vertx vertx;
  private final CoordinatorNode node;
  private final NodeStore store;
  private final Router router;

  CoordinatorInspector(Vertx vertx, CoordinatorNode node, NodeStore store, Router router) {
    this.vertx = vertx;
    this.node = node;
    this.store = store;
    this.router = router;
  }

  /** The core's view of some transactions, taken at one moment on its context. */
  private record Memory(
      Map<TxId, String> phases, Map<TxId, Set<NodeId>> acks, Map<TxId, List<NodeId>> parts) {}

  private Future<Memory> memory(Set<TxId> wanted) {
    return node.inspect(c -> {
      Set<TxId> ids = new TreeSet<>(wanted);
      ids.addAll(c.active());
      Map<TxId, String> phases = new HashMap<>();
      Map<TxId, Set<NodeId>> acks = new HashMap<>();
      Map<TxId, List<NodeId>> parts = new HashMap<>();
      for (TxId id : ids) {
        c.phase(id).ifPresent(p -> phases.put(id, p));
        acks.put(id, c.acksMissing(id));
        parts.put(id, c.participantsOf(id));
      }
      return new Memory(phases, acks, parts);
    });
  }

  @Override
  public CompletableFuture<TxReport> tx(TxId id) {
    return memory(Set.of(id))
        .compose(m -> vertx.executeBlocking(
            () -> report(id, m, store.logEntriesOf(Set.of(id)).getOrDefault(id, List.of())), false))
        .toCompletionStage().toCompletableFuture();
  }

  @Override
  public CompletableFuture<NodeReport> unfinished() {
    return vertx.executeBlocking(() -> {
      Set<TxId> ids = new LinkedHashSet<>();
      store.forEachTx((tx, rec) -> {
        if (rec instanceof CoordinatorCommit || rec instanceof CoordinatorAbort) {
          ids.add(tx);
        }
      });
      return ids;
    }, false).compose(this::memory).compose(m -> vertx.executeBlocking(() -> {
      Set<TxId> ids = new TreeSet<>(m.phases().keySet());
      ids.addAll(m.acks().keySet());
      Map<TxId, List<LogEntry>> records = store.logEntriesOf(ids);
      List<TxReport> txs = new ArrayList<>();
      for (TxId id : ids) {
        txs.add(report(id, m, records.getOrDefault(id, List.of())));
      }
      return new NodeReport(node.id().value(), ROLE, txs, 0, 0);
    }, false)).toCompletionStage().toCompletableFuture();
  }

  @Override
  public CompletableFuture<NodeAudit> audit() {
    return memory(Set.of()).compose(m -> vertx.executeBlocking(() -> {
      Map<String, String> latest = new TreeMap<>();
      Map<String, Decision> decisions = new TreeMap<>();
      store.forEachTx((tx, rec) -> {
        latest.put(tx.value(), RecordNames.of(rec));
        RecordNames.decisionOf(rec).ifPresent(d -> decisions.put(tx.value(), d));
      });
      Map<String, String> phases = new TreeMap<>();
      m.phases().forEach((tx, p) -> phases.put(tx.value(), p));
      return new NodeAudit(node.id().value(), ROLE, latest, decisions, Map.of(), phases, List.of());
    }, false)).toCompletionStage().toCompletableFuture();
  }

  @Override
  public Map<String, String> owners(List<String> keys) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, router.ownerOf(k).value());
    }
    return out;
  }

  private TxReport report(TxId id, Memory m, List<LogEntry> records) {
    String phase = m.phases().get(id);
    LogRecord last = records.isEmpty() ? null : records.get(records.size() - 1).record();
    TxState state;
    if (phase != null) {
      state = switch (phase) {
        case "COMMIT" -> TxState.COMMIT;
        case "ABORT" -> TxState.ABORT;
        case "ENDING" -> CoordinatorRecords.stateOf(last);
        default -> TxState.WAIT; // votes or validations still coming, or COMMIT being forced
      };
    } else {
      state = CoordinatorRecords.stateOf(last);
    }
    List<NodeId> parts = m.parts().getOrDefault(id, List.of());
    if (parts.isEmpty()) {
      parts = CoordinatorRecords.participantsOf(last);
    }
    List<String> acks = m.acks().getOrDefault(id, Set.of()).stream().map(NodeId::value)
        .sorted().toList();
    return new TxReport(node.id().value(), ROLE, id, state, phase, false, node.id().value(),
        parts.stream().map(NodeId::value).toList(), List.of(), acks, records);
  }

}
