package io.ringtx.protocol.step;

import io.ringtx.protocol.log.LogRecord;
import java.util.List;

/**
 * Log records, data writes and metadata writes that must become durable together (one RocksDB
 * WriteBatch). {@code forced}: fsynced before the write completes; otherwise written lazily (a
 * crash may lose it, which presumed abort tolerates for the records that are written this way).
 *
 * <p>{@code background} (forced sets only): nothing the node does next waits for the fsync, only
 * the message that follows the write (a participant's acknowledgement of a decision). The store
 * may then apply the set at once (visible to reads), write it without an fsync, and complete it
 * once a later forced write made it durable (as the log is one sequence) or, if none comes soon,
 * once it forced it itself; the write still completes only once durable. An empty one ({@link
 * #syncBarrier()}) completes once everything written before it is durable.
 */
public record WriteSet(
    List<LogRecord> records, List<DataWrite> data, List<MetaWrite> meta, boolean forced,
    boolean background) {
  public WriteSet {
    records = List.copyOf(records);
    data = List.copyOf(data);
    meta = List.copyOf(meta);
    if (background && !forced) {
      throw new IllegalArgumentException("only a forced write set can be forced in the background");
    }
  }

  /** Forced or lazy, never in the background. */
  public WriteSet(
      List<LogRecord> records, List<DataWrite> data, List<MetaWrite> meta, boolean forced) {
    this(records, data, meta, forced, false);
  }

  /** Records and data only, no metadata. */
  public WriteSet(List<LogRecord> records, List<DataWrite> data, boolean forced) {
    this(records, data, List.of(), forced);
  }

  public static WriteSet forced(List<LogRecord> records, List<DataWrite> data) {
    return new WriteSet(records, data, true);
  }

  /** Forced, in the background: see the class comment. */
  public static WriteSet forcedInBackground(List<LogRecord> records, List<DataWrite> data) {
    return new WriteSet(records, data, List.of(), true, true);
  }

  /**
   * Nothing to write, forced in the background: completes once every write before it is durable,
   * usually with the next forced write (see the class comment).
   */
  public static WriteSet syncBarrier() {
    return forcedInBackground(List.of(), List.of());
  }

  public static WriteSet forced(LogRecord record) {
    return new WriteSet(List.of(record), List.of(), true);
  }

  public static WriteSet lazy(LogRecord record) {
    return new WriteSet(List.of(record), List.of(), false);
  }
}
