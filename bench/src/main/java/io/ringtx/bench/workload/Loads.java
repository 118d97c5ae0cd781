package io.ringtx.bench.workload;

import io.ringtx.bench.engine.TxBody;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Loading transactions: the keys cut into batches of {@link WorkloadDriver#LOAD_BATCH}. */
final class Loads {
  private Loads() {}

  static List<TxBody> batches(int keys, IntFunction<String> keyName, IntFunction<String> value) {
    List<TxBody> batches = new ArrayList<>();
    for (int from = 0; from < keys; from += WorkloadDriver.LOAD_BATCH) {
      int start = from;
      int end = Math.min(keys, from + WorkloadDriver.LOAD_BATCH);
      batches.add(tx -> {
        for (int i = start; i < end; i++) {
          tx.put(keyName.apply(i), value.apply(i));
        }
      });
    }
    return batches;
  }
}
