package io.ringtx.protocol.log;

import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/**
 * Participant HEURISTIC_ABORTED: an operator aborted a blocked transaction (READY here and at
 * every peer, its coordinator unreachable) without knowing the coordinator's decision ({@code
 * ringtx recovery resolve --abort --force}). Forced, unlike a presumed-abort {@link Aborted}: the
 * operator is told only once it is durable. {@code operator} and {@code timeMillis} say who
 * decided and when.
 */
public record HeuristicAborted(TxId txId, String operator, long timeMillis)
    implements LogRecord {
  public HeuristicAborted {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(operator, "operator");
  }
}
