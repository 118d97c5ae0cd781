package io.ringtx.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.protocol.ring.RingMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration used for the wire, the log and the HTTP API. The log and the
 * HTTP API are JSON ({@link #MAPPER}); the wire is the same configuration in Jackson's binary
 * Smile format (see {@link WireCodec}).
 */
public final class Json {
  /** Nesting depth bound against hostile input (also enforced on wire frames). */
  static final int MAX_NESTING_DEPTH = 64;

  /**
   * Longest string accepted in any input (also enforced on wire frames): no key or value larger
   * than this can travel between nodes, whatever a node's configured limits.
   */
  public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

  static final StreamReadConstraints READ_CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .maxStringLength(MAX_STRING_LENGTH)
          .build();

  /**
   * Shared, thread-safe mapper. Unknown properties are refused so that a misspelt field is an
   * error rather than silently ignored; nesting depth is bounded against hostile input.
   */
  public static final ObjectMapper MAPPER =
      configure(JsonMapper.builder(
              JsonFactory.builder().streamReadConstraints(READ_CONSTRAINTS).build()))
          .build();

  private Json() {}

  /** Writes the fields or elements of one JSON value on a generator. */
  @FunctionalInterface
  public interface Writer {
    /** Writes on {@code g}; the generator is flushed and closed afterwards. */
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * The UTF-8 JSON that {@code writer} writes, made with {@link #MAPPER}'s streaming generator:
   * for the small answers sent on every transaction, where building a tree and serializing it
   * through the mapper costs more than the answer is worth.
   */
  public static byte[] write(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      // Writing to memory cannot fail for I/O reasons; a malformed sequence of calls is a bug.
      throw new UncheckedIOException("could not write JSON", e);
    }
    return out.toByteArray();
  }

  /** Applies the shared features and mix-ins to a builder of any Jackson format. */
  static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    return builder
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .addMixIn(RingMessage.Request.class, RingMixins.Request.class)
        .addMixIn(RingMessage.Response.class, RingMixins.Response.class);
  }
}
