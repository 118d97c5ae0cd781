package io.ringtx.client;

import java.util.Objects;

/**
 * A key's last committed value and its version (DESIGN §2: the version increases at every
 * committed write of the key).
 *
 * @param key the key
 * @param value its value, never null (an absent key is an empty {@code Optional}, not a KeyValue)
 * @param version its version, at least 1
 */
public record KeyValue(String key, String value, long version) {
  /** Validates the pair. */
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
