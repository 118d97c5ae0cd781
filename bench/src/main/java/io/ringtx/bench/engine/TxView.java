package io.ringtx.bench.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a workload's transaction sees: reads of committed values (its own writes included) and
 * buffered writes, committed together when the body returns. Valid only while the body runs, on
 * the thread that runs it.
 */
public interface TxView {
  /** The key's value, or null if it is absent. */
  String get(String key);

  /**
   * The values of several keys (null for an absent one), in the order of {@code keys}; an
   * engine that can read them in one round does, the default reads one after another.
   */
  default Map<String, String> getAll(List<String> keys) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, get(k));
    }
    return out;
  }

  /** Buffers a write of {@code value} to {@code key}. */
  void put(String key, String value);
}
