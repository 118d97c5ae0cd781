package io.ringtx.bench.workload;

import java.util.Objects;

/**
 * What a workload does: how many keys, value size, operations per transaction, how keys are
 * drawn, and the seed of every random choice.
 */
public record WorkloadSettings(
    Workload workload,
    int keys,
    int valueSize,
    int opsPerTxn,
    Workload.Distribution dist,
    double zipfTheta,
    long seed) {
  /** Validates the settings. */
  public WorkloadSettings {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(dist, "dist");
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be >= 1, got " + keys);
    }
    if (workload == Workload.BANK && keys < 2) {
      throw new IllegalArgumentException("bank needs at least 2 accounts, got " + keys);
    }
    if (valueSize < 1) {
      throw new IllegalArgumentException("value size must be >= 1, got " + valueSize);
    }
    if (opsPerTxn < 1) {
      throw new IllegalArgumentException("ops per transaction must be >= 1, got " + opsPerTxn);
    }
    if (dist == Workload.Distribution.ZIPFIAN && !(zipfTheta > 0 && zipfTheta < 1)) {
      throw new IllegalArgumentException("zipfian theta must be in (0, 1), got " + zipfTheta);
    }
  }

  /** The key chooser these settings describe. */
  public KeyChooser keyChooser() {
    return dist == Workload.Distribution.ZIPFIAN
        ? KeyChooser.zipfian(keys, zipfTheta, seed)
        : KeyChooser.uniform(keys);
  }
}
