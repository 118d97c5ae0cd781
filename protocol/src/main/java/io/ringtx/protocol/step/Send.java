package io.ringtx.protocol.step;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;
import java.util.Objects;

/**
 * Send a request to {@code to}. Its reply, if one comes, is fed back to the sender's state
 * machine as an incoming message; a request that gets no reply is simply lost (timers recover).
 */
public record Send(NodeId to, Message message) implements Outbound {
  public Send {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }
}
