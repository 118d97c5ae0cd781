package io.ringtx.storage;

/**
 * Counters of a store since it was opened: {@code forcedWrites} requested, {@code syncs} (fsyncs)
 * performed for them — their ratio is the mean group-commit batch size — {@code lazyWrites}, and
 * {@code maxBatch}, the most {@code WriteSet}s written with one fsync.
 */
public record StoreStats(long forcedWrites, long syncs, long lazyWrites, long maxBatch) {}
