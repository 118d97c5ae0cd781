package io.ringtx.protocol.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.ringtx.protocol.id.NodeId;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ring's interval arithmetic, tested once (STYLE §2): exhaustively against a walk around the
 * circle on small rings, and on the 2^64 ring at the unsigned edges and against a BigInteger model.
 */
class RingIdTest {
  private static final String REPLAY =
      "mvn -B -q verify -pl protocol -Dtest=RingIdTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dringtx.seed=";
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  /** Members of an interval found by walking clockwise from a, one id at a time. */
  private static boolean walk(
      int bits, long a, long b, long x, boolean openStart, boolean openEnd) {
    long size = 1L << bits;
    if (a == b) {
      // Chord convention: (a, a] and [a, a) are the whole ring, (a, a) all but a.
      return !(openStart && openEnd) || x != a;
    }
    for (long i = 0, id = a; i <= size; i++, id = (id + 1) % size) {
      boolean atStart = id == a;
      boolean atEnd = id == b;
      if (id == x) {
        return !(atStart && openStart) && !(atEnd && openEnd);
      }
      if (atEnd) {
        return false;
      }
    }
    throw new AssertionError("unreachable");
  }

  @Test
  void intervals_onSmallRings_matchAWalkAroundTheCircle_includingWrapAndDegenerateCases() {
    // DESIGN §4 / Chord §IV.B: intervals run clockwise and wrap around zero.
    for (int bits = 1; bits <= 5; bits++) {
      IdSpace space = new IdSpace(bits);
      long size = 1L << bits;
      for (long a = 0; a < size; a++) {
        for (long b = 0; b < size; b++) {
          for (long x = 0; x < size; x++) {
            RingId ia = space.id(a);
            RingId ib = space.id(b);
            RingId ix = space.id(x);
            String at = "m=" + bits + " a=" + a + " b=" + b + " x=" + x;
            assertThat(ix.inOpenOpen(ia, ib))
                .as("(a,b) " + at)
                .isEqualTo(walk(bits, a, b, x, true, true));
            assertThat(ix.inOpenClosed(ia, ib))
                .as("(a,b] " + at)
                .isEqualTo(walk(bits, a, b, x, true, false));
            assertThat(ix.inClosedOpen(ia, ib))
                .as("[a,b) " + at)
                .isEqualTo(walk(bits, a, b, x, false, true));
          }
        }
      }
    }
  }

  @Test
  void degenerateIntervals_followTheChordConvention() {
    IdSpace m6 = new IdSpace(6);
    RingId a = m6.id(20);
    for (long x = 0; x < 64; x++) {
      RingId id = m6.id(x);
      assertThat(id.inOpenClosed(a, a)).as("(a, a] is the whole ring").isTrue();
      assertThat(id.inClosedOpen(a, a)).as("[a, a) is the whole ring").isTrue();
      assertThat(id.inOpenOpen(a, a)).as("(a, a) is all but a").isEqualTo(x != 20);
    }
  }

  @Test
  void plusPowerOfTwo_isTheFingerStart_andWraps() {
    // Chord §IV.D: finger i starts at (n + 2^i) mod 2^m.
    IdSpace m6 = new IdSpace(6);
    assertThat(m6.id(8).plusPowerOfTwo(0)).isEqualTo(m6.id(9));
    assertThat(m6.id(8).plusPowerOfTwo(5)).isEqualTo(m6.id(40));
    assertThat(m6.id(60).plusPowerOfTwo(5)).isEqualTo(m6.id(28));
    assertThat(m6.id(63).plus(1)).isEqualTo(m6.id(0));
    assertThatThrownBy(() -> m6.id(1).plusPowerOfTwo(6))
        .isInstanceOf(IllegalArgumentException.class);

    IdSpace m64 = IdSpace.SHA256_64;
    assertThat(m64.id(0).plusPowerOfTwo(63)).isEqualTo(m64.id(Long.MIN_VALUE));
    assertThat(m64.id(Long.MIN_VALUE).plusPowerOfTwo(63)).isEqualTo(m64.id(0));
    assertThat(m64.id(-1L).plusPowerOfTwo(0)).isEqualTo(m64.id(0));
    assertThat(m64.id(Long.MAX_VALUE).plusPowerOfTwo(0)).isEqualTo(m64.id(Long.MIN_VALUE));
  }

  @Test
  void m64_isUnsigned_atTheEdges() {
    IdSpace m64 = IdSpace.SHA256_64;
    RingId max = m64.id(-1L); // 2^64 - 1
    RingId zero = m64.id(0);
    RingId one = m64.id(1);
    RingId below = m64.id(Long.MAX_VALUE); // 2^63 - 1
    RingId above = m64.id(Long.MIN_VALUE); // 2^63

    assertThat(max.toString()).isEqualTo("18446744073709551615");
    assertThat(max.compareTo(zero)).isPositive();
    assertThat(above.compareTo(below)).as("2^63 > 2^63 - 1 unsigned").isPositive();

    assertThat(max.distanceTo(zero)).isEqualTo(1);
    assertThat(zero.distanceTo(max)).isEqualTo(-1L); // 2^64 - 1, unsigned
    assertThat(below.distanceTo(above)).isEqualTo(1);

    // (2^64-1, 1] wraps through zero.
    assertThat(zero.inOpenClosed(max, one)).isTrue();
    assertThat(one.inOpenClosed(max, one)).isTrue();
    assertThat(max.inOpenClosed(max, one)).isFalse();
    assertThat(m64.id(2).inOpenClosed(max, one)).isFalse();
    // (2^63-1, 2^63] holds only 2^63: no signed-order confusion at the sign bit.
    assertThat(above.inOpenClosed(below, above)).isTrue();
    assertThat(zero.inOpenClosed(below, above)).isFalse();
    assertThat(max.inOpenClosed(below, above)).isFalse();
    // (2^63, 2^63-1] is all but 2^63.
    assertThat(zero.inOpenClosed(above, below)).isTrue();
    assertThat(max.inOpenClosed(above, below)).isTrue();
    assertThat(below.inOpenClosed(above, below)).isTrue();
    assertThat(above.inOpenClosed(above, below)).isFalse();
    assertThat(above.inClosedOpen(above, below)).isTrue();
    assertThat(below.inClosedOpen(above, below)).isFalse();
    assertThat(zero.inOpenOpen(max, one)).isTrue();
    assertThat(one.inOpenOpen(max, one)).isFalse();
  }

  @Test
  void m64_intervals_matchABigIntegerModel_onRandomIds() {
    long seed = Long.getLong("ringtx.seed", System.nanoTime());
    SplittableRandom rnd = new SplittableRandom(seed);
    IdSpace m64 = IdSpace.SHA256_64;
    try {
      for (int i = 0; i < 200_000; i++) {
        long a = edgy(rnd);
        long b = rnd.nextInt(4) == 0 ? a + rnd.nextInt(-2, 3) : edgy(rnd);
        long x = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? a : b) + rnd.nextInt(-1, 2) : edgy(rnd);
        BigInteger dx = unsigned(x).subtract(unsigned(a)).mod(TWO_64);
        BigInteger db = unsigned(b).subtract(unsigned(a)).mod(TWO_64);
        boolean whole = a == b;
        boolean openClosed = whole || (dx.signum() > 0 && dx.compareTo(db) <= 0);
        boolean openOpen = whole ? x != a : dx.signum() > 0 && dx.compareTo(db) < 0;
        boolean closedOpen = whole || dx.compareTo(db) < 0;
        RingId ia = m64.id(a);
        RingId ib = m64.id(b);
        RingId ix = m64.id(x);
        String at = "a=" + ia + " b=" + ib + " x=" + ix;
        assertThat(ix.inOpenClosed(ia, ib)).as("(a,b] " + at).isEqualTo(openClosed);
        assertThat(ix.inOpenOpen(ia, ib)).as("(a,b) " + at).isEqualTo(openOpen);
        assertThat(ix.inClosedOpen(ia, ib)).as("[a,b) " + at).isEqualTo(closedOpen);
        assertThat(unsigned(ia.distanceTo(ix))).as("distance " + at).isEqualTo(dx);
      }
    } catch (AssertionError e) {
      fail("seed " + seed + "\nreplay: " + REPLAY + seed, e);
    }
  }

  /** Random 64-bit ids, often near 0, 2^63 and 2^64 - 1. */
  private static long edgy(SplittableRandom rnd) {
    return switch (rnd.nextInt(5)) {
      case 0 -> rnd.nextInt(-3, 4);
      case 1 -> Long.MIN_VALUE + rnd.nextInt(-3, 4);
      default -> rnd.nextLong();
    };
  }

  private static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  @Test
  void ids_mustFitTheirRing_andRingsDoNotMix() {
    assertThatThrownBy(() -> new IdSpace(6).id(64)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IdSpace(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IdSpace(65)).isInstanceOf(IllegalArgumentException.class);
    RingId six = new IdSpace(6).id(3);
    RingId seven = new IdSpace(7).id(3);
    assertThatThrownBy(() -> six.inOpenClosed(seven, seven))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> six.distanceTo(seven)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hash_isSha256TruncatedToTheFirstMBits() throws Exception {
    // DESIGN §4: ids from a cryptographic hash of a node id + virtual index and of a key.
    long full = sha256First8Bytes("p1#7");
    NodeId p1 = NodeId.of("p1");
    assertThat(IdSpace.SHA256_64.ofVirtualNode(p1, 7).value()).isEqualTo(full);
    assertThat(new IdSpace(6).ofVirtualNode(p1, 7).value()).isEqualTo(full >>> 58);
    assertThat(new IdSpace(1).ofKey("k").value()).isEqualTo(sha256First8Bytes("k") >>> 63);
    assertThat(IdSpace.SHA256_64.ofKey("account-42").value())
        .isEqualTo(sha256First8Bytes("account-42"));
  }

  private static long sha256First8Bytes(String s) throws Exception {
    byte[] d = java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return java.nio.ByteBuffer.wrap(d).getLong();
  }
}
