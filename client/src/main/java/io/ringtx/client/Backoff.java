package io.ringtx.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Randomized exponential backoff ("full jitter"): before attempt n+1 wait a uniform random time
 * in [0, min(max, base·2^(n-1))]. Randomness spreads out clients that conflicted with each other,
 * so that they do not collide again in lockstep. Pure: the random source is passed in.
 */
final class Backoff {
  private final long baseNanos;
  private final long maxNanos;

  Backoff(Duration base, Duration max) {
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The ceiling after the {@code failures}-th failure (1-based). */
  long ceilingNanos(int failures) {
    long c = Math.min(baseNanos, maxNanos);
    for (int i = 1; i < failures && c < maxNanos; i++) {
      c = c > maxNanos / 2 ? maxNanos : c * 2;
    }
    return c;
  }

  /** How long to wait after the {@code failures}-th failure, in milliseconds (may be 0). */
  long delayMillis(int failures, RandomGenerator random) {
    long ceiling = ceilingNanos(failures);
    long nanos = ceiling == 0 ? 0 : random.nextLong(ceiling + 1);
    return Duration.ofNanos(nanos).toMillis();
  }
}
