package io.ringtx.protocol.codec;

/** A stored record failed its checksum, magic or version check: the node must not guess. */
public final class CorruptRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
