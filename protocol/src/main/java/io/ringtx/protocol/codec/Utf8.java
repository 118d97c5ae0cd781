package io.ringtx.protocol.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 checks for input from outside (Jackson accepts overlong forms and surrogates). */
public final class Utf8 {
  private Utf8() {}

  /**
   * The offset of the first byte of {@code bytes} that is not valid UTF-8 (strict: no overlong
   * forms, no encoded surrogates, nothing truncated), or -1 if they are all valid. Decodes in
   * small chunks, so a large input costs no second copy.
   */
  public static int firstInvalidOffset(byte[] bytes) {
    // Most input is ASCII: then it is valid, and no decoder is needed.
    int firstHigh = 0;
    while (firstHigh < bytes.length && bytes[firstHigh] >= 0) {
      firstHigh++;
    }
    if (firstHigh == bytes.length) {
      return -1;
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(4096);
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isError()) {
        return in.position();
      }
      out.clear();
      if (!r.isOverflow()) {
        return decoder.flush(out).isError() ? in.position() : -1;
      }
    }
  }

  /**
   * The offset of the first byte of {@code bytes[from..to)} that is not strict UTF-8 (no overlong
   * forms, no encoded surrogates, nothing above U+10FFFF, nothing truncated at {@code to}), or -1
   * if they are all valid. Allocates nothing; meant for the many short strings of a wire frame.
   */
  public static int firstInvalidOffset(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int n;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        n = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        n = 2;
        if (b == 0xE0) {
          lo = 0xA0; // shorter forms are overlong
        } else if (b == 0xED) {
          hi = 0x9F; // 0xA0..0xBF would encode a surrogate
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        n = 3;
        if (b == 0xF0) {
          lo = 0x90; // shorter forms are overlong
        } else if (b == 0xF4) {
          hi = 0x8F; // beyond U+10FFFF
        }
      } else {
        return i;
      }
      if (i + n >= to) { // truncated
        return i;
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= n; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += n + 1;
    }
    return -1;
  }
}
