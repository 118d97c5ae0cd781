package io.ringtx.protocol.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.protocol.ring.RingMessage;

/**
 * The one Jackson configuration used for the wire, the log and the HTTP API. The log and the
 * HTTP API are JSON ({@link #MAPPER}); the wire is the same configuration in Jackson's binary
 * Smile format (see {@link WireCodec}).
 */
public final class Json {
  /** Nesting depth bound against hostile input (also enforced on wire frames). */
  static final int MAX_NESTING_DEPTH = 64;

  /** Longest string accepted in any input (also enforced on wire frames). */
  static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

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
