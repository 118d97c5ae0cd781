package io.ringtx.client;

/**
 * A RingTx call failed: the network, a timeout, an unexpected answer, or the calling thread was
 * interrupted (its interrupt flag is then set again). The subclasses say more where it matters:
 * {@link TxAbortedException}, {@link TxOutcomeUnknownException}, {@link RequestRejectedException}.
 */
public class RingTxException extends RuntimeException {
  /** A failure described by {@code message}. */
  public RingTxException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public RingTxException(String message, Throwable cause) {
    super(message, cause);
  }
}
