package io.ringtx.recovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.message.Decision;
import java.util.List;
import java.util.Map;

/**
 * One transaction as the whole cluster knows it, with the diagnosis of {@link TxAnalysis}: why
 * it is not finished, what decision can be learned and from whom, what is still owed.
 *
 * @param coordinator the coordinator that runs it, if any node names it
 * @param nodes what every node that knows it (or should) says, by node id: its report, or why it
 *     could not be asked
 * @param participants the shards that write it
 * @param status the diagnosis
 * @param why the diagnosis in one sentence, naming the nodes
 * @param learned the decision that can be learned from the nodes, if any
 * @param learnedFrom who it was learned from ("coordinator c1's log", "p2 committed", ...)
 * @param firstSeenMillis the time of its earliest log record anywhere; null if it has none
 * @param locks the number of keys it holds locked, over every participant
 * @param owed the messages still owed for it to finish
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TxView(
    TxId txId,
    String coordinator,
    Map<String, At> nodes,
    List<String> participants,
    Status status,
    String why,
    Decision learned,
    String learnedFrom,
    Long firstSeenMillis,
    int locks,
    List<String> owed) {

  /** What one node says of the transaction: its report, or why it could not be asked. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record At(String node, String role, TxReport report, String problem) {
    boolean reachable() {
      return report != null;
    }
  }

  /** Why a transaction is not finished (or what it became). */
  public enum Status {
    /** The coordinator waits for votes (WAIT). */
    WAITING_FOR_VOTES,
    /** The coordinator decided and waits for participants to apply it and acknowledge. */
    WAITING_FOR_ACKS,
    /** Participants are READY and their coordinator is alive and has not decided yet. */
    WAITING_FOR_COORDINATOR,
    /** The coordinator is down and the outcome can be learned from another node. */
    COORDINATOR_DOWN,
    /** Every participant READY, the coordinator down: the outcome cannot be learned. */
    BLOCKED,
    /** Decided by an operator's heuristic decision; no contrary decision is known. */
    HEURISTIC,
    /** A heuristic decision, and the coordinator decided otherwise: atomicity is broken. */
    HEURISTIC_MISMATCH,
    /** Committed at one node and aborted at another without any heuristic decision. */
    INCONSISTENT,
    /** Decided everywhere it was asked; nothing is owed. */
    FINISHED
  }
}
