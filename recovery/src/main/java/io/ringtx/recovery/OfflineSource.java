package io.ringtx.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.CoordinatorRecords;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.RecordNames;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.WriteSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.ringtx.storage.RocksNodeStore;
import io.ringtx.storage.StorageException;
import io.ringtx.storage.StoreLockedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Stopped nodes' data directories, opened read-only ({@link RocksNodeStore#openReadOnly}):
 * nothing in them is changed unless a decision is written ({@link #decide}, for {@code resolve}),
 * and a directory that a running node holds is refused before anything is read. {@code DIR} may be a process cluster's directory (with {@code cluster.json}:
 * every node under {@code DIR/<node>/data}), one node's data directory (with {@code store/}), or
 * a store directory itself.
 */
public final class OfflineSource implements Source {
  private final Path dir;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, RocksNodeStore> stores = new LinkedHashMap<>();

  private OfflineSource(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens every store found under {@code dir}, read-only.
   *
   * @throws RecoveryException naming the directory if one is held by a running node, holds no
   *     store, or cannot be read; every store opened so far is closed again
   */
  public static OfflineSource open(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new RecoveryException("--data-dir " + root + " is not a directory");
    }
    OfflineSource s = new OfflineSource(root);
    try {
      s.find().forEach(s::openNode);
      if (s.stores.isEmpty()) {
        throw new RecoveryException(root + " holds no node store: give a node's data directory "
            + "(with store/), or a cluster directory (with cluster.json)");
      }
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A node found on disk: id, role (or null to infer it), store directory. */
  private record Found(String id, String role, Path store) {}

  private List<Found> find() {
    List<Found> out = new ArrayList<>();
    Path layout = dir.resolve("cluster.json");
    if (Files.isRegularFile(layout)) {
      JsonNode cluster;
      try {
        cluster = Json.MAPPER.readTree(Files.readAllBytes(layout));
      } catch (IOException e) {
        throw new RecoveryException("cannot read " + layout + ": " + e.getMessage(), e);
      }
      for (JsonNode n : cluster.path("nodes")) {
        String id = n.path("id").asText();
        out.add(new Found(id, n.path("role").asText("").toLowerCase(Locale.ROOT),
            dir.resolve(id).resolve("data").resolve("store")));
      }
      return out;
    }
    if (Files.isDirectory(dir.resolve("store"))) {
      out.add(new Found(nodeName(dir), null, dir.resolve("store")));
    } else if (Files.isRegularFile(dir.resolve("CURRENT"))) {
      // The store itself: a process node's DIR/<node>/data/store, or a `ringtx local` node's
      // DIR/<node>, named after its own directory.
      boolean storeOfADataDir = dir.getFileName() != null
          && dir.getFileName().toString().equals("store") && dir.getParent() != null;
      out.add(new Found(nodeName(storeOfADataDir ? dir.getParent() : dir), null, dir));
    }
    return out;
  }

  /** DIR/&lt;node&gt;/data is named after the node; any other data directory after itself. */
  private static String nodeName(Path dataDir) {
    Path name = dataDir.getFileName();
    if (name != null && name.toString().equals("data") && dataDir.getParent() != null
        && dataDir.getParent().getFileName() != null) {
      return dataDir.getParent().getFileName().toString();
    }
    return name == null ? "node" : name.toString();
  }

  private void openNode(Found f) {
    if (!Files.isDirectory(f.store())) {
      nodes.put(f.id(), new Node(f.id(), f.role() == null ? "participant" : f.role(), false,
          f.store().toString(), "no store at " + f.store()));
      return;
    }
    RocksNodeStore store;
    try {
      store = RocksNodeStore.openReadOnly(f.store());
    } catch (StoreLockedException e) {
      throw new RecoveryException("refusing " + f.store() + ": a running node holds it (node "
          + f.id() + "). Nothing was read or changed. Stop the node, or use --cluster URL to ask "
          + "the running cluster.", e);
    } catch (StorageException e) {
      throw new RecoveryException("cannot read node " + f.id() + "'s store " + f.store() + ": "
          + e.getMessage(), e);
    }
    stores.put(f.id(), store);
    String role = f.role() != null && !f.role().isEmpty() ? f.role() : inferRole(store);
    nodes.put(f.id(), new Node(f.id(), role, true, f.store().toString(), null));
  }

  private static String inferRole(RocksNodeStore store) {
    boolean[] coordinator = {false};
    store.forEachTx((tx, rec) -> coordinator[0] |= isCoordinatorRecord(rec));
    return coordinator[0] ? "coordinator" : "participant";
  }

  static boolean isCoordinatorRecord(LogRecord r) {
    return r instanceof CoordinatorCommit || r instanceof CoordinatorAbort
        || r instanceof CoordinatorEnd;
  }

  @Override
  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  @Override
  public String describe() {
    return "data dir " + dir;
  }

  @Override
  public boolean offline() {
    return true;
  }

  /** The store of one node, for {@code ringtx recovery dump}. */
  public RocksNodeStore store(String node) {
    return storeOf(node);
  }

  private RocksNodeStore storeOf(String node) {
    RocksNodeStore s = stores.get(node);
    if (s == null) {
      Node n = nodes.get(node);
      throw new NodeUnavailableException(node + ": "
          + (n == null ? "not under " + dir : n.problem()), null);
    }
    return s;
  }

  private boolean isParticipant(String node) {
    return nodes.get(node).isParticipant();
  }

  @Override
  public NodeReport unfinished(String node) {
    RocksNodeStore store = storeOf(node);
    boolean participant = isParticipant(node);
    Set<TxId> ids = new LinkedHashSet<>();
    store.forEachTx((tx, rec) -> {
      boolean open = participant
          ? rec instanceof Prepared || rec instanceof HeuristicCommitted
              || rec instanceof HeuristicAborted || rec instanceof HeuristicMismatch
          : rec instanceof CoordinatorCommit || rec instanceof CoordinatorAbort;
      if (open) {
        ids.add(tx);
      }
    });
    Map<TxId, List<LogEntry>> records = store.logEntriesOf(ids);
    List<TxReport> txs = new ArrayList<>();
    for (TxId id : new TreeSet<>(ids)) {
      txs.add(report(node, participant, id, records.getOrDefault(id, List.of())));
    }
    return new NodeReport(node, nodes.get(node).role(), txs, 0, 0);
  }

  @Override
  public TxReport tx(String node, TxId id) {
    RocksNodeStore store = storeOf(node);
    return report(node, isParticipant(node), id,
        store.logEntriesOf(Set.of(id)).getOrDefault(id, List.of()));
  }

  @Override
  public NodeAudit audit(String node) {
    RocksNodeStore store = storeOf(node);
    Map<String, String> latest = new TreeMap<>();
    Map<String, Decision> decisions = new TreeMap<>();
    store.forEachTx((tx, rec) -> {
      latest.put(tx.value(), RecordNames.of(rec));
      RecordNames.decisionOf(rec).ifPresent(d -> decisions.put(tx.value(), d));
    });
    List<String> keys = new ArrayList<>();
    store.forEachData((k, v) -> keys.add(k));
    // A stopped node holds no lock: PREPARED transactions take theirs again when it restarts.
    return new NodeAudit(node, nodes.get(node).role(), latest, decisions, Map.of(), Map.of(), keys);
  }

  @Override
  public Optional<Map<String, String>> owners(List<String> keys) {
    return Optional.empty();
  }

  /**
   * Writes an operator's decision into a stopped participant's store, as the participant would
   * have: COMMITTED (or HEURISTIC_COMMITTED) with the PREPARED record's writes at a new version,
   * or ABORTED (or HEURISTIC_ABORTED), in one forced write. A transaction the store never
   * prepared can only be aborted (not heuristically); one already decided there is accepted
   * again with the same decision and refused with the other. The store is opened for writing
   * only for this (so a node that started meanwhile is refused), then read-only again.
   */
  @Override
  public DecideResult decide(
      String node, TxId id, Decision decision, String operator, boolean heuristic) {
    RocksNodeStore readOnly = storeOf(node);
    Path path = readOnly.directory();
    stores.remove(node).close();
    try (RocksNodeStore store = RocksNodeStore.open(path)) {
      LogRecord latest = store.txState(id).orElse(null);
      WriteSet write;
      if (latest instanceof Prepared p) {
        write = decisionWrite(store, p, decision, operator, heuristic);
      } else if (latest != null) {
        Decision done = RecordNames.decisionOf(latest).orElse(null);
        return done == decision ? new DecideResult(node, true, decision, null)
            : new DecideResult(node, false, null, "tx " + id + " is already "
                + RecordNames.of(latest) + " at " + node + "; refusing " + decision);
      } else if (decision == Decision.ABORT && !heuristic) {
        // Never prepared here: forced, so that a late prepare is refused after the restart.
        write = WriteSet.forced(new Aborted(id, Reason.TIMEOUT));
      } else {
        return new DecideResult(node, false, null, "tx " + id + " was never prepared at " + node
            + ": it cannot " + (decision == Decision.COMMIT ? "commit" : "be aborted "
            + "heuristically") + " here");
      }
      store.write(write).get(30, TimeUnit.SECONDS);
      return new DecideResult(node, true, decision, null);
    } catch (StoreLockedException e) {
      return new DecideResult(node, false, null, "a running node holds " + path
          + " now: nothing written");
    } catch (ExecutionException | TimeoutException e) {
      return new DecideResult(node, false, null, "the write to " + path + " failed: "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new DecideResult(node, false, null, "interrupted");
    } finally {
      reopenReadOnly(node, path);
    }
  }

  private void reopenReadOnly(String node, Path path) {
    try {
      stores.put(node, RocksNodeStore.openReadOnly(path));
    } catch (StorageException e) {
      Node n = nodes.get(node);
      nodes.put(node, new Node(node, n.role(), false, n.where(), "cannot be read again after "
          + "the write: " + e.getMessage()));
    }
  }

  private static WriteSet decisionWrite(
      RocksNodeStore store, Prepared p, Decision decision, String operator, boolean heuristic) {
    long now = System.currentTimeMillis();
    if (decision == Decision.ABORT) {
      return WriteSet.forced(heuristic ? new HeuristicAborted(p.txId(), operator, now)
          : new Aborted(p.txId(), Reason.TIMEOUT));
    }
    long version = store.lastVersion() + 1;
    List<DataWrite> data = new ArrayList<>();
    for (KeyWrite w : p.writes()) {
      data.add(new DataWrite(w.key(), w.value(), version));
    }
    LogRecord record = heuristic ? new HeuristicCommitted(p.txId(), version, operator, now)
        : new Committed(p.txId(), version, List.of());
    return WriteSet.forced(List.of(record), data);
  }

  /** The keys a PREPARED transaction locks again when its node restarts. */
  static List<String> lockedBy(Prepared p) {
    Set<String> keys = new TreeSet<>(p.readKeys());
    p.writes().stream().map(KeyWrite::key).forEach(keys::add);
    return List.copyOf(keys);
  }

  private static TxReport report(
      String node, boolean participant, TxId id, List<LogEntry> records) {
    LogRecord last = records.isEmpty() ? null : records.get(records.size() - 1).record();
    TxState state;
    String coordinator = participant ? null : node;
    List<String> parts = List.of();
    List<String> locks = List.of();
    if (participant) {
      state = last == null ? TxState.UNKNOWN : ParticipantCore.stateFromLog(last);
      for (LogEntry e : records) {
        if (e.record() instanceof Prepared p) {
          coordinator = p.coordinator().value();
          parts = p.participants().stream().map(NodeId::value).toList();
        }
      }
      if (last instanceof Prepared p) {
        locks = lockedBy(p);
      }
    } else {
      state = CoordinatorRecords.stateOf(last);
      parts = CoordinatorRecords.participantsOf(last).stream().map(NodeId::value).toList();
    }
    return new TxReport(node, participant ? "participant" : "coordinator", id, state, null,
        false, coordinator, parts, locks, List.of(), records);
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (RocksNodeStore s : stores.values()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    stores.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
