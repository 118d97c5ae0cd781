package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void ceiling_doublesFromBaseUpToTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(100));
    long[] expectedMillis = {1, 2, 4, 8, 16, 32, 64, 100, 100};
    for (int i = 0; i < expectedMillis.length; i++) {
      assertThat(Duration.ofNanos(b.ceilingNanos(i + 1)).toMillis()).isEqualTo(expectedMillis[i]);
    }
    assertThat(b.ceilingNanos(10_000)).isEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void delay_isWithinZeroAndTheCeiling() {
    Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(100));
    Random rnd = new Random(42);
    for (int failures = 1; failures < 30; failures++) {
      long ceilingMillis = Duration.ofNanos(b.ceilingNanos(failures)).toMillis();
      for (int i = 0; i < 50; i++) {
        assertThat(b.delayMillis(failures, rnd)).isBetween(0L, ceilingMillis);
      }
    }
  }

  @Test
  void zeroBase_neverWaits_andHugeValuesDoNotOverflow() {
    assertThat(new Backoff(Duration.ZERO, Duration.ZERO).delayMillis(5, new Random(1))).isZero();
    Backoff huge = new Backoff(Duration.ofDays(1), Duration.ofDays(365 * 100));
    assertThat(huge.ceilingNanos(1000)).isEqualTo(Duration.ofDays(365 * 100).toNanos());
  }
}
