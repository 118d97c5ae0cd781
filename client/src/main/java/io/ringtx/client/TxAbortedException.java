package io.ringtx.client;

import io.ringtx.protocol.message.Reason;
import java.util.Optional;

/**
 * The transaction aborted: none of its writes were applied. Thrown by {@link RingTxClient#run}
 * once {@link ClientOptions#maxAttempts()} attempts all aborted, or at once for an abort that a
 * new attempt cannot cure (an invalid request, or an abort whose reason is not known).
 */
public class TxAbortedException extends RingTxException {
  private final String txId;
  private final Reason reason;

  /**
   * An abort of {@code txId}.
   *
   * @param reason why, or null when the outcome was learned from {@code GET /v1/txn/{id}}, which
   *     does not carry the reason
   */
  public TxAbortedException(String txId, Reason reason, String message) {
    super(message);
    this.txId = txId;
    this.reason = reason;
  }

  /** The id of the aborted attempt. */
  public String txId() {
    return txId;
  }

  /** Why it aborted, if the coordinator said. */
  public Optional<Reason> reason() {
    return Optional.ofNullable(reason);
  }
}
