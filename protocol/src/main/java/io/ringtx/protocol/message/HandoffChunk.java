package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.RingRange;
import java.util.List;
import java.util.Objects;

/**
 * Part {@code chunk} of hand-off {@code transferId}: the committed keys of {@code range} that
 * {@code from} owned, moving to the receiver. The receiver writes them durably and answers {@link
 * HandoffAck}; with the {@code last} chunk it also starts owning {@code range}, in the same write.
 * Idempotent: a chunk of a hand-off the receiver has completed is acknowledged without writing
 * anything, so a sender that restarted mid-hand-off can send everything again.
 */
public record HandoffChunk(
    String transferId, NodeId from, RingRange range, int chunk, boolean last,
    List<Entry> entries) implements Message {
  /** Validates and copies. */
  public HandoffChunk {
    Objects.requireNonNull(transferId, "transferId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(range, "range");
    entries = List.copyOf(entries);
    if (chunk < 0) {
      throw new IllegalArgumentException("chunk must be >= 0: " + chunk);
    }
  }

  /** One committed key, its value and version (versions move with the keys). */
  public record Entry(String key, String value, long version) {
    /** Validates. */
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (version <= 0) {
        throw new IllegalArgumentException("a stored version is > 0: " + version);
      }
    }
  }
}
