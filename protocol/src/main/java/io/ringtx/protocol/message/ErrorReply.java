package io.ringtx.protocol.message;

import java.util.Objects;

/** A request that could not be served, with a stable code and a message naming the problem. */
public record ErrorReply(Code code, String message) implements Message {
  /** Why a request was refused. */
  public enum Code {
    /** The receiver does not own the key (DESIGN §4); the message carries a hint. */
    NOT_OWNER,
    /** Malformed or oversize request. */
    BAD_REQUEST,
    /** Too much work queued; retry later. */
    OVERLOADED,
    /** The receiver failed (for example its log write failed). */
    INTERNAL,
    /**
     * The request contradicts what the receiver knows, e.g. an operator's decision contrary to
     * one already taken; nothing was changed.
     */
    REFUSED,
    /**
     * A read of a key that a prepared transaction writes, whose decision the receiver has waited
     * for longer than its READY timeout: the committed value may be about to change, so it is
     * not answered; retry later.
     */
    IN_DOUBT
  }

  public ErrorReply {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
