package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.List;
import java.util.Objects;

/**
 * A participant's transactions in doubt: READY without a decision ({@code inDoubt}), and among
 * them those that are blocked, because every peer is READY too while the coordinator is silent.
 */
public record InDoubtReply(NodeId node, List<TxId> inDoubt, List<TxId> blocked)
    implements Message {
  public InDoubtReply {
    Objects.requireNonNull(node, "node");
    inDoubt = List.copyOf(Objects.requireNonNull(inDoubt, "inDoubt"));
    blocked = List.copyOf(Objects.requireNonNull(blocked, "blocked"));
  }
}
