package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.ApiError;
import io.ringtx.protocol.api.ApiErrorCode;
import io.ringtx.protocol.codec.Utf8;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keys in {@code GET /v1/kv/{key}}: the key is the raw request path after {@code /v1/kv/},
 * percent-decoded as UTF-8. A '/' in a key may be sent literally ({@code /v1/kv/a/b}) or as
 * {@code %2F}; both give {@code a/b}. Dot segments are not interpreted and '+' is a plus sign
 * (path rules, not form rules). Pure and package-private; {@link HttpApi} is the only caller.
 */
final class PathKeys {
  /** The decoded key, or the problem with the path; exactly one is non-null. */
  record Decoded(String key, ApiError error) {}

  private PathKeys() {}

  static Decoded decode(String raw) {
    return decode(raw, "key");
  }

  /** As {@link #decode(String)}; {@code what} ("key", "id") names the path's value in errors. */
  static Decoded decode(String raw, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          return new Decoded(
              null,
              new ApiError(
                  ApiErrorCode.INVALID_KEY,
                  what + " in the path has a malformed percent-escape at character " + i));
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x100) {
        // The HTTP request line arrives as ISO-8859-1: a char below 0x100 is one raw byte.
        bytes.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    byte[] b = bytes.toByteArray();
    int bad = Utf8.firstInvalidOffset(b);
    if (bad >= 0) {
      return new Decoded(
          null,
          new ApiError(
              ApiErrorCode.INVALID_UTF8,
              what + " in the path is not valid UTF-8 once percent-decoded (byte " + bad + ")"));
    }
    return new Decoded(new String(b, StandardCharsets.UTF_8), null);
  }
}
