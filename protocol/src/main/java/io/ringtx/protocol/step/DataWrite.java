package io.ringtx.protocol.step;

import java.util.Objects;

/** Set a key of the data column family to {@code value} at {@code version}; null deletes it. */
public record DataWrite(String key, String value, long version) {
  public DataWrite {
    Objects.requireNonNull(key, "key");
    if (version <= 0) {
      throw new IllegalArgumentException("a written version must be > 0, got " + version);
    }
  }
}
