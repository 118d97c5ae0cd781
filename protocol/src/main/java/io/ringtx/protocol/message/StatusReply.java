package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** The state of {@code txId} at node {@code from}; UNKNOWN if it has no record. */
public record StatusReply(TxId txId, NodeId from, TxState state) implements Message {
  public StatusReply {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(state, "state");
  }
}
