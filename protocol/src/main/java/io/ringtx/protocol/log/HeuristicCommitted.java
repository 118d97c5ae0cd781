package io.ringtx.protocol.log;

import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/**
 * Participant HEURISTIC_COMMITTED: an operator committed a blocked transaction (READY here and at
 * every peer, its coordinator unreachable) without knowing the coordinator's decision ({@code
 * ringtx recovery resolve --commit --force}). Written in the same forced batch as the data it
 * applies, like {@link Committed}; the writes are those of the transaction's {@link Prepared}
 * record, and {@code version} is the version every written key got. {@code operator} and {@code
 * timeMillis} say who decided and when, so that the decision is never mistaken for the protocol's.
 */
public record HeuristicCommitted(TxId txId, long version, String operator, long timeMillis)
    implements LogRecord {
  public HeuristicCommitted {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(operator, "operator");
  }
}
