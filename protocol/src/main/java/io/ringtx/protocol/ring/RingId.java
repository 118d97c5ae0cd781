package io.ringtx.protocol.ring;

/**
 * A point on the Chord identifier circle of size 2^{@code bits} (1 ≤ bits ≤ 64), Chord §IV.B.
 *
 * <p>{@code value} is unsigned: with 64 bits, ids at or above 2^63 are negative as a Java long, and
 * every comparison here is unsigned. All interval arithmetic of the ring lives in this class (STYLE
 * §2) so that it is written, and tested, once. Intervals run clockwise from {@code a} to {@code b}
 * and wrap around zero; when {@code a == b} the Chord convention applies: {@code (a, a]} and {@code
 * [a, a)} are the whole ring, {@code (a, a)} is the whole ring except {@code a}.
 */
public record RingId(int bits, long value) implements Comparable<RingId> {

  /** Validates that {@code value} fits in {@code bits}. */
  public RingId {
    if (bits < 1 || bits > 64) {
      throw new IllegalArgumentException("bits must be 1..64: " + bits);
    }
    if ((value & ~mask(bits)) != 0) {
      throw new IllegalArgumentException(
          "id " + Long.toUnsignedString(value) + " does not fit in " + bits + " bits");
    }
  }

  /** The mask of the low {@code bits} bits: 2^bits - 1. */
  static long mask(int bits) {
    return bits == 64 ? -1L : (1L << bits) - 1;
  }

  /** {@code this + 2^i} modulo 2^bits, for 0 ≤ i < bits: the start of finger i (Chord §IV.D). */
  public RingId plusPowerOfTwo(int i) {
    if (i < 0 || i >= bits) {
      throw new IllegalArgumentException("power must be 0.." + (bits - 1) + ": " + i);
    }
    return plus(1L << i);
  }

  /** {@code this + delta} modulo 2^bits ({@code delta} read as unsigned). */
  public RingId plus(long delta) {
    return new RingId(bits, (value + delta) & mask(bits));
  }

  /**
   * The clockwise distance from this id to {@code to}, {@code (to - this) mod 2^bits}, as an
   * unsigned long (compare with {@link Long#compareUnsigned}).
   */
  public long distanceTo(RingId to) {
    sameSpace(to);
    return (to.value - value) & mask(bits);
  }

  /** Whether this id lies in {@code (a, b)}; {@code (a, a)} is every id but {@code a}. */
  public boolean inOpenOpen(RingId a, RingId b) {
    sameSpace(a);
    if (a.value == b.value) {
      return value != a.value;
    }
    long d = a.distanceTo(this);
    return d != 0 && Long.compareUnsigned(d, a.distanceTo(b)) < 0;
  }

  /** Whether this id lies in {@code (a, b]}; {@code (a, a]} is the whole ring. */
  public boolean inOpenClosed(RingId a, RingId b) {
    sameSpace(a);
    if (a.value == b.value) {
      return true;
    }
    long d = a.distanceTo(this);
    return d != 0 && Long.compareUnsigned(d, a.distanceTo(b)) <= 0;
  }

  /** Whether this id lies in {@code [a, b)}; {@code [a, a)} is the whole ring. */
  public boolean inClosedOpen(RingId a, RingId b) {
    sameSpace(a);
    if (a.value == b.value) {
      return true;
    }
    return Long.compareUnsigned(a.distanceTo(this), a.distanceTo(b)) < 0;
  }

  /** Orders ids by their unsigned value (the order of the circle cut at zero). */
  @Override
  public int compareTo(RingId o) {
    sameSpace(o);
    return Long.compareUnsigned(value, o.value);
  }

  /** The unsigned decimal value. */
  @Override
  public String toString() {
    return Long.toUnsignedString(value);
  }

  private void sameSpace(RingId other) {
    if (other.bits != bits) {
      throw new IllegalArgumentException(
          "ids from rings of different sizes: 2^" + bits + " and 2^" + other.bits);
    }
  }
}
