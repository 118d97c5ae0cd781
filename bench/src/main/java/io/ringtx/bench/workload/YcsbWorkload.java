package io.ringtx.bench.workload;

import io.ringtx.bench.engine.TxBody;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * YCSB's core workloads as transactions of {@code opsPerTxn} operations on keys drawn from the
 * distribution: A (50% reads, 50% updates), B (95/5), C (reads only), F (read-modify-write), and
 * read-only (every operation a read; the transaction is committed as read-only, its reads
 * validated). An update is YCSB's: a blind write of a new value. Every key is loaded first.
 */
public final class YcsbWorkload implements WorkloadDriver {
  private final WorkloadSettings settings;
  private final KeyChooser keys;
  private final Values values;
  private final double readShare;
  private final boolean readModifyWrite;

  YcsbWorkload(WorkloadSettings settings) {
    this.settings = settings;
    this.keys = settings.keyChooser();
    this.values = new Values(settings.valueSize(), settings.seed());
    this.readShare = switch (settings.workload()) {
      case YCSB_A -> 0.5;
      case YCSB_B -> 0.95;
      case YCSB_C, READ_ONLY, YCSB_F -> 1.0;
      default -> throw new IllegalArgumentException("not a YCSB workload: " + settings.workload());
    };
    this.readModifyWrite = settings.workload() == Workload.YCSB_F;
  }

  /** The key of record {@code i}, named as YCSB names them. */
  public static String key(int i) {
    return "user" + i;
  }

  @Override
  public List<TxBody> loadBatches() {
    return Loads.batches(settings.keys(), YcsbWorkload::key, values::at);
  }

  @Override
  public TxBody next(RandomGenerator random) {
    int n = settings.opsPerTxn();
    String[] opKeys = new String[n];
    // null: a read; otherwise the value to write.
    String[] opValues = new String[n];
    for (int i = 0; i < n; i++) {
      opKeys[i] = key(keys.next(random));
      if (readModifyWrite || random.nextDouble() >= readShare) {
        opValues[i] = values.next(random);
      }
    }
    boolean rmw = readModifyWrite;
    // The keys read before this transaction writes them, all read in one round up front.
    List<String> reads = new ArrayList<>(n);
    Set<String> written = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if ((opValues[i] == null || readModifyWrite) && !written.contains(opKeys[i])
          && !reads.contains(opKeys[i])) {
        reads.add(opKeys[i]);
      }
      if (opValues[i] != null) {
        written.add(opKeys[i]);
      }
    }
    return tx -> {
      if (!reads.isEmpty()) {
        tx.getAll(reads);
      }
      for (int i = 0; i < n; i++) {
        if (opValues[i] == null) {
          tx.get(opKeys[i]);
        } else {
          if (rmw) {
            tx.get(opKeys[i]);
          }
          tx.put(opKeys[i], opValues[i]);
        }
      }
    };
  }
}
