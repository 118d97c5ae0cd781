package io.ringtx.protocol.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ids' character check accepts exactly what their documented patterns accept. */
class IdCharsTest {
  static final Pattern TX = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  static final Pattern NODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  static final String ALPHABET = "azAZ09._:-/ é\u0000\uD83D~";

  @Test
  void agreesWithThePatterns_onRandomStrings() {
    Random rnd = new Random(3);
    for (int i = 0; i < 50_000; i++) {
      int len = rnd.nextInt(4) == 0 ? 60 + rnd.nextInt(80) : rnd.nextInt(6);
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < len; k++) {
        b.append(rnd.nextInt(10) == 0
            ? ALPHABET.charAt(rnd.nextInt(ALPHABET.length())) : (char) ('a' + rnd.nextInt(3)));
      }
      String s = b.toString();
      assertThat(TxId.isValid(s)).as("'%s'", s).isEqualTo(TX.matcher(s).matches());
      assertThat(IdChars.valid(s, 64, false)).as("'%s'", s).isEqualTo(NODE.matcher(s).matches());
    }
  }

  @Test
  void badIds_areRefusedNamingTheRule() {
    assertThatThrownBy(() -> TxId.of("a b")).hasMessageContaining("[A-Za-z0-9._:-]");
    assertThatThrownBy(() -> NodeId.of("p:1")).hasMessageContaining("[A-Za-z0-9._-]");
    assertThatThrownBy(() -> NodeId.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(TxId.of("c1-7:x.y_z").value()).isEqualTo("c1-7:x.y_z");
  }
}
