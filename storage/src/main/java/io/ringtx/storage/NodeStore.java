package io.ringtx.storage;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.metrics.Histogram;
import io.ringtx.protocol.step.DataView;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * The durable state of one node: committed data (key → value, version), the stable log, and per
 * transaction the latest log record (the transaction's state), all in one store so that one
 * {@link WriteSet} is applied atomically.
 *
 * <p>{@link #write} never blocks its caller: the write runs on the store's own thread, and forced
 * writes that are queued together share one fsync (group commit). The returned future completes
 * only once the write is durable (forced) or applied (lazy), on the store's thread; callers hop
 * back to their own context. Callbacks attached to it run on that thread, so they must not block
 * (nor wait for another write, nor call {@link #close()}): they would stall every writer.
 *
 * <p>Reads are synchronous and thread-safe, and see only writes that RocksDB has accepted: a
 * write is visible no later than its future completes, never before it is applied.
 */
public interface NodeStore extends DataView, AutoCloseable {

  /**
   * Applies {@code writes} atomically: the log records are appended in order, each record's
   * transaction state is set to it, and the data writes are applied. Completes with the sequence
   * number of the last record appended (the current last seq if {@code writes} has no records),
   * or exceptionally if the write failed (the caller must then treat none of it as written) or
   * the store is closed ({@link IllegalStateException}). Writes are applied in the order they
   * were submitted, forced or lazy alike.
   */
  CompletableFuture<Long> write(WriteSet writes);

  /**
   * As {@link #write(WriteSet)}, for a caller on an event loop that has more work at hand: the
   * write may wait until {@code endOfTurn} runs a task this hands it, be written then with every
   * other write submitted before it, on that thread, and complete there (a store may also write
   * it as {@link #write(WriteSet)} does). {@code endOfTurn} must run the task only after the
   * work at hand, like an event loop's task queue; {@code null} means a plain {@link
   * #write(WriteSet)}.
   */
  default CompletableFuture<Long> write(WriteSet writes, Executor endOfTurn) {
    return write(writes);
  }

  /** The latest log record of {@code txId}, if any is retained. */
  Optional<LogRecord> txState(TxId txId);

  /** Calls {@code action} for the latest record of every retained transaction. */
  void forEachTx(BiConsumer<TxId, LogRecord> action);

  /**
   * The transactions whose latest record is of {@code type}: what recovery starts from (PREPARED
   * at a participant, COMMIT without END at a coordinator).
   */
  default <T extends LogRecord> List<T> latestRecordsOf(Class<T> type) {
    List<T> out = new ArrayList<>();
    forEachTx((tx, rec) -> {
      if (type.isInstance(rec)) {
        out.add(type.cast(rec));
      }
    });
    return out;
  }

  /** Calls {@code action} for every log entry with {@code seq >= fromSeq}, in log order. */
  void forEachLogEntry(long fromSeq, Consumer<LogEntry> action);

  /** The log entries of each of {@code ids}, in log order (one pass over the log). */
  default Map<TxId, List<LogEntry>> logEntriesOf(Set<TxId> ids) {
    Map<TxId, List<LogEntry>> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    forEachLogEntry(0, e -> {
      if (ids.contains(e.record().txId())) {
        out.computeIfAbsent(e.record().txId(), t -> new ArrayList<>()).add(e);
      }
    });
    return out;
  }

  /**
   * The metadata entries (written with {@link io.ringtx.protocol.step.MetaWrite}) whose key
   * starts with {@code prefix}, by key.
   */
  Map<String, byte[]> metaWithPrefix(String prefix);

  /**
   * Calls {@code action} for every key of the committed data with its value and version, in key
   * byte order, from one snapshot (operator checks, e.g. that every key is at its owner).
   */
  void forEachData(BiConsumer<String, Versioned> action);

  /** The highest data version ever written (0 for an empty store); survives a restart. */
  long lastVersion();

  /** Counters for metrics: forced writes requested, fsyncs done, lazy writes. */
  StoreStats stats();

  /** What {@link #prune} removed: log records, and transactions dropped from the index. */
  record Pruned(long records, long transactions) {}

  /**
   * Removes the history of every transaction whose latest log record was appended before {@code
   * olderThanMillis} (epoch millis) and is {@code finished}: all its log records and its entry in
   * the transaction index, so that {@link #txState} no longer knows it. Data is not touched. A
   * transaction that is not finished (in doubt, a decision not yet acknowledged) keeps every
   * record, however old, and is looked at again by the next call; so is the transaction of the
   * last record written. Runs alongside writes (a node calls it from a worker thread) and holds
   * them up only for a moment at a time; the deletions are not forced: one lost in a crash is
   * made again by a later call.
   */
  default Pruned prune(long olderThanMillis, Predicate<LogRecord> finished) {
    return prune(olderThanMillis, finished, nanos -> { });
  }

  /**
   * As {@link #prune(long, Predicate)}, calling {@code afterChunk} with the nanoseconds each
   * chunk of the pass took (reading its entries, deciding, deleting), on the pass's thread and not
   * holding writes up: it may sleep to spread the pass out, and it stops the pass (keeping what
   * was removed) by throwing. The store cannot close while a pass runs.
   */
  Pruned prune(long olderThanMillis, Predicate<LogRecord> finished, LongConsumer afterChunk);

  /** Everything {@link #prune} removed since the store was opened. */
  Pruned prunedTotal();

  /**
   * Write sets per fsync (the group-commit batch size) as a histogram; empty for a store that
   * does not batch.
   */
  default Histogram syncBatchSizes() {
    return new Histogram(new double[] {1}, 1);
  }

  /** Stops the writer thread (after draining queued writes) and closes RocksDB. */
  @Override
  void close();
}
