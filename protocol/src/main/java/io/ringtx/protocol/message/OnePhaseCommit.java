package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.List;
import java.util.Objects;

/**
 * A transaction that touches one shard: that shard validates, logs and applies in one forced
 * write (DESIGN §3 step 1).
 */
public record OnePhaseCommit(
    TxId txId, NodeId coordinator, List<ReadItem> reads, List<WriteOp> writes)
    implements Message {
  public OnePhaseCommit {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(coordinator, "coordinator");
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
  }
}
