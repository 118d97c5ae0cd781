package io.ringtx.protocol.codec;

import io.ringtx.protocol.message.ReadReply;
import java.util.List;

/**
 * The answer of {@code POST /v1/read}, at a coordinator and at a participant alike: {@code
 * {"items":[{"key","value"?,"version"}]}} in the order given; an absent key has no {@code value}
 * and its version (what a transaction validates).
 */
public final class ReadItemsJson {
  private ReadItemsJson() {}

  public static byte[] write(List<ReadReply> replies) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("items");
      for (ReadReply reply : replies) {
        g.writeStartObject();
        g.writeStringField("key", reply.key());
        if (reply.value() != null) {
          g.writeStringField("value", reply.value());
        }
        g.writeNumberField("version", reply.version());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }
}
