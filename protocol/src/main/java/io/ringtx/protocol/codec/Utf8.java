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
}
