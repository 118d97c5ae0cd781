package io.ringtx.bench.workload;

import java.util.random.RandomGenerator;

/**
 * Zipfian ranks in {@code [0, n)}: rank {@code i} has probability proportional to {@code
 * 1/(i+1)^theta}, rank 0 the most popular. The algorithm of YCSB's {@code ZipfianGenerator}
 * (Gray et al., "Quickly Generating Billion-Record Synthetic Databases", SIGMOD 1994): one uniform
 * draw per value, after an O(n) computation of {@code zeta(n, theta)} done once here. Ranks 0 and
 * 1 get their exact probabilities; the rest follow the continuous approximation of the paper.
 *
 * <p>Immutable and thread-safe: the random source is passed to {@link #next}, so a seeded source
 * gives a reproducible sequence.
 */
public final class ZipfianGenerator {
  /** YCSB's default skew. */
  public static final double DEFAULT_THETA = 0.99;

  private final long items;
  private final double theta;
  private final double zetan;
  private final double alpha;
  private final double eta;
  private final double half;

  /**
   * A generator over {@code items} ranks with skew {@code theta}.
   *
   * @throws IllegalArgumentException unless {@code items >= 1} and {@code 0 < theta < 1} (at 1 the
   *     algorithm's exponent {@code 1/(1-theta)} is infinite)
   */
  public ZipfianGenerator(long items, double theta) {
    if (items < 1) {
      throw new IllegalArgumentException("items must be >= 1, got " + items);
    }
    if (!(theta > 0 && theta < 1)) {
      throw new IllegalArgumentException("zipfian theta must be in (0, 1), got " + theta);
    }
    this.items = items;
    this.theta = theta;
    this.zetan = zeta(items, theta);
    double zeta2 = zeta(2, theta);
    this.alpha = 1.0 / (1.0 - theta);
    this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetan);
    this.half = 1.0 + Math.pow(0.5, theta);
  }

  /** {@code sum_{i=1..n} 1/i^theta}, the normalising constant. */
  static double zeta(long n, double theta) {
    double sum = 0;
    for (long i = 1; i <= n; i++) {
      sum += 1.0 / Math.pow(i, theta);
    }
    return sum;
  }

  /** The exact probability of rank {@code i} under the Zipf law this generator approximates. */
  public double probability(long rank) {
    return 1.0 / Math.pow(rank + 1, theta) / zetan;
  }

  /** The next rank, in {@code [0, items)}. */
  public long next(RandomGenerator random) {
    double u = random.nextDouble();
    double uz = u * zetan;
    if (uz < 1.0) {
      return 0;
    }
    if (uz < half) {
      return items > 1 ? 1 : 0;
    }
    long rank = (long) (items * Math.pow(eta * u - eta + 1, alpha));
    return Math.min(Math.max(rank, 0), items - 1);
  }

  public long items() {
    return items;
  }

  public double theta() {
    return theta;
  }
}
