package io.ringtx.protocol.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.message.TxState;
import java.util.List;
import java.util.Objects;

/**
 * What one node knows of one transaction, for operator tools ({@code ringtx recovery}): served
 * by every node under {@code /v1/recovery/}, and built from a stopped node's store offline.
 *
 * @param node the node's id
 * @param role {@code participant} or {@code coordinator}
 * @param state the transaction's state there (participants: INIT, READY, COMMIT, ABORT, UNKNOWN;
 *     coordinators: WAIT, COMMIT, ABORT, END, UNKNOWN); after a heuristic decision, the state its
 *     data is in
 * @param phase where the transaction stands in the node's memory (e.g. READY, COMMITTING, WAIT),
 *     or null if it is not in memory (decided and written, or the node is stopped)
 * @param blocked a participant found every peer READY and the coordinator silent
 * @param coordinator the coordinator that runs it, when known
 * @param participants the shards that write it, when known
 * @param locks the keys it holds locked at this node
 * @param awaitingAcks a coordinator's participants that have not acknowledged its decision
 * @param records every log record of the transaction at this node, in log order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TxReport(
    String node,
    String role,
    TxId txId,
    TxState state,
    String phase,
    boolean blocked,
    String coordinator,
    List<String> participants,
    List<String> locks,
    List<String> awaitingAcks,
    List<LogEntry> records) {
  public TxReport {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(state, "state");
    participants = participants == null ? List.of() : List.copyOf(participants);
    locks = locks == null ? List.of() : List.copyOf(locks);
    awaitingAcks = awaitingAcks == null ? List.of() : List.copyOf(awaitingAcks);
    records = records == null ? List.of() : List.copyOf(records);
  }
}
