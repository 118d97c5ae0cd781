package io.ringtx.client;

import io.ringtx.protocol.message.Reason;

/** PLACEHOLDER for the Java client being built elsewhere (drop on merge). */
public class TxAbortedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public TxAbortedException(String txId, Reason reason) {
    super("transaction " + txId + " aborted: " + reason);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
