package io.ringtx.bench.workload;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A pool of random printable values of one size, drawn once from a seed, so that writing a value
 * costs a pick rather than building a string per write.
 */
final class Values {
  private static final int POOL = 256;
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final String[] pool;

  Values(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    pool = new String[POOL];
    char[] c = new char[size];
    for (int i = 0; i < POOL; i++) {
      for (int j = 0; j < size; j++) {
        c[j] = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
      }
      pool[i] = new String(c);
    }
  }

  String next(RandomGenerator random) {
    return pool[random.nextInt(POOL)];
  }

  /** A value fixed by {@code index}, for loading: a retried load writes the same values. */
  String at(int index) {
    return pool[Math.floorMod(index, POOL)];
  }
}
