package io.ringtx.protocol.log;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.KeyWrite;
import java.util.List;
import java.util.Objects;

/**
 * Participant PREPARED (READY): forced before VOTE-COMMIT. Holds the writes resolved against the
 * values under the exclusive locks, the keys read (to re-take shared locks on recovery) and the
 * participant list (for cooperative termination).
 */
public record Prepared(
    TxId txId,
    NodeId coordinator,
    List<NodeId> participants,
    List<String> readKeys,
    List<KeyWrite> writes)
    implements LogRecord {
  public Prepared {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(coordinator, "coordinator");
    participants = List.copyOf(participants);
    readKeys = List.copyOf(readKeys);
    writes = List.copyOf(writes);
  }
}
