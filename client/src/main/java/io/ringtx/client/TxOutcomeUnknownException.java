package io.ringtx.client;

/**
 * The commit was sent but its outcome could not be learned: the coordinator did not answer (or
 * answered UNKNOWN) to every re-send of the same id, and {@code GET /v1/txn/{id}} did not tell
 * either. The transaction may have committed. Ask later with {@link RingTxClient#outcome(String)}
 * (DESIGN §2: that question is always answered eventually); do not run it again blindly.
 */
public class TxOutcomeUnknownException extends RingTxException {
  private final String txId;

  /** The outcome of {@code txId} is unknown; {@code cause} is the last failure seen, if any. */
  public TxOutcomeUnknownException(String txId, String message, Throwable cause) {
    super(message, cause);
    this.txId = txId;
  }

  /** The id to ask about. */
  public String txId() {
    return txId;
  }
}
