package io.ringtx.participant.ring;

import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ranges of the ring a participant owns — serves, and holds the keys of — as an immutable,
 * normalised set: disjoint, adjacent ranges merged, sorted by start. Ownership changes only by
 * hand-off: a range leaves one participant's set before it enters another's, so no key ever has
 * two owners (it may briefly have none, and is then refused with NOT_OWNER).
 */
public final class OwnedRanges {
  private final IdSpace space;
  private final List<RingRange> ranges;

  private OwnedRanges(IdSpace space, List<RingRange> ranges) {
    this.space = space;
    this.ranges = List.copyOf(ranges);
  }

  /** Nothing owned. */
  public static OwnedRanges none(IdSpace space) {
    return new OwnedRanges(space, List.of());
  }

  /** Exactly {@code ranges} (normalised; they must not overlap). */
  public static OwnedRanges of(IdSpace space, List<RingRange> ranges) {
    OwnedRanges out = none(space);
    for (RingRange r : ranges) {
      out = out.plus(r);
    }
    return out;
  }

  public List<RingRange> ranges() {
    return ranges;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether the key's id lies in an owned range. */
  public boolean owns(String key) {
    return ownsPoint(space.ofKey(key));
  }

  public boolean ownsPoint(RingId id) {
    return containing(id).isPresent();
  }

  /** The owned range holding {@code id}. */
  public Optional<RingRange> containing(RingId id) {
    for (RingRange r : ranges) {
      if (r.contains(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** These ranges and {@code r}, which must not overlap any of them. */
  public OwnedRanges plus(RingRange r) {
    for (RingRange o : ranges) {
      if (overlap(o, r)) {
        throw new IllegalArgumentException("range " + r + " overlaps owned range " + o);
      }
    }
    List<RingRange> out = new ArrayList<>(ranges);
    RingRange merged = r;
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = 0; i < out.size(); i++) {
        RingRange o = out.get(i);
        if (isWhole(merged)) {
          break;
        }
        if (o.end().equals(merged.start())) {
          merged = new RingRange(o.start(), merged.end());
        } else if (merged.end().equals(o.start())) {
          merged = new RingRange(merged.start(), o.end());
        } else {
          continue;
        }
        out.remove(i);
        changed = true;
        break;
      }
    }
    out.add(merged);
    out.sort(Comparator.comparing(RingRange::start));
    return new OwnedRanges(space, out);
  }

  /** These ranges without {@code r}, which must lie within one of them. */
  public OwnedRanges minus(RingRange r) {
    List<RingRange> out = new ArrayList<>();
    boolean found = false;
    for (RingRange o : ranges) {
      if (found || !within(r, o)) {
        out.add(o);
        continue;
      }
      found = true;
      if (isWhole(o)) {
        if (!isWhole(r)) {
          out.add(new RingRange(r.end(), r.start()));
        }
        continue;
      }
      if (!o.start().equals(r.start())) {
        out.add(new RingRange(o.start(), r.start()));
      }
      if (!o.end().equals(r.end())) {
        out.add(new RingRange(r.end(), o.end()));
      }
    }
    if (!found) {
      throw new IllegalArgumentException("range " + r + " is not within an owned range");
    }
    out.sort(Comparator.comparing(RingRange::start));
    return new OwnedRanges(space, out);
  }

  /** The fraction of the ring these ranges cover, 0..1. */
  public double share() {
    double sum = 0;
    for (RingRange r : ranges) {
      sum += isWhole(r) ? Math.pow(2, space.bits()) : unsigned(r.start().distanceTo(r.end()));
    }
    return sum / Math.pow(2, space.bits());
  }

  static boolean isWhole(RingRange r) {
    return r.start().equals(r.end());
  }

  /** Whether {@code inner} lies within {@code outer}. */
  static boolean within(RingRange inner, RingRange outer) {
    if (isWhole(outer)) {
      return true;
    }
    if (isWhole(inner)) {
      return false;
    }
    // Clockwise from outer's start: inner's start comes before inner's end, which comes no later
    // than outer's end.
    long toStart = outer.start().distanceTo(inner.start());
    long toEnd = outer.start().distanceTo(inner.end());
    return Long.compareUnsigned(toStart, toEnd) < 0
        && Long.compareUnsigned(toEnd, outer.start().distanceTo(outer.end())) <= 0;
  }

  static boolean overlap(RingRange a, RingRange b) {
    if (isWhole(a) || isWhole(b)) {
      return true;
    }
    // Two arcs (s, e] overlap iff one contains the other's end.
    return a.contains(b.end()) || b.contains(a.end());
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : v + Math.pow(2, 64);
  }

  /** Whether these ranges are the whole ring. */
  public boolean isWholeRing() {
    return ranges.size() == 1 && isWhole(ranges.get(0));
  }

  /**
   * The same ranges. The whole ring is one range (x, x] whose x depends on the order in which
   * its parts were merged; every such x is the same set of ids.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof OwnedRanges r
        && (r.ranges.equals(ranges) || (r.isWholeRing() && isWholeRing()));
  }

  @Override
  public int hashCode() {
    return isWholeRing() ? 1 : ranges.hashCode();
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}
