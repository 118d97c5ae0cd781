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
 * Encodes and decodes messages for the wire. The messages every transaction sends (read, read
 * reply, vote request, vote, decision, ack, one-phase commit and its result) have a hand-written
 * compact form ({@link CompactCodec}); every other message is Jackson's binary Smile format, with
 * the same stable type names and field names as the JSON of the HTTP API and the log (DESIGN §5).
 * Both are as strict as the JSON wire was: whatever is wrong is a {@link
 * MalformedMessageException}. Every node of a cluster runs the same build, so there is one wire
 * format and nothing to negotiate; the first byte tells the two kinds of frame apart. {@link
 * #toJson} gives the human-readable form for logs.
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
    return CompactCodec.handles(message) ? CompactCodec.encode(message) : encodeSmile(message);
  }

  /** The Smile frame of any message (the hot ones are sent in their compact form instead). */
  static byte[] encodeSmile(Message message) {
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
    if (bytes.length > 0 && bytes[0] == CompactCodec.MAGIC) {
      return CompactCodec.decode(bytes);
    }
    return decodeSmile(bytes);
  }

  static Message decodeSmile(byte[] bytes) {
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
