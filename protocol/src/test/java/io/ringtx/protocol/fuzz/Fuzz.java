package io.ringtx.protocol.fuzz;

import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded hostile inputs for fuzz tests: the seed of every case is printed on failure with the one
 * command that replays it. {@code -Dringtx.iterations=N} runs N cases instead of the bounded
 * default; {@code -Dringtx.seed=S} starts from seed S (case i uses seed S + i).
 */
public final class Fuzz {
  private Fuzz() {}

  /** One case: its own random source. */
  @FunctionalInterface
  public interface Case {
    void run(Random rnd) throws Exception;
  }

  /**
   * Runs {@code defaultIterations} cases (or {@code ringtx.iterations}); a failing case fails the
   * test with its seed and {@code replay} followed by the seed options.
   *
   * @param replay the command that runs this test alone, without the seed options
   */
  public static void cases(int defaultIterations, String replay, Case c) {
    long base = Long.getLong("ringtx.seed", System.nanoTime());
    int iterations = Integer.getInteger("ringtx.iterations", defaultIterations);
    for (int i = 0; i < iterations; i++) {
      long seed = base + i;
      try {
        c.run(new Random(seed));
      } catch (Throwable t) {
        fail("seed " + seed + " failed: " + t + "\nreplay: " + replay + " -Dringtx.seed=" + seed
            + " -Dringtx.iterations=1", t);
      }
    }
  }

  /** Random bytes, 0 to {@code max} long. */
  public static byte[] bytes(Random rnd, int max) {
    byte[] b = new byte[rnd.nextInt(max + 1)];
    rnd.nextBytes(b);
    return b;
  }

  /**
   * A mutation of {@code valid}: truncated, a byte flipped or replaced, bytes inserted or removed,
   * an invalid UTF-8 sequence inserted, or a piece duplicated.
   */
  public static byte[] mutate(Random rnd, byte[] valid) {
    if (valid.length == 0) {
      return bytes(rnd, 16);
    }
    int at = rnd.nextInt(valid.length);
    switch (rnd.nextInt(6)) {
      case 0:
        return Arrays.copyOf(valid, rnd.nextInt(valid.length));
      case 1: {
        byte[] b = valid.clone();
        b[at] ^= (byte) (1 << rnd.nextInt(8));
        return b;
      }
      case 2: {
        byte[] b = valid.clone();
        b[at] = (byte) rnd.nextInt(256);
        return b;
      }
      case 3:
        return splice(valid, at, at, INVALID_UTF8[rnd.nextInt(INVALID_UTF8.length)]);
      case 4:
        return splice(valid, at, Math.min(valid.length, at + 1 + rnd.nextInt(8)), new byte[0]);
      default: {
        int end = Math.min(valid.length, at + 1 + rnd.nextInt(32));
        return splice(valid, at, at, Arrays.copyOfRange(valid, at, end));
      }
    }
  }

  /** {@code b} with {@code [from, to)} replaced by {@code insert}. */
  public static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    byte[] out = new byte[from + insert.length + (b.length - to)];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(b, to, out, from + insert.length, b.length - to);
    return out;
  }

  /** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, truncated. */
  public static final byte[][] INVALID_UTF8 = {
    {(byte) 0x80},
    {(byte) 0xC0, (byte) 0xAF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xFF},
  };

  /** JSON nested {@code depth} arrays deep inside an object field of {@code prefix}. */
  public static byte[] deepJson(String prefix, int depth) {
    StringBuilder b = new StringBuilder(prefix.length() + 2 * depth + 8);
    b.append(prefix);
    b.append("[".repeat(depth)).append("]".repeat(depth)).append('}');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
