package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** "What do you know of {@code txId}?" — asked by an in-doubt participant or a coordinator. */
public record StatusQuery(TxId txId, NodeId from) implements Message {
  public StatusQuery {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(from, "from");
  }
}
