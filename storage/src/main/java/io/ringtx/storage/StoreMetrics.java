package io.ringtx.storage;

import io.ringtx.protocol.metrics.PromText;

/** The metrics every node reports about its store, in the Prometheus text format. */
public final class StoreMetrics {
  private StoreMetrics() {}

  /** Appends the store's counters and its group-commit batch histogram to {@code out}. */
  public static PromText render(PromText out, NodeStore store) {
    StoreStats s = store.stats();
    NodeStore.Pruned pruned = store.prunedTotal();
    return out
        .counter("ringtx_store_forced_writes_total",
            "Write sets that asked to be durable before they complete.", s.forcedWrites())
        .counter("ringtx_store_syncs_total",
            "fsyncs performed (one per group-commit batch that held a forced write).", s.syncs())
        .counter("ringtx_store_lazy_writes_total",
            "Write sets that did not ask to be durable.", s.lazyWrites())
        .counter("ringtx_store_pruned_records_total",
            "Log records removed as older than the outcome retention window.", pruned.records())
        .counter("ringtx_store_pruned_transactions_total",
            "Finished transactions forgotten (log and index) after the outcome retention window.",
            pruned.transactions())
        .histogram("ringtx_store_sync_batch_size",
            "Write sets made durable by one fsync (the group-commit batch size).",
            store.syncBatchSizes());
  }
}
