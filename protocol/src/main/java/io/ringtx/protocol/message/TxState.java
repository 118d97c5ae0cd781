package io.ringtx.protocol.message;

/**
 * The state of one transaction at one node, named as in the lecture's state diagrams.
 * Coordinators use INIT, WAIT, COMMIT, ABORT, END; participants use INIT, READY, COMMIT, ABORT.
 * {@code UNKNOWN} is the answer of a node that has no record of the transaction.
 */
public enum TxState {
  INIT,
  WAIT,
  READY,
  COMMIT,
  ABORT,
  END,
  UNKNOWN;

  /** True for COMMIT and ABORT (and END, which follows one of them). */
  public boolean isDecided() {
    return this == COMMIT || this == ABORT || this == END;
  }
}
