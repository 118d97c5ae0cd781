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
 * @param backgroundSyncMicros the longest a set forced in the background ({@code
 *     WriteSet.background()}) waits, once written, for a later forced batch to make it durable
 *     before the store's writer thread forces it with an fsync of its own
 */
public record StoreOptions(
    int maxBatchSets, long writeBufferBytes, Clock clock, long backgroundSyncMicros) {
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
    if (backgroundSyncMicros < 0 || backgroundSyncMicros > MAX_BACKGROUND_SYNC_MICROS) {
      throw new IllegalArgumentException("backgroundSyncMicros must be within 0-"
          + MAX_BACKGROUND_SYNC_MICROS + ", got " + backgroundSyncMicros);
    }
  }

  /**
   * The upper bound of {@link #backgroundSyncMicros}: 100 ms, half the coordinator's first resend
   * of an unacknowledged decision, which such a write holds back.
   */
  public static final long MAX_BACKGROUND_SYNC_MICROS = 100_000;

  /** The default of {@link #backgroundSyncMicros}. */
  public static final long DEFAULT_BACKGROUND_SYNC_MICROS = 20_000;

  /**
   * 1,000 sets per batch, 16 MiB memtables, the system UTC clock, background-forced sets durable
   * within 20 ms (on this project's VM a participant at one client gets its next forced write
   * within a few ms, so it nearly always covers them).
   */
  public static StoreOptions defaults() {
    return new StoreOptions(
        1_000, 16L * 1024 * 1024, Clock.systemUTC(), DEFAULT_BACKGROUND_SYNC_MICROS);
  }

  public StoreOptions withMaxBatchSets(int sets) {
    return new StoreOptions(sets, writeBufferBytes, clock, backgroundSyncMicros);
  }

  public StoreOptions withWriteBufferBytes(long bytes) {
    return new StoreOptions(maxBatchSets, bytes, clock, backgroundSyncMicros);
  }

  public StoreOptions withClock(Clock newClock) {
    return new StoreOptions(maxBatchSets, writeBufferBytes, newClock, backgroundSyncMicros);
  }

  public StoreOptions withBackgroundSyncMicros(long micros) {
    return new StoreOptions(maxBatchSets, writeBufferBytes, clock, micros);
  }
}
