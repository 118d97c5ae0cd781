package io.ringtx.participant.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ringtx.protocol.api.ApiError;
import io.ringtx.protocol.api.TxRequestParser;
import io.ringtx.protocol.codec.Json;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The body of a participant's {@code POST /v1/read}, {@code {"keys":["a","b",…]}}, checked: one
 * to {@link #MAX_KEYS} distinct keys (a key named twice is read once), each checked as the
 * node's client API checks keys (1 to its {@code maxKeyBytes} UTF-8 bytes, valid UTF-8), no other
 * field. Either {@code keys} or {@code problem} (with its error {@code code}) is set.
 */
record ReadKeys(List<String> keys, String problem, String code) {
  /** A client sends one participant the keys of one read: far fewer in practice. */
  static final int MAX_KEYS = 1_000;

  private static final String SHAPE = "body must be {\"keys\":[\"key\",…]}";

  /**
   * Parses a body, each key checked by {@code keyCheck}, the parser of the node's client API:
   * under the node's configured key limit, so that every key it may have been sent to write can
   * be read.
   */
  static ReadKeys parse(byte[] body, TxRequestParser keyCheck) {
    int index = 0;
    Set<String> keys = new LinkedHashSet<>();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return bad(SHAPE);
      }
      boolean seen = false;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        if (!"keys".equals(field) || seen) {
          return bad(SHAPE + ": unexpected field '" + abbreviate(String.valueOf(field)) + "'");
        }
        seen = true;
        if (p.nextToken() != JsonToken.START_ARRAY) {
          return bad(SHAPE + ": keys must be an array of strings");
        }
        for (JsonToken k = p.nextToken(); k != JsonToken.END_ARRAY; k = p.nextToken()) {
          if (k != JsonToken.VALUE_STRING) {
            return bad(SHAPE + ": keys must be an array of strings");
          }
          String key = p.getText();
          Optional<ApiError> problem = keyCheck.checkKey(key, "keys[" + index++ + "]");
          if (problem.isPresent()) {
            return new ReadKeys(null, problem.get().message(), problem.get().code().wire());
          }
          if (keys.add(key) && keys.size() > MAX_KEYS) {
            return bad("more than " + MAX_KEYS + " distinct keys in one read");
          }
        }
      }
      if (p.nextToken() != null) {
        return bad(SHAPE + ": trailing content after the object");
      }
    } catch (IOException e) {
      return bad("not JSON: " + abbreviate(e.getMessage()));
    }
    if (keys.isEmpty()) {
      return bad(SHAPE + ": at least one key");
    }
    return new ReadKeys(List.copyOf(keys), null, null);
  }

  private static ReadKeys bad(String problem) {
    return new ReadKeys(null, problem, "bad_request");
  }

  private static String abbreviate(String s) {
    String line = s.lines().findFirst().orElse("");
    return line.length() <= 80 ? line : line.substring(0, 80) + "...";
  }
}
