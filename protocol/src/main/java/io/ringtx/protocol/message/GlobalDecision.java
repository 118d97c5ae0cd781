package io.ringtx.protocol.message;

import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** GLOBAL-COMMIT or GLOBAL-ABORT. */
public record GlobalDecision(TxId txId, Decision decision) implements Message {
  public GlobalDecision {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(decision, "decision");
  }
}
