package io.ringtx.protocol.message;

import java.util.Objects;

/** Read one key at its owning shard. */
public record ReadRequest(String key) implements Message {
  public ReadRequest {
    Objects.requireNonNull(key, "key");
  }
}
