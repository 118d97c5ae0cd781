package io.ringtx.protocol.api;

import java.util.Locale;

/**
 * The stable error codes of the HTTP API, sent as {@code {"error":"<code>","message":"…"}}. The
 * wire form is the lower-case name ({@link #wire()}); tools may match on it, so a code is never
 * renamed or reused for another meaning once released.
 */
public enum ApiErrorCode {
  /** The body is not JSON (syntax error, empty body, trailing content, nesting too deep). */
  MALFORMED_JSON(400),
  /** The body, a path segment or a string in the body is not valid UTF-8. */
  INVALID_UTF8(400),
  /** The body is JSON but not a JSON object. */
  NOT_AN_OBJECT(400),
  /** A field that the API does not define (misspelt fields are errors, not silently ignored). */
  UNKNOWN_FIELD(400),
  /** The same field twice in one object. */
  DUPLICATE_FIELD(400),
  /** A required field is absent or null. */
  MISSING_FIELD(400),
  /** A field has the wrong JSON type (for example a version that is a string or a fraction). */
  WRONG_TYPE(400),
  /** A write's {@code op} is not one of put, append, delete. */
  UNKNOWN_OP(400),
  /** A field that is not allowed for this operation ({@code value} on a delete). */
  VALUE_NOT_ALLOWED(400),
  /** A key that is empty or whose percent-encoding in the path is malformed. */
  INVALID_KEY(400),
  /** A key longer than {@code Limits.maxKeyBytes()} UTF-8 bytes. */
  KEY_TOO_LARGE(400),
  /** A value longer than {@code Limits.maxValueBytes()} UTF-8 bytes. */
  VALUE_TOO_LARGE(400),
  /** A read version that is negative or does not fit in 64 bits. */
  INVALID_VERSION(400),
  /** More distinct keys than {@code Limits.maxKeysPerTx()} in one transaction. */
  TOO_MANY_KEYS(400),
  /** {@code POST /v1/txns}: more transactions in one batch than {@code MAX_BATCH_TXNS}. */
  TOO_MANY_TXNS(400),
  /** The same key twice in the read set (a transaction sees one version per key). */
  DUPLICATE_READ(400),
  /** A transaction id that {@code TxId.isValid} refuses. */
  INVALID_ID(400),
  /**
   * A request the router could not take apart (for example a malformed path parameter), or one
   * that is not HTTP/1.x at all (then the connection is closed after the answer).
   */
  BAD_REQUEST(400),
  /** No route has this path. */
  NOT_FOUND(404),
  /** {@code GET /v1/kv/{key}}: the key has no value. */
  KEY_NOT_FOUND(404),
  /** {@code GET /v1/txn/{id}}: no node knows the transaction. */
  TX_NOT_FOUND(404),
  /**
   * A bearer token is configured and the request did not carry it (or carried another); sent
   * with {@code WWW-Authenticate: Bearer realm="ringtx"}.
   */
  UNAUTHORIZED(401),
  /** The path exists but not with this method. */
  METHOD_NOT_ALLOWED(405),
  /** The body is larger than the server's body limit. */
  BODY_TOO_LARGE(413),
  /**
   * The request line (method, path with its percent-encoded key, query) is longer than the
   * server's limit; the connection is closed after the answer.
   */
  REQUEST_LINE_TOO_LONG(414),
  /** The request's headers are larger than the server's limit (8 KiB); the connection is closed. */
  HEADERS_TOO_LARGE(431),
  /** A request body with a Content-Type other than {@code application/json} (UTF-8). */
  UNSUPPORTED_MEDIA_TYPE(415),
  /** The service failed; the message says how. For a commit, the outcome is unknown. */
  INTERNAL(500),
  /** The service did not answer in time. For a commit, the outcome is unknown. */
  TIMEOUT(503),
  /**
   * Refused before anything was done: the coordinator has its bound of requests in flight, or a
   * participant has too much work queued. Nothing was applied; send the same request again after
   * the {@code Retry-After} pause.
   */
  OVERLOADED(503),
  /**
   * Refused before anything was done: the coordinator is stopping and takes no new work.
   * Nothing was applied; send the request to another coordinator, or again after the pause.
   */
  SHUTTING_DOWN(503),
  /**
   * A read of a key that a prepared transaction writes, at a participant that has waited longer
   * than its {@code readyTimeoutMillis} for that transaction's decision (its coordinator is down
   * or cut off): the value may be about to change, so it is not answered. Nothing was done; read
   * again later. {@code ringtx recovery list} shows the transaction.
   */
  IN_DOUBT(503);

  private final int status;

  ApiErrorCode(int status) {
    this.status = status;
  }

  /** The HTTP status answered with this code. */
  public int status() {
    return status;
  }

  /** The code as sent in the {@code "error"} field. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
