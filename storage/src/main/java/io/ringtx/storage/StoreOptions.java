package io.ringtx.storage;

import java.time.Clock;
import java.util.Objects;

/**
 * Tuning of a {@link RocksNodeStore}; {@link #defaults()} suits a log-heavy node.
 *
 * @param maxBatchSets the most {@code WriteSet}s merged into one RocksDB write (one fsync): bounds
 *     the latency a group commit adds to the first caller of a batch
 * @param writeBufferBytes the memtable size of each column family
 * @param clock stamps appended log entries with {@code timeMillis}
 */
public record StoreOptions(int maxBatchSets, long writeBufferBytes, Clock clock) {
  /** Validates the options. */
  public StoreOptions {
    if (maxBatchSets < 1) {
      throw new IllegalArgumentException("maxBatchSets must be >= 1, got " + maxBatchSets);
    }
    if (writeBufferBytes < 64 * 1024) {
      throw new IllegalArgumentException(
          "writeBufferBytes must be >= 64 KiB, got " + writeBufferBytes);
    }
    Objects.requireNonNull(clock, "clock");
  }

  /** 1,000 sets per batch, 16 MiB memtables, the system UTC clock. */
  public static StoreOptions defaults() {
    return new StoreOptions(1_000, 16L * 1024 * 1024, Clock.systemUTC());
  }

  public StoreOptions withMaxBatchSets(int sets) {
    return new StoreOptions(sets, writeBufferBytes, clock);
  }

  public StoreOptions withWriteBufferBytes(long bytes) {
    return new StoreOptions(maxBatchSets, bytes, clock);
  }

  public StoreOptions withClock(Clock newClock) {
    return new StoreOptions(maxBatchSets, writeBufferBytes, newClock);
  }
}
