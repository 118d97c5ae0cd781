package io.ringtx.dist.crash;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.storage.RocksNodeStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Atomicity audited from the stable logs of a stopped cluster, read offline from every node's
 * store (DESIGN §3, §6): no transaction is COMMITTED at one participant and ABORTED at another;
 * a decision is never followed by the other one; every PREPARED is followed by a decision
 * (nothing left in doubt); a transaction committed anywhere is COMMITTED after its PREPARED at
 * every participant that prepared it; the coordinator's COMMIT reaches every participant it
 * lists, and no participant decides against the coordinator's log. The balances are read from
 * the same stores.
 */
final class LogAudit {
  /** Every record of every transaction, per node, in log order. */
  private final Map<String, Map<TxId, List<LogRecord>>> participants = new TreeMap<>();
  private final Map<String, Map<TxId, List<LogRecord>>> coordinators = new TreeMap<>();
  private final Map<String, Long> balances = new TreeMap<>();
  private final Map<String, Integer> owners = new TreeMap<>();

  private LogAudit() {}

  /**
   * Reads the store of every node ({@code <node dir>/data/store}); the nodes must be stopped.
   *
   * @param accounts the account keys, whose balances are read from the participants' data
   */
  static LogAudit read(Map<String, Path> participantStores, Map<String, Path> coordinatorStores,
      List<String> accounts) {
    LogAudit a = new LogAudit();
    participantStores.forEach((id, dir) -> {
      try (RocksNodeStore store = RocksNodeStore.open(dir)) {
        a.participants.put(id, records(store));
        for (String k : accounts) {
          var v = store.read(k);
          if (v.present()) {
            a.balances.merge(k, Long.parseLong(v.value()), Long::sum);
            a.owners.merge(k, 1, Integer::sum);
          }
        }
      }
    });
    coordinatorStores.forEach((id, dir) -> {
      try (RocksNodeStore store = RocksNodeStore.open(dir)) {
        a.coordinators.put(id, records(store));
      }
    });
    return a;
  }

  private static Map<TxId, List<LogRecord>> records(RocksNodeStore store) {
    Map<TxId, List<LogRecord>> out = new LinkedHashMap<>();
    store.forEachLogEntry(0, e ->
        out.computeIfAbsent(e.record().txId(), t -> new ArrayList<>()).add(e.record()));
    return out;
  }

  /** Every violation found; empty if the logs show every transaction all-or-nothing. */
  List<String> violations() {
    List<String> v = new ArrayList<>();
    Map<TxId, Set<String>> committedAt = new TreeMap<>();
    Map<TxId, Set<String>> abortedAt = new TreeMap<>();
    participants.forEach((node, txs) -> txs.forEach((tx, recs) -> {
      Decision decided = null;
      boolean prepared = false;
      for (LogRecord r : recs) {
        if (r instanceof Prepared) {
          if (decided != null) {
            v.add(tx + " at " + node + ": PREPARED after " + decided);
          }
          prepared = true;
        } else if (r instanceof Committed || r instanceof Aborted) {
          Decision d = r instanceof Committed ? Decision.COMMIT : Decision.ABORT;
          if (decided != null && decided != d) {
            // DESIGN §3: a decision never changes.
            v.add(tx + " at " + node + ": " + d + " after " + decided + " " + names(recs));
          }
          decided = d;
        }
      }
      if (prepared && decided == null) {
        v.add(tx + " at " + node + ": PREPARED and never decided (still in doubt) " + names(recs));
      }
      if (decided == Decision.COMMIT) {
        committedAt.computeIfAbsent(tx, t -> new TreeSet<>()).add(node);
      } else if (decided == Decision.ABORT) {
        abortedAt.computeIfAbsent(tx, t -> new TreeSet<>()).add(node);
      }
    }));
    committedAt.forEach((tx, at) -> {
      Set<String> ab = abortedAt.get(tx);
      if (ab != null) {
        // DESIGN §6: never committed on one shard and aborted on another.
        v.add(tx + ": COMMITTED at " + at + " but ABORTED at " + ab);
      }
      participants.forEach((node, txs) -> {
        List<LogRecord> recs = txs.getOrDefault(tx, List.of());
        int prep = indexOf(recs, Prepared.class);
        if (prep >= 0 && lastIndexOf(recs, Committed.class) < prep) {
          v.add(tx + ": COMMITTED at " + at + " but " + node + " has no COMMITTED after its "
              + "PREPARED " + names(recs));
        }
      });
    });
    coordinators.forEach((c, txs) -> txs.forEach((tx, recs) -> {
      Decision d = null;
      List<String> listed = List.of();
      for (LogRecord r : recs) {
        if (r instanceof CoordinatorCommit cc) {
          d = Decision.COMMIT;
          listed = cc.participants().stream().map(n -> n.value()).toList();
        } else if (r instanceof CoordinatorAbort) {
          if (d == Decision.COMMIT) {
            v.add(tx + " at " + c + ": ABORT after COMMIT");
          }
          d = Decision.ABORT;
        } else if (r instanceof CoordinatorEnd end) {
          if (d != null && d != end.decision()) {
            v.add(tx + " at " + c + ": END " + end.decision() + " after " + d);
          }
          d = end.decision();
        }
      }
      if (d == Decision.COMMIT && abortedAt.containsKey(tx)) {
        v.add(tx + ": " + c + " decided COMMIT but " + abortedAt.get(tx) + " ABORTED");
      }
      if (d == Decision.ABORT && committedAt.containsKey(tx)) {
        v.add(tx + ": " + c + " decided ABORT but " + committedAt.get(tx) + " COMMITTED");
      }
      for (String p : listed) {
        Set<String> at = committedAt.getOrDefault(tx, Set.of());
        if (!at.contains(p)) {
          v.add(tx + ": " + c + " logged COMMIT for " + listed + " but " + p + " has no COMMITTED");
        }
      }
    }));
    owners.forEach((k, n) -> {
      if (n != 1) {
        v.add("account " + k + " is stored at " + n + " participants");
      }
    });
    return v;
  }

  /** The sum of the balances in the participants' data. */
  long total() {
    return balances.values().stream().mapToLong(Long::longValue).sum();
  }

  int accountsFound() {
    return balances.size();
  }

  /** Counts for the report: transactions seen, committed across shards, aborted... */
  String summary() {
    Set<TxId> all = new TreeSet<>();
    Map<TxId, Integer> preparedAt = new TreeMap<>();
    Set<TxId> committed = new TreeSet<>();
    Set<TxId> aborted = new TreeSet<>();
    participants.values().forEach(txs -> txs.forEach((tx, recs) -> {
      all.add(tx);
      if (indexOf(recs, Prepared.class) >= 0) {
        preparedAt.merge(tx, 1, Integer::sum);
      }
      LogRecord last = recs.get(recs.size() - 1);
      if (last instanceof Committed) {
        committed.add(tx);
      } else if (last instanceof Aborted) {
        aborted.add(tx);
      }
    }));
    long multiShardCommitted =
        committed.stream().filter(t -> preparedAt.getOrDefault(t, 0) >= 2).count();
    long coordinatorTxs = coordinators.values().stream().mapToLong(Map::size).sum();
    return String.format(Locale.ROOT,
        "%d transactions in the participants' logs: %d committed (%d across 2+ shards by 2PC), "
            + "%d aborted; %d in the coordinators' logs", all.size(), committed.size(),
        multiShardCommitted, aborted.size(), coordinatorTxs);
  }

  /** What each node's log holds for {@code tx}, e.g. {@code p1 [Prepared, Committed]; c1 [...]}. */
  String fate(String tx) {
    TxId id = TxId.of(tx);
    List<String> parts = new ArrayList<>();
    participants.forEach((n, txs) -> {
      if (txs.containsKey(id)) {
        parts.add(n + " " + names(txs.get(id)));
      }
    });
    coordinators.forEach((n, txs) -> parts.add(n + " "
        + (txs.containsKey(id) ? names(txs.get(id)) : "[]")));
    return String.join("; ", parts);
  }

  private static String names(List<LogRecord> recs) {
    return recs.stream().map(r -> r.getClass().getSimpleName()).toList().toString();
  }

  private static int indexOf(List<LogRecord> recs, Class<?> type) {
    for (int i = 0; i < recs.size(); i++) {
      if (type.isInstance(recs.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<LogRecord> recs, Class<?> type) {
    for (int i = recs.size() - 1; i >= 0; i--) {
      if (type.isInstance(recs.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
