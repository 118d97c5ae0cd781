package io.ringtx.recovery;

/**
 * The recovery tools cannot do what was asked with what they were given: an unreachable
 * cluster, a data directory that holds no store or that a running node holds. The message says
 * what to do; nothing was changed.
 */
public final class RecoveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RecoveryException(String message) {
    super(message);
  }

  public RecoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
