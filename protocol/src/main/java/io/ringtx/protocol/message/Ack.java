package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** A participant has durably applied the decision for {@code txId}. */
public record Ack(TxId txId, NodeId from, Decision decision) implements Message {
  public Ack {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(decision, "decision");
  }
}
