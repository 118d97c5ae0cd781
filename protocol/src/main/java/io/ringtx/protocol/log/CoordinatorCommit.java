package io.ringtx.protocol.log;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.List;
import java.util.Objects;

/**
 * Coordinator COMMIT: forced before any GLOBAL-COMMIT is sent. {@code participants} are the
 * shards that must acknowledge (those that wrote); recovery resends to them until they do.
 */
public record CoordinatorCommit(TxId txId, List<NodeId> participants) implements LogRecord {
  public CoordinatorCommit {
    Objects.requireNonNull(txId, "txId");
    participants = List.copyOf(participants);
  }
}
