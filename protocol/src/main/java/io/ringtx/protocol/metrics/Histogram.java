package io.ringtx.protocol.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram with fixed upper bounds: cumulative bucket counts, a sum and a count.
 * Thread-safe and allocation-free on {@link #observe}; rendered by {@link PromText#histogram}.
 */
public final class Histogram {
  /**
   * Latency bounds in seconds, 0.1 ms to 10 s: fine where 2PC phases live (a forced write, a
   * round trip: tenths of a millisecond to a few milliseconds), coarse beyond.
   */
  public static final double[] LATENCY_SECONDS = {
    0.0001, 0.0002, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005,
    0.0075, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10
  };

  private final double[] bounds;
  private final AtomicLongArray buckets;
  private final LongAdder count = new LongAdder();
  /** The sum in units of {@code 1 / scale}, kept as a long so that adding is exact. */
  private final LongAdder sumUnits = new LongAdder();
  private final double scale;

  /**
   * @param bounds strictly increasing upper bounds (the {@code +Inf} bucket is implicit)
   * @param scale how many observation units make one unit of the bounds (1000 for
   *     milliseconds observed against bounds in seconds, 1 for plain counts)
   */
  public Histogram(double[] bounds, double scale) {
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException("bounds must increase: " + Arrays.toString(bounds));
      }
    }
    this.bounds = bounds.clone();
    this.buckets = new AtomicLongArray(bounds.length);
    this.scale = scale;
  }

  /** A latency histogram observed in nanoseconds and reported in seconds. */
  public static Histogram nanosAsSeconds() {
    return new Histogram(LATENCY_SECONDS, 1e9);
  }

  /** Records one observation, in the units given by the scale. */
  public void observe(long units) {
    double v = units / scale;
    for (int i = 0; i < bounds.length; i++) {
      if (v <= bounds[i]) {
        buckets.incrementAndGet(i);
        break;
      }
    }
    count.increment();
    sumUnits.add(units);
  }

  /** Observations so far. */
  public long count() {
    return count.sum();
  }

  double[] bounds() {
    return bounds.clone();
  }

  /** Cumulative counts per bound, as the text format wants them. */
  long[] cumulative() {
    long[] out = new long[bounds.length];
    long acc = 0;
    for (int i = 0; i < bounds.length; i++) {
      acc += buckets.get(i);
      out[i] = acc;
    }
    return out;
  }

  double sum() {
    return sumUnits.sum() / scale;
  }
}
