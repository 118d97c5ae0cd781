package io.ringtx.protocol.step;

import io.ringtx.protocol.message.Message;
import java.util.Objects;

/** Answer the request that arrived with {@code token}. */
public record Reply(long token, Message message) implements Outbound {
  public Reply {
    Objects.requireNonNull(message, "message");
  }
}
