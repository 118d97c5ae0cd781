package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** GLOBAL-COMMIT or GLOBAL-ABORT; an abort carries the coordinator's reason when it knows one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GlobalDecision(TxId txId, Decision decision, Reason reason) implements Message {
  public GlobalDecision {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(decision, "decision");
    if (decision == Decision.COMMIT && reason != null) {
      throw new IllegalArgumentException("a GLOBAL-COMMIT has no reason");
    }
  }

  public static GlobalDecision commit(TxId txId) {
    return new GlobalDecision(txId, Decision.COMMIT, null);
  }

  public static GlobalDecision abort(TxId txId, Reason reason) {
    return new GlobalDecision(txId, Decision.ABORT, reason);
  }
}
