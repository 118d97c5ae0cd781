package io.ringtx.bench.workload;

import io.ringtx.bench.engine.TxBody;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The transactions of one workload: those that load its initial data, and the stream that the
 * workers run. Immutable and thread-safe; each worker passes its own random source.
 */
public sealed interface WorkloadDriver permits BankWorkload, YcsbWorkload, SingleWorkload {
  /** Most keys written by one loading transaction. */
  int LOAD_BATCH = 200;

  /** Transactions that create the initial data; each must commit. Empty if none is needed. */
  List<TxBody> loadBatches();

  /** The next transaction of a worker drawing from {@code random}. */
  TxBody next(RandomGenerator random);

  /** The driver of {@code settings}. */
  static WorkloadDriver of(WorkloadSettings settings) {
    return switch (settings.workload()) {
      case BANK -> new BankWorkload(settings);
      case YCSB_A, YCSB_B, YCSB_C, YCSB_F, READ_ONLY -> new YcsbWorkload(settings);
      case SINGLE -> new SingleWorkload(settings);
    };
  }
}
