package io.ringtx.protocol.api;

import static io.ringtx.protocol.api.JsonContentType.isJsonUtf8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Content-Type rule of every JSON body (coordinator and participant alike). */
class JsonContentTypeTest {
  @Test
  void contentTypeRule() {
    assertThat(isJsonUtf8("application/json")).isTrue();
    assertThat(isJsonUtf8("application/json;charset=utf-8")).isTrue();
    assertThat(isJsonUtf8("application/json; foo=bar")).isTrue();
    assertThat(isJsonUtf8("application/json; charset=latin1")).isFalse();
    assertThat(isJsonUtf8("application/jsonx")).isFalse();
    assertThat(isJsonUtf8("text/json")).isFalse();
  }
}
