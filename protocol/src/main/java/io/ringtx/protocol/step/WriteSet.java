package io.ringtx.protocol.step;

import io.ringtx.protocol.log.LogRecord;
import java.util.List;

/**
 * Log records, data writes and metadata writes that must become durable together (one RocksDB
 * WriteBatch). {@code forced}: fsynced before the write completes; otherwise written lazily (a
 * crash may lose it, which presumed abort tolerates for the records that are written this way).
 */
public record WriteSet(
    List<LogRecord> records, List<DataWrite> data, List<MetaWrite> meta, boolean forced) {
  public WriteSet {
    records = List.copyOf(records);
    data = List.copyOf(data);
    meta = List.copyOf(meta);
  }

  /** Records and data only, no metadata. */
  public WriteSet(List<LogRecord> records, List<DataWrite> data, boolean forced) {
    this(records, data, List.of(), forced);
  }

  public static WriteSet forced(List<LogRecord> records, List<DataWrite> data) {
    return new WriteSet(records, data, true);
  }

  public static WriteSet forced(LogRecord record) {
    return new WriteSet(List.of(record), List.of(), true);
  }

  public static WriteSet lazy(LogRecord record) {
    return new WriteSet(List.of(record), List.of(), false);
  }
}
