package io.ringtx.protocol.codec;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringtx.protocol.ring.RingMessage;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration used for the wire, the log and the HTTP API. */
public final class Json {
  /**
   * Shared, thread-safe mapper. Unknown properties are refused so that a misspelt field is an
   * error rather than silently ignored; nesting depth is bounded against hostile input.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .addMixIn(RingMessage.Request.class, RingMixins.Request.class)
          .addMixIn(RingMessage.Response.class, RingMixins.Response.class)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(16 * 1024 * 1024)
                .build());
  }

  private Json() {}
}
