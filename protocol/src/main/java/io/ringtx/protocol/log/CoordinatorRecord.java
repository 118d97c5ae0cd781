package io.ringtx.protocol.log;

import io.ringtx.protocol.id.NodeId;
import java.util.List;

/** A coordinator's record of a transaction: its COMMIT, ABORT or END. */
public sealed interface CoordinatorRecord extends LogRecord
    permits CoordinatorCommit, CoordinatorAbort, CoordinatorEnd {
  /** The shards of the transaction that the record names. */
  List<NodeId> participants();

  /**
   * What the transaction reads and writes ({@link io.ringtx.protocol.message.TxDigest}), or null
   * in a record written before session 25.
   */
  Long digest();
}
