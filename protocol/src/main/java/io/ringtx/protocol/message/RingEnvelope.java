package io.ringtx.protocol.message;

import io.ringtx.protocol.ring.RingMessage;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.Objects;

/** One Chord request from the virtual node {@code from} to the virtual node {@code to}. */
public record RingEnvelope(VirtualNode from, VirtualNode to, RingMessage.Request request) {
  /** Validates. */
  public RingEnvelope {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(request, "request");
  }
}
