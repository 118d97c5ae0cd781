package io.ringtx.coordinator.core;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.TxResult;
import java.util.List;

/**
 * What a coordinator knows of a transaction: its result (UNKNOWN while undecided) and the shards
 * it involves.
 */
public record Known(TxResult result, List<NodeId> participants) {
  public Known {
    participants = List.copyOf(participants);
  }
}
