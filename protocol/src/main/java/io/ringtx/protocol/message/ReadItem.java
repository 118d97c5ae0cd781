package io.ringtx.protocol.message;

import java.util.Objects;

/** One entry of a read set: the key and the version the transaction saw (0 = absent). */
public record ReadItem(String key, long version) {
  /** Validates the entry. */
  public ReadItem {
    Objects.requireNonNull(key, "key");
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0 for key '" + key + "'");
    }
  }
}
