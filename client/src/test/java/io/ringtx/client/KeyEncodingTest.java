package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyEncodingTest {
  @Test
  void encodeKey_keepsOnlyLettersDigitsDashUnderscoreTilde() {
    assertThat(HttpRingTxClient.encodeKey("aZ0-_~")).isEqualTo("aZ0-_~");
    assertThat(HttpRingTxClient.encodeKey("a/b")).isEqualTo("a%2Fb");
    assertThat(HttpRingTxClient.encodeKey("..")).isEqualTo("%2E%2E");
    assertThat(HttpRingTxClient.encodeKey("a b+c%")).isEqualTo("a%20b%2Bc%25");
    assertThat(HttpRingTxClient.encodeKey("é😀")).isEqualTo("%C3%A9%F0%9F%98%80");
  }
}
