package io.ringtx.protocol.message;

import io.ringtx.protocol.ring.RingRange;
import java.util.Objects;

/** The answer to a {@link RangeRequest}: hand-off {@code transferId} of {@code range} has begun. */
public record RangeGrant(String transferId, RingRange range) implements Message {
  /** Validates. */
  public RangeGrant {
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(range, "range");
  }
}
