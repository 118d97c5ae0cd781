package io.ringtx.protocol.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.TxResult;
import java.io.IOException;
import java.util.List;

/**
 * The JSON answers of a commit, as every node that takes one writes them (a coordinator's
 * {@code POST /v1/txn} and {@code POST /v1/txns}, and a participant's for a one-shard commit):
 * an outcome {@code {"id","outcome","reason"?}}, a batch item that got none {@code
 * {"id"?,"error","message"}}, and a refusal {@code {"error","message","errors":[…]}}.
 */
public final class TxAnswers {
  private TxAnswers() {}

  /** {@code {"id","outcome","reason"?}}. */
  public static void writeResult(JsonGenerator g, TxResult result) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", result.id().value());
    g.writeStringField("outcome", result.outcome().name());
    if (result.reason() != null) {
      g.writeStringField("reason", result.reason().name());
    }
    g.writeEndObject();
  }

  /** {@link #writeResult} as bytes. */
  public static byte[] result(TxResult result) {
    return Json.write(g -> writeResult(g, result));
  }

  /** A batch item that got no outcome: its id (if it had one), error code and message. */
  public static void writeItemError(JsonGenerator g, TxId id, ApiError e) throws IOException {
    g.writeStartObject();
    if (id != null) {
      g.writeStringField("id", id.value());
    }
    g.writeStringField("error", e.code().wire());
    g.writeStringField("message", e.message());
    g.writeEndObject();
  }

  /**
   * A request refused for {@code errors} (at least one): the first as {@code "error"} and {@code
   * "message"}, and all of them as {@code "errors"}.
   */
  public static byte[] refusal(List<ApiError> errors) {
    ApiError first = errors.get(0);
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("error", first.code().wire());
      g.writeStringField("message", first.message());
      g.writeArrayFieldStart("errors");
      for (ApiError e : errors) {
        g.writeStartObject();
        g.writeStringField("error", e.code().wire());
        g.writeStringField("message", e.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }
}
