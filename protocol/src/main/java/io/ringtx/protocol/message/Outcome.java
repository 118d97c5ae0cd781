package io.ringtx.protocol.message;

/** What a client learns about a transaction (DESIGN §2). */
public enum Outcome {
  COMMITTED,
  ABORTED,
  /** The client could not learn the outcome; ask again with {@code GET /v1/txn/{id}}. */
  UNKNOWN
}
