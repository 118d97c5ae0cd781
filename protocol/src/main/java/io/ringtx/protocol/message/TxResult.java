package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** The outcome of a transaction as the client sees it: {@code {"id","outcome","reason"?}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TxResult(TxId id, Outcome outcome, Reason reason) implements Message {
  public TxResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(outcome, "outcome");
    if (outcome == Outcome.ABORTED && reason == null) {
      throw new IllegalArgumentException("an abort needs a reason");
    }
  }

  public static TxResult committed(TxId id) {
    return new TxResult(id, Outcome.COMMITTED, null);
  }

  public static TxResult aborted(TxId id, Reason reason) {
    return new TxResult(id, Outcome.ABORTED, reason);
  }

  /**
   * The outcome a shard's one-phase answer gives the client; an abort that names no reason is
   * reported as {@code PARTICIPANT_FAILED}.
   */
  public static TxResult of(OnePhaseResult r) {
    return r.decision() == Decision.COMMIT
        ? committed(r.txId())
        : aborted(r.txId(), r.reason() != null ? r.reason() : Reason.PARTICIPANT_FAILED);
  }
}
