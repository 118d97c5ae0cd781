package io.ringtx.bench.workload;

import io.ringtx.bench.engine.TxBody;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One blind put per transaction, of a key drawn from the distribution: a single participant, so
 * RingTx commits it in one phase. Nothing is loaded first.
 */
public final class SingleWorkload implements WorkloadDriver {
  private final KeyChooser keys;
  private final Values values;

  SingleWorkload(WorkloadSettings settings) {
    this.keys = settings.keyChooser();
    this.values = new Values(settings.valueSize(), settings.seed());
  }

  /** The key of slot {@code i}. */
  public static String key(int i) {
    return "single-" + i;
  }

  @Override
  public List<TxBody> loadBatches() {
    return List.of();
  }

  @Override
  public TxBody next(RandomGenerator random) {
    String k = key(keys.next(random));
    String v = values.next(random);
    return tx -> tx.put(k, v);
  }
}
