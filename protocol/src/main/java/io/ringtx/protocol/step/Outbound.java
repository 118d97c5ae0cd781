package io.ringtx.protocol.step;

/** A message a state machine wants sent: a request to a node, or the reply to a request. */
public sealed interface Outbound permits Send, Reply {}
