package io.ringtx.protocol.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Reason;
import java.util.List;
import java.util.Objects;

/**
 * Coordinator ABORT, kept to answer retries with the reason (presumed abort: nothing waits on it
 * being durable but the GLOBAL-ABORTs).
 * {@code digest} is the transaction's {@link io.ringtx.protocol.message.TxDigest} (null in
 * records written before session 25): a later request with the same id and another digest is
 * another transaction, refused {@code ID_REUSED}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoordinatorAbort(TxId txId, List<NodeId> participants, Reason reason, Long digest)
    implements CoordinatorRecord {
  public CoordinatorAbort {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(reason, "reason");
    participants = List.copyOf(participants);
  }

  /** A record without a digest, as written before session 25. */
  public CoordinatorAbort(TxId txId, List<NodeId> participants, Reason reason) {
    this(txId, participants, reason, null);
  }
}
