package io.ringtx.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.fuzz.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free range check agrees with the JDK's strict decoder. */
class Utf8Test {
  @Test
  void validText_passes() {
    byte[] b = "a é € 😀 \u0000 \uFFFD".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.firstInvalidOffset(b, 0, b.length)).isEqualTo(-1);
  }

  @Test
  void everyKindOfInvalidSequence_isFoundAtItsOffset() {
    for (byte[] bad : Fuzz.INVALID_UTF8) {
      byte[] b = Fuzz.splice("ab".getBytes(StandardCharsets.UTF_8), 1, 1, bad);
      assertThat(Utf8.firstInvalidOffset(b, 0, b.length)).as("%s", b).isEqualTo(1);
    }
    byte[] beyondMax = {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80};
    assertThat(Utf8.firstInvalidOffset(beyondMax, 0, 4)).isZero();
    byte[] overlong3 = {(byte) 0xE0, (byte) 0x80, (byte) 0xAF};
    assertThat(Utf8.firstInvalidOffset(overlong3, 0, 3)).isZero();
  }

  @Test
  void aSequenceCutByTheEndOfTheRange_isInvalid() {
    byte[] b = "é".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.firstInvalidOffset(b, 0, 1)).isZero();
  }

  @Test
  void randomBytes_agreeWithTheJdkDecoder() {
    Random rnd = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(12)];
      for (int k = 0; k < b.length; k++) {
        // Mostly high bytes, so that multi-byte forms of every kind come up.
        b[k] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(128) : 0x80 + rnd.nextInt(128));
      }
      assertThat(Utf8.firstInvalidOffset(b, 0, b.length))
          .as("%s", java.util.HexFormat.of().formatHex(b))
          .isEqualTo(Utf8.firstInvalidOffset(b));
    }
  }
}
