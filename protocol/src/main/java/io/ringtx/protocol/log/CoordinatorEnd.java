package io.ringtx.protocol.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.Reason;
import java.util.List;
import java.util.Objects;

/**
 * Coordinator END: every participant acknowledged (or the transaction needed no second phase).
 * It repeats the outcome so that a retried commit is answered from this record alone for the
 * retention window (DESIGN §2).
 * {@code digest} is the transaction's {@link io.ringtx.protocol.message.TxDigest} (null in
 * records written before session 25): a later request with the same id and another digest is
 * another transaction, refused {@code ID_REUSED}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoordinatorEnd(
    TxId txId, Decision decision, Reason reason, List<NodeId> participants, Long digest)
    implements CoordinatorRecord {
  public CoordinatorEnd {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(decision, "decision");
    participants = List.copyOf(participants);
  }

  /** A record without a digest, as written before session 25. */
  public CoordinatorEnd(TxId txId, Decision decision, Reason reason, List<NodeId> participants) {
    this(txId, decision, reason, participants, null);
  }
}
