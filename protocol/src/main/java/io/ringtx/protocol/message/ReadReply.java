package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** The last committed value of a key and its version; {@code value == null} means absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReadReply(String key, String value, long version) implements Message {
  public ReadReply {
    Objects.requireNonNull(key, "key");
  }

  public boolean found() {
    return value != null;
  }
}
