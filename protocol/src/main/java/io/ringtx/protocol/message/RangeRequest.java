package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.RingId;
import java.util.Objects;

/**
 * A joining participant to the owner of {@code point}, the id of one of its new virtual nodes:
 * "hand me the part of your range that now belongs to my virtual node at {@code point}". The owner
 * answers {@link RangeGrant} and starts a hand-off, or {@link ErrorReply} {@code NOT_OWNER} if
 * it does not own {@code point} (the asker looks the owner up again).
 */
public record RangeRequest(NodeId requester, RingId point) implements Message {
  /** Validates. */
  public RangeRequest {
    Objects.requireNonNull(requester, "requester");
    Objects.requireNonNull(point, "point");
  }
}
