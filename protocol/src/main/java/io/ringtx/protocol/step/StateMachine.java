package io.ringtx.protocol.step;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;

/**
 * A protocol state machine: it takes one event at a time and returns the {@link Step} of effects
 * to carry out. It performs no I/O and reads no clock: time arrives as {@code now} (milliseconds)
 * with every event. Implementations are not thread-safe; a shell calls them from one thread (or
 * one Vert.x context) only.
 */
public interface StateMachine {
  /** A request from {@code from}; answer it with a {@link Reply} carrying {@code token}. */
  Step onRequest(long now, long token, NodeId from, Message request);

  /** The reply to a request this machine sent with {@link Send}. */
  Step onReply(long now, NodeId from, Message request, Message reply);

  /** A request this machine sent got no reply before its deadline. */
  Step onSendFailed(long now, NodeId to, Message request);

  /** The write with this id is durable (forced) or applied (lazy). */
  Step onPersisted(long now, long persistId);

  /** The write with this id failed: none of it may be assumed written. */
  Step onPersistFailed(long now, long persistId, String cause);

  /** A timer this machine set has fired. */
  Step onTimer(long now, Timer timer);
}
