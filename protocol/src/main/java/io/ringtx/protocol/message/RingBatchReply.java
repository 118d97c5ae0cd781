package io.ringtx.protocol.message;

import io.ringtx.protocol.ring.RingMessage;
import java.util.List;

/** One Chord response per request of a {@link RingBatch}, in the same order. */
public record RingBatchReply(List<RingMessage.Response> responses) implements Message {
  /** Copies. */
  public RingBatchReply {
    responses = List.copyOf(responses);
  }
}
