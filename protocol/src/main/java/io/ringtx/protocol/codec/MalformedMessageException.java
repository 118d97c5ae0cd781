package io.ringtx.protocol.codec;

/** A message from the wire that cannot be decoded; it is refused and the node keeps serving. */
public final class MalformedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
