package io.ringtx.protocol.codec;

/**
 * Checks a wire frame (Jackson Smile) before Jackson reads it, for what Jackson's Smile parser
 * does not check: strings must be strict UTF-8 (it decodes overlong forms, encoded surrogates and
 * bad continuation bytes silently) and ASCII strings must be ASCII. The check walks every token
 * once and accepts only the tokens the encoder writes: the header with shared names on and shared
 * values and raw binary off; objects, arrays, keys, strings, integers, booleans and null. Floating
 * point, big numbers, binary data and shared-value references are refused, so are nesting deeper
 * than {@value Json#MAX_NESTING_DEPTH} and strings longer than {@link Json#MAX_STRING_LENGTH}
 * bytes. What it lets through is then decoded by Jackson, which checks the rest (key references,
 * trailing tokens, types and fields).
 */
final class SmileFrame {
  /** Header: ':' ')' '\n' and the version-and-flags byte (version 0, shared names only). */
  static final byte[] HEADER = {':', ')', '\n', 0x01};

  private static final int END_OF_STRING = 0xFC;

  private SmileFrame() {}

  /** Returns normally if the frame passes, or throws {@link MalformedMessageException}. */
  static void check(byte[] b) {
    if (b.length < HEADER.length
        || b[0] != HEADER[0] || b[1] != HEADER[1] || b[2] != HEADER[2]) {
      throw bad("not a wire frame (no Smile header)");
    }
    if (b[3] != HEADER[3]) {
      throw bad(String.format("unsupported Smile header flags 0x%02x", b[3] & 0xFF));
    }
    long objects = 0; // bit d-1 is set if nesting level d is an object
    int depth = 0;
    boolean keyMode = false;
    int i = HEADER.length;
    while (i < b.length) {
      int t = b[i] & 0xFF;
      if (keyMode) {
        if (t == 0xFB) { // end of object
          depth--;
          i++;
          keyMode = depth > 0 && (objects & (1L << (depth - 1))) != 0;
          continue;
        }
        if (t == 0x20) { // empty name
          i++;
        } else if (t >= 0x30 && t <= 0x33) { // long reference to an earlier name
          i += 2;
        } else if (t == 0x34) { // long Unicode name
          i = terminated(b, i + 1, false);
        } else if (t >= 0x40 && t <= 0x7F) { // short reference to an earlier name
          i++;
        } else if (t >= 0x80 && t <= 0xBF) { // short ASCII name
          i = fixed(b, i + 1, (t & 0x3F) + 1, true);
        } else if (t >= 0xC0 && t <= 0xF7) { // short Unicode name
          i = fixed(b, i + 1, t - 0xC0 + 2, false);
        } else {
          throw unexpected(t, i, "a field name");
        }
        keyMode = false;
        continue;
      }
      if (t >= 0x20 && t <= 0x23) { // "", null, false, true
        i++;
      } else if (t == 0x24) { // 32-bit integer
        i = vint(b, i + 1, 5);
      } else if (t == 0x25) { // 64-bit integer
        i = vint(b, i + 1, 10);
      } else if (t >= 0x40 && t <= 0x5F) { // tiny ASCII
        i = fixed(b, i + 1, (t & 0x1F) + 1, true);
      } else if (t >= 0x60 && t <= 0x7F) { // short ASCII
        i = fixed(b, i + 1, (t & 0x1F) + 33, true);
      } else if (t >= 0x80 && t <= 0x9F) { // tiny Unicode
        i = fixed(b, i + 1, (t & 0x1F) + 2, false);
      } else if (t >= 0xA0 && t <= 0xBF) { // short Unicode
        i = fixed(b, i + 1, (t & 0x1F) + 34, false);
      } else if (t >= 0xC0 && t <= 0xDF) { // small integer
        i++;
      } else if (t == 0xE0) { // long ASCII
        i = terminated(b, i + 1, true);
      } else if (t == 0xE4) { // long Unicode
        i = terminated(b, i + 1, false);
      } else if (t == 0xF8 || t == 0xFA) { // start of array or object
        if (depth == Json.MAX_NESTING_DEPTH) {
          throw bad("nesting depth exceeds " + Json.MAX_NESTING_DEPTH);
        }
        depth++;
        if (t == 0xFA) {
          objects |= 1L << (depth - 1);
          keyMode = true;
        } else {
          objects &= ~(1L << (depth - 1));
        }
        i++;
        continue;
      } else if (t == 0xF9) { // end of array
        if (depth == 0 || (objects & (1L << (depth - 1))) != 0) {
          throw unexpected(t, i, "a value");
        }
        depth--;
        i++;
      } else {
        throw unexpected(t, i, "a value");
      }
      keyMode = depth > 0 && (objects & (1L << (depth - 1))) != 0;
    }
    if (depth != 0 || i > b.length) {
      throw bad("truncated frame (" + b.length + " bytes)");
    }
  }

  /** A string of {@code len} bytes at {@code from}; returns the offset after it. */
  private static int fixed(byte[] b, int from, int len, boolean ascii) {
    int to = from + len;
    if (to > b.length) {
      throw bad("truncated frame (" + b.length + " bytes)");
    }
    text(b, from, to, ascii);
    return to;
  }

  /** A string ended by 0xFC; returns the offset after the marker. */
  private static int terminated(byte[] b, int from, boolean ascii) {
    int to = from;
    while (to < b.length && (b[to] & 0xFF) != END_OF_STRING) {
      to++;
    }
    if (to == b.length) {
      throw bad("truncated frame (" + b.length + " bytes)");
    }
    if (to - from > Json.MAX_STRING_LENGTH) {
      throw bad("string length " + (to - from) + " exceeds the maximum length "
          + Json.MAX_STRING_LENGTH);
    }
    text(b, from, to, ascii);
    return to + 1;
  }

  private static void text(byte[] b, int from, int to, boolean ascii) {
    if (ascii) {
      for (int k = from; k < to; k++) {
        if (b[k] < 0) {
          throw bad("not ASCII in an ASCII string (byte at offset " + k + ")");
        }
      }
      return;
    }
    int at = Utf8.firstInvalidOffset(b, from, to);
    if (at >= 0) {
      throw bad("not valid UTF-8 (first bad byte at offset " + at + ")");
    }
  }

  /** A variable-length integer: its last byte has the high bit set. */
  private static int vint(byte[] b, int from, int maxBytes) {
    for (int k = from; k < b.length && k < from + maxBytes; k++) {
      if (b[k] < 0) {
        return k + 1;
      }
    }
    if (from + maxBytes <= b.length) {
      throw bad("integer longer than " + maxBytes + " bytes at offset " + from);
    }
    throw bad("truncated frame (" + b.length + " bytes)");
  }

  private static MalformedMessageException unexpected(int token, int at, String expected) {
    return bad(String.format("unexpected Smile token 0x%02x at offset %d (expected %s)",
        token, at, expected));
  }

  private static MalformedMessageException bad(String what) {
    return new MalformedMessageException("malformed message: " + what);
  }
}
