package io.ringtx.protocol.log;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Decision;
import java.util.Objects;

/**
 * Participant HEURISTIC_MISMATCH: after an operator's heuristic decision ({@code heuristic}, by
 * {@code operator}), the coordinator sent the opposite one ({@code coordinatorDecision}). The
 * data stays as the heuristic left it; this record keeps the breach of atomicity on disk, forced
 * before the coordinator is acknowledged, so that it is reported (logs, metrics, {@code ringtx
 * recovery list}) for as long as the log is kept and never hidden. {@code timeMillis}: when the
 * coordinator's decision arrived.
 */
public record HeuristicMismatch(
    TxId txId,
    Decision heuristic,
    Decision coordinatorDecision,
    NodeId coordinator,
    String operator,
    long timeMillis)
    implements LogRecord {
  public HeuristicMismatch {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(heuristic, "heuristic");
    Objects.requireNonNull(coordinatorDecision, "coordinatorDecision");
    Objects.requireNonNull(coordinator, "coordinator");
    Objects.requireNonNull(operator, "operator");
    if (heuristic == coordinatorDecision) {
      throw new IllegalArgumentException("a mismatch needs two different decisions");
    }
  }
}
