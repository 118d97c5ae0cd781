package io.ringtx.protocol.log;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Reason;
import java.util.List;
import java.util.Objects;

/** Coordinator ABORT: written lazily (presumed abort), kept to answer retries with the reason. */
public record CoordinatorAbort(TxId txId, List<NodeId> participants, Reason reason)
    implements LogRecord {
  public CoordinatorAbort {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(reason, "reason");
    participants = List.copyOf(participants);
  }
}
