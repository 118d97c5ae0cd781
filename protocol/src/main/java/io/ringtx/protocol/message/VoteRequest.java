package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.List;
import java.util.Objects;

/**
 * VOTE-REQ (prepare): this shard's part of the transaction, with the full participant list that
 * cooperative termination needs (DESIGN §3 step 2).
 */
public record VoteRequest(
    TxId txId,
    NodeId coordinator,
    List<NodeId> participants,
    List<ReadItem> reads,
    List<WriteOp> writes)
    implements Message {
  public VoteRequest {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(coordinator, "coordinator");
    participants = List.copyOf(participants);
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
  }

  /** True if this shard only reads (read-only optimisation: nothing is logged). */
  public boolean readOnly() {
    return writes.isEmpty();
  }
}
