package io.ringtx.coordinator.api;

/**
 * A read refused by the key's owner because a prepared transaction writes the key and its
 * decision is overdue there (its coordinator is down or cut off): the value could be one that a
 * committed transaction has replaced already. Nothing was done; the read may be sent again
 * later. The HTTP API answers it with 503 {@code in_doubt}.
 */
public final class InDoubtException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InDoubtException(String message) {
    super(message);
  }
}
