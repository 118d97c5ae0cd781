package io.ringtx.client;

/**
 * The coordinator kept refusing a request with 503 {@code overloaded} or {@code shutting_down}
 * after the client had waited out every {@code Retry-After} it was allowed ({@link
 * ClientOptions#withOverloadBackoff}). Such a refusal comes before anything is done: a commit
 * refused this way was not applied, and may be run again later or on another coordinator.
 */
public final class CoordinatorOverloadedException extends RingTxException {
  private static final long serialVersionUID = 1L;

  private final String error;

  CoordinatorOverloadedException(String error, String message) {
    super(message);
    this.error = error;
  }

  /** The coordinator's error code: {@code overloaded} or {@code shutting_down}. */
  public String error() {
    return error;
  }
}
