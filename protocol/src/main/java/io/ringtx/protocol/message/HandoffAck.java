package io.ringtx.protocol.message;

import java.util.Objects;

/** Chunk {@code chunk} of hand-off {@code transferId} is durable at the receiver. */
public record HandoffAck(String transferId, int chunk) implements Message {
  /** Validates. */
  public HandoffAck {
    Objects.requireNonNull(transferId, "transferId");
  }
}
