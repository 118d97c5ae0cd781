package io.ringtx.protocol.message;

import java.util.List;

/**
 * The Chord requests that the virtual nodes of one participant send, in one step, to the virtual
 * nodes of another: one RPC instead of one per request (with v virtual nodes per participant,
 * maintenance would otherwise cost v times the calls). Answered by a {@link RingBatchReply}.
 */
public record RingBatch(List<RingEnvelope> items) implements Message {
  /** Validates and copies. */
  public RingBatch {
    items = List.copyOf(items);
    if (items.isEmpty()) {
      throw new IllegalArgumentException("an empty ring batch");
    }
  }
}
