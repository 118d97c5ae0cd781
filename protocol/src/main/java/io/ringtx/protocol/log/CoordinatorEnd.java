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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoordinatorEnd(
    TxId txId, Decision decision, Reason reason, List<NodeId> participants)
    implements LogRecord {
  public CoordinatorEnd {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(decision, "decision");
    participants = List.copyOf(participants);
  }
}
