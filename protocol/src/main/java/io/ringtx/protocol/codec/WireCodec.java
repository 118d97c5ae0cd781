package io.ringtx.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import io.ringtx.protocol.message.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Encodes and decodes messages for the wire: Jackson's binary Smile format with the same message
 * types, stable type names and field names as the JSON of the HTTP API and the log (DESIGN §5),
 * and the same strictness. Every node of a cluster runs the same build, so there is one wire
 * format and nothing to negotiate. {@link #toJson} gives the human-readable form for logs.
 */
public final class WireCodec {
  private static final ObjectMapper SMILE =
      Json.configure(
              SmileMapper.builder(
                  SmileFactory.builder().streamReadConstraints(Json.READ_CONSTRAINTS).build()))
          .build();
  private static final ObjectWriter WRITER = SMILE.writerFor(Message.class);
  private static final ObjectReader READER = SMILE.readerFor(Message.class);
  /** Reads hand-written text without the shared limits, so that tests can exceed them. */
  private static final JsonFactory RAW_JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
          .build();
  private static final ObjectWriter JSON_WRITER = Json.MAPPER.writerFor(Message.class);

  private WireCodec() {}

  public static byte[] encode(Message message) {
    try {
      return WRITER.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decodes a message; garbage, truncated frames, invalid UTF-8 or non-ASCII in a string, too deep
   * nesting, too long strings, null instead of a message, unknown types and invalid fields throw
   * {@link MalformedMessageException} with a message naming the problem.
   */
  public static Message decode(byte[] bytes) {
    // Jackson's Smile parser would decode overlong forms (0xC0 0xAF as '/'), encoded surrogates
    // and bad continuation bytes silently; the frame check refuses them first.
    SmileFrame.check(bytes);
    Message m;
    try {
      m = READER.readValue(bytes);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new MalformedMessageException("malformed message: " + rootMessage(e), e);
    }
    if (m == null) {
      // A frame holding null: without this check a handler would be given no message at all.
      throw new MalformedMessageException("malformed message: null instead of a message");
    }
    return m;
  }

  /** The message as JSON text (the HTTP API's form), for logs and debugging. */
  public static String toJson(Message message) {
    try {
      return JSON_WRITER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /** A wire frame as JSON text, for logs and debugging; a bad frame throws as {@link #decode}. */
  public static String toJson(byte[] frame) {
    return toJson(decode(frame));
  }

  /**
   * Transcodes JSON text token by token into a wire frame without checking it: for tests and
   * tools that write a frame by hand, valid or not. Text that is not JSON ends the frame where
   * it stops being JSON, so {@code {"type":"read","key":} gives a truncated frame.
   */
  public static byte[] frameFromJson(String json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser in = RAW_JSON.createParser(json);
        JsonGenerator gen = SMILE.getFactory().createGenerator(out)) {
      gen.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
      try {
        while (in.nextToken() != null) {
          gen.copyCurrentEvent(in);
        }
      } catch (JsonProcessingException notJson) {
        // The frame ends where the text stops being JSON.
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot transcode", e);
    }
    return out.toByteArray();
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
