package io.ringtx.protocol.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
  private static final String TOKEN = "0123456789abcdef-token";

  @Test
  void acceptsOnlyTheRightTokenWithTheBearerScheme() {
    BearerToken t = BearerToken.of(TOKEN);

    assertThat(t.accepts("Bearer " + TOKEN)).isTrue();
    assertThat(t.accepts("bearer " + TOKEN)).isTrue();
    assertThat(t.accepts(null)).isFalse();
    assertThat(t.accepts("")).isFalse();
    assertThat(t.accepts("Bearer ")).isFalse();
    assertThat(t.accepts("Bearer " + TOKEN + "x")).isFalse();
    assertThat(t.accepts("Bearer " + TOKEN.substring(1))).isFalse();
    assertThat(t.accepts("Basic " + TOKEN)).isFalse();
    assertThat(t.accepts(TOKEN)).isFalse();
  }

  @Test
  void refusesShortTokensAndTokensThatCannotTravelInAHeader() {
    assertThat(BearerToken.problem("short")).contains("at least 16");
    assertThat(BearerToken.problem("has a space in the middle")).contains("visible ASCII");
    assertThat(BearerToken.problem("sixteen-chars-ok")).isNull();
    assertThatThrownBy(() -> BearerToken.of("tab\tinside-the-token"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_hidesTheToken() {
    assertThat(BearerToken.of(TOKEN).toString()).doesNotContain(TOKEN);
  }
}
