package io.ringtx.bench.workload;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Draws key indexes in {@code [0, keys)}. Thread-safe and immutable: the random source is the
 * caller's, one per worker, so that a seed reproduces each worker's sequence.
 */
public sealed interface KeyChooser permits KeyChooser.Uniform, KeyChooser.Zipfian {
  /** The next key index. */
  int next(RandomGenerator random);

  /** How many keys there are. */
  int keys();

  /** Every key equally likely. */
  static KeyChooser uniform(int keys) {
    return new Uniform(keys);
  }

  /**
   * Zipfian popularity with skew {@code theta}, the popular keys scattered over the key space by a
   * permutation drawn from {@code seed} (YCSB scrambles its zipfian ranks for the same reason: so
   * that the hot keys are not all neighbours and do not all land on one shard). Unlike YCSB's
   * hash-then-modulo, a permutation keeps the distribution exact: no two ranks share a key.
   */
  static KeyChooser zipfian(int keys, double theta, long seed) {
    return new Zipfian(new ZipfianGenerator(keys, theta), permutation(keys, seed));
  }

  private static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Uniform over {@code [0, keys)}. */
  record Uniform(int keys) implements KeyChooser {
    public Uniform {
      if (keys < 1) {
        throw new IllegalArgumentException("keys must be >= 1, got " + keys);
      }
    }

    @Override
    public int next(RandomGenerator random) {
      return random.nextInt(keys);
    }
  }

  /** Zipfian ranks mapped through a fixed permutation. */
  final class Zipfian implements KeyChooser {
    private final ZipfianGenerator ranks;
    private final int[] keyOfRank;

    private Zipfian(ZipfianGenerator ranks, int[] keyOfRank) {
      this.ranks = ranks;
      this.keyOfRank = keyOfRank;
    }

    @Override
    public int next(RandomGenerator random) {
      return keyOfRank[(int) ranks.next(random)];
    }

    @Override
    public int keys() {
      return keyOfRank.length;
    }

    /** The key index of popularity rank {@code rank} (0 = hottest). */
    public int keyOfRank(int rank) {
      return keyOfRank[rank];
    }
  }
}
