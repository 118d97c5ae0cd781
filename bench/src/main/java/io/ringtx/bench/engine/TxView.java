package io.ringtx.bench.engine;

/**
 * What a workload's transaction sees: reads of committed values (its own writes included) and
 * buffered writes, committed together when the body returns. Valid only while the body runs, on
 * the thread that runs it.
 */
public interface TxView {
  /** The key's value, or null if it is absent. */
  String get(String key);

  /** Buffers a write of {@code value} to {@code key}. */
  void put(String key, String value);
}
