package io.ringtx.client;

/**
 * The coordinator refused a request as invalid (HTTP 4xx, for example a key over the size limit
 * or too many keys in one transaction). Nothing was written. {@link #error()} is the API's stable
 * error code (such as {@code key_too_large}) and the message names the problem.
 */
public class RequestRejectedException extends RingTxException {
  private final int status;
  private final String error;

  /** A refusal with HTTP {@code status}, error code {@code error} and the server's message. */
  public RequestRejectedException(int status, String error, String message) {
    super(message);
    this.status = status;
    this.error = error;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The stable error code from the answer's {@code "error"} field. */
  public String error() {
    return error;
  }
}
