package io.ringtx.protocol.inspect;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.message.TxState;
import java.util.List;

/** What a coordinator's latest log record of a transaction says, for the inspection tools. */
public final class CoordinatorRecords {
  private CoordinatorRecords() {}

  /** A coordinator's state from its latest record: COMMIT, ABORT, END, or UNKNOWN. */
  public static TxState stateOf(LogRecord last) {
    if (last instanceof CoordinatorCommit) {
      return TxState.COMMIT;
    }
    if (last instanceof CoordinatorAbort) {
      return TxState.ABORT;
    }
    return last instanceof CoordinatorEnd ? TxState.END : TxState.UNKNOWN;
  }

  /** The participants a coordinator's latest record names (none for another record). */
  public static List<NodeId> participantsOf(LogRecord last) {
    if (last instanceof CoordinatorCommit c) {
      return c.participants();
    }
    if (last instanceof CoordinatorAbort a) {
      return a.participants();
    }
    return last instanceof CoordinatorEnd e ? e.participants() : List.of();
  }
}
