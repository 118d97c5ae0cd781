package io.ringtx.coordinator.api;

/**
 * A request refused because a node had too much work queued; nothing was done for it, and the
 * same request may be sent again later. The HTTP API answers it with 503 {@code overloaded} and
 * a {@code Retry-After}.
 */
public final class OverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OverloadedException(String message) {
    super(message);
  }
}
