package io.ringtx.protocol.codec;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.ringtx.protocol.message.Message;
import java.io.IOException;

/** Encodes and decodes messages for the wire (JSON with stable type names). */
public final class WireCodec {
  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(Message.class);
  private static final ObjectReader READER = Json.MAPPER.readerFor(Message.class);

  private WireCodec() {}

  public static byte[] encode(Message message) {
    try {
      return WRITER.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decodes a message; garbage, invalid UTF-8, JSON {@code null}, unknown types and invalid
   * fields throw {@link MalformedMessageException} with a message naming the problem.
   */
  public static Message decode(byte[] bytes) {
    // Jackson would decode overlong forms (0xC0 0xAF as '/') and encoded surrogates silently.
    int bad = Utf8.firstInvalidOffset(bytes);
    if (bad >= 0) {
      throw new MalformedMessageException(
          "malformed message: not valid UTF-8 (first bad byte at offset " + bad + ")");
    }
    Message m;
    try {
      m = READER.readValue(bytes);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new MalformedMessageException("malformed message: " + rootMessage(e), e);
    }
    if (m == null) {
      // JSON null: without this check a handler would be given no message at all.
      throw new MalformedMessageException("malformed message: null instead of a message");
    }
    return m;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
