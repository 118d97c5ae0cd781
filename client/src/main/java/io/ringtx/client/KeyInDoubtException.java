package io.ringtx.client;

/**
 * A read refused with 503 {@code in_doubt}: a transaction that writes the key is prepared at its
 * owner, and its decision is overdue there (its coordinator is down or cut off), so the key's
 * value may be about to change and was not answered. Nothing was done. The key can be read again
 * once the transaction is decided (its coordinator returns, or an operator resolves it with
 * {@code ringtx recovery}); other keys are not affected. The message names the transaction.
 */
public final class KeyInDoubtException extends RingTxException {
  private static final long serialVersionUID = 1L;

  KeyInDoubtException(String message) {
    super(message);
  }
}
