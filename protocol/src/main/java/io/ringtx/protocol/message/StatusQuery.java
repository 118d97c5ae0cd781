package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/**
 * "What do you know of {@code txId}?". With {@code abortIfUnknown} (cooperative termination, asked
 * by an in-doubt peer) a participant that never prepared the transaction first force-writes
 * ABORTED, so that a late prepare is refused, and answers ABORT (DESIGN §3). Without it (a
 * coordinator serving {@code GET /v1/txn/{id}}, an operator) the query changes nothing.
 */
public record StatusQuery(TxId txId, NodeId from, boolean abortIfUnknown) implements Message {
  public StatusQuery {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(from, "from");
  }
}
