package io.ringtx.coordinator.api;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.TxState;
import java.util.List;

/**
 * The answer of {@code GET /v1/txn/{id}}: the outcome as far as it is known, and the state of the
 * transaction at each participant that was asked.
 */
public record TxStatus(TxId id, Outcome outcome, List<ParticipantState> participants) {
  public TxStatus {
    participants = List.copyOf(participants);
  }

  /** One participant's state of the transaction. */
  public record ParticipantState(NodeId node, TxState state) {}
}
