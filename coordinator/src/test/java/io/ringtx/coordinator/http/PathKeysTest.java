package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.ApiErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathKeysTest {
  @Test
  void decode_slashLiteralOrEncoded_givesTheSameKey() {
    assertThat(PathKeys.decode("a/b").key()).isEqualTo("a/b");
    assertThat(PathKeys.decode("a%2Fb").key()).isEqualTo("a/b");
    assertThat(PathKeys.decode("a%2fb").key()).isEqualTo("a/b");
  }

  @Test
  void decode_pathRules_plusIsPlus_dotsAreKept() {
    assertThat(PathKeys.decode("a+b").key()).isEqualTo("a+b");
    assertThat(PathKeys.decode("a/../b").key()).isEqualTo("a/../b");
    assertThat(PathKeys.decode("%20x%25").key()).isEqualTo(" x%");
  }

  @Test
  void decode_utf8() {
    assertThat(PathKeys.decode("%C3%A9%F0%9F%98%80").key()).isEqualTo("é😀");
  }

  @Test
  void decode_malformedEscape_isInvalidKey() {
    for (String raw : new String[] {"%", "a%2", "%zz", "%G0"}) {
      PathKeys.Decoded d = PathKeys.decode(raw);
      assertThat(d.key()).isNull();
      assertThat(d.error().code()).isEqualTo(ApiErrorCode.INVALID_KEY);
      assertThat(d.error().message()).contains("percent-escape");
    }
  }

  @Test
  void decode_invalidUtf8_isInvalidUtf8() {
    PathKeys.Decoded d = PathKeys.decode("%C3%28");
    assertThat(d.error().code()).isEqualTo(ApiErrorCode.INVALID_UTF8);
  }
}
