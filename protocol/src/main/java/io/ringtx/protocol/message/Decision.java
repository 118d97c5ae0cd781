package io.ringtx.protocol.message;

/** A global decision: GLOBAL-COMMIT or GLOBAL-ABORT. */
public enum Decision {
  COMMIT,
  ABORT;

  /** The participant state that this decision leads to. */
  public TxState state() {
    return this == COMMIT ? TxState.COMMIT : TxState.ABORT;
  }
}
