package io.ringtx.protocol.step;

import java.util.Arrays;
import java.util.Objects;

/**
 * Set a node's metadata entry {@code key} to {@code value}; null removes it. Metadata is what a
 * node must keep beside its data and log, e.g. the ring ranges a participant owns and the
 * progress of its key hand-offs, written in the same atomic batch as the data it describes.
 */
public record MetaWrite(String key, byte[] value) {
  /** Validates and copies. */
  public MetaWrite {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a metadata key must not be empty");
    }
    value = value == null ? null : value.clone();
  }

  /** A copy of the value, or null for a removal. */
  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetaWrite m && key.equals(m.key) && Arrays.equals(value, m.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "MetaWrite{" + key + (value == null ? " removed}" : ", " + value.length + " bytes}");
  }
}
