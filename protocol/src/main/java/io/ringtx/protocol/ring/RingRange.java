package io.ringtx.protocol.ring;

import java.util.Objects;

/**
 * The ids a virtual node owns, {@code (start, end]} clockwise (Chord §IV.B: a key belongs to its
 * successor). {@code start == end} is the whole ring: a node alone owns everything.
 */
public record RingRange(RingId start, RingId end) {
  /** Validates the fields. */
  public RingRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.bits() != end.bits()) {
      throw new IllegalArgumentException("range ends from rings of different sizes");
    }
  }

  /** Whether {@code id} lies in this range. */
  public boolean contains(RingId id) {
    return id.inOpenClosed(start, end);
  }

  /** {@code (start, end]}. */
  @Override
  public String toString() {
    return "(" + start + ", " + end + "]";
  }
}
