package io.ringtx.bench.target;

import java.util.Arrays;

/**
 * One coordinator phase's latency histogram at one moment, as its node's metrics give it
 * ({@code ringtx_coordinator_phase_seconds}): cumulative counts at increasing upper bounds in
 * seconds (the {@code +Inf} bucket is {@code count}), their sum in seconds, and the count.
 */
public record PhaseBuckets(double[] bounds, long[] cumulative, double sumSeconds, long count) {
  public PhaseBuckets {
    if (bounds.length != cumulative.length) {
      throw new IllegalArgumentException(
          bounds.length + " bounds but " + cumulative.length + " bucket counts");
    }
    bounds = bounds.clone();
    cumulative = cumulative.clone();
  }

  @Override
  public double[] bounds() {
    return bounds.clone();
  }

  @Override
  public long[] cumulative() {
    return cumulative.clone();
  }

  /** This histogram plus {@code other} (same bounds), or null if the bounds differ. */
  public PhaseBuckets plus(PhaseBuckets other) {
    if (!Arrays.equals(bounds, other.bounds)) {
      return null;
    }
    long[] c = new long[cumulative.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = cumulative[i] + other.cumulative[i];
    }
    return new PhaseBuckets(bounds, c, sumSeconds + other.sumSeconds, count + other.count);
  }

  /** What was observed after {@code earlier} (same bounds), or null if the bounds differ. */
  public PhaseBuckets minus(PhaseBuckets earlier) {
    if (!Arrays.equals(bounds, earlier.bounds)) {
      return null;
    }
    long[] c = new long[cumulative.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = cumulative[i] - earlier.cumulative[i];
    }
    return new PhaseBuckets(bounds, c, sumSeconds - earlier.sumSeconds, count - earlier.count);
  }

  /**
   * The value below which a share {@code q} (0-1) of the observations fall, in seconds, taken
   * linearly within the bucket that holds it (the resolution is the buckets'); the last finite
   * bound if it lies in the {@code +Inf} bucket; NaN when nothing was observed.
   */
  public double quantile(double q) {
    if (count <= 0) {
      return Double.NaN;
    }
    double rank = q * count;
    long below = 0;
    double lower = 0;
    for (int i = 0; i < bounds.length; i++) {
      long in = cumulative[i] - below;
      if (cumulative[i] >= rank && in > 0) {
        return lower + (bounds[i] - lower) * Math.max(0, rank - below) / in;
      }
      below = cumulative[i];
      lower = bounds[i];
    }
    return bounds.length == 0 ? Double.NaN : bounds[bounds.length - 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PhaseBuckets p && Arrays.equals(bounds, p.bounds)
        && Arrays.equals(cumulative, p.cumulative) && sumSeconds == p.sumSeconds
        && count == p.count;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(cumulative) + Long.hashCode(count);
  }

  @Override
  public String toString() {
    return "PhaseBuckets" + Arrays.toString(bounds) + Arrays.toString(cumulative) + " sum "
        + sumSeconds + " count " + count;
  }
}
