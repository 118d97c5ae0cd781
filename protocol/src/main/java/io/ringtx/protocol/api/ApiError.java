package io.ringtx.protocol.api;

import java.util.Objects;

/**
 * One problem with a request: a stable {@link ApiErrorCode} and a message that names the field,
 * index or key at fault, e.g. {@code writes[2].value is required for put}.
 */
public record ApiError(ApiErrorCode code, String message) {
  /** Validates the error. */
  public ApiError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
