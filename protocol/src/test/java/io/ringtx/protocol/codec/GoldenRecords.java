package io.ringtx.protocol.codec;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Reason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records pinned by the golden files under {@code src/test/resources/golden/v1/}: file name
 * (without {@code .bin}) → the exact record the file must decode to. Every field of every record
 * type is set to a non-default value (and optional fields both set and unset) so that a renamed
 * field or type fails {@link RecordCodecGoldenTest}.
 *
 * <p>Once a golden file is committed, its entry here must never change: add a new entry (and file)
 * instead.
 */
final class GoldenRecords {
  /** The format version whose files this class describes. */
  static final int VERSION = 1;

  private GoldenRecords() {}

  static Map<String, LogRecord> v1() {
    TxId tx = TxId.of("client-7:42");
    List<NodeId> participants = List.of(NodeId.of("p1"), NodeId.of("p2"));
    List<KeyWrite> writes =
        List.of(new KeyWrite("acct/alice", "90"), new KeyWrite("naïve-κλειδί", "värde ✓"),
            new KeyWrite("gone", null));
    Map<String, LogRecord> m = new LinkedHashMap<>();
    m.put("PREPARED",
        new Prepared(tx, NodeId.of("c1"), participants, List.of("acct/bob", "acct/alice"),
            writes));
    m.put("COMMITTED", new Committed(tx, 1_234_567_890_123L, writes));
    m.put("COMMITTED-two-phase", new Committed(tx, 17, List.of()));
    m.put("ABORTED", new Aborted(tx, Reason.CONFLICT));
    m.put("COMMIT", new CoordinatorCommit(tx, participants));
    m.put("ABORT", new CoordinatorAbort(tx, participants, Reason.TIMEOUT));
    m.put("END", new CoordinatorEnd(tx, Decision.COMMIT, null, participants));
    m.put("END-aborted",
        new CoordinatorEnd(tx, Decision.ABORT, Reason.PARTICIPANT_FAILED, participants));
    m.put("HEURISTIC_COMMITTED",
        new HeuristicCommitted(tx, 88, "ops-anna", 1_795_000_000_123L));
    m.put("HEURISTIC_ABORTED", new HeuristicAborted(tx, "ops-anna", 1_795_000_000_456L));
    m.put("HEURISTIC_MISMATCH",
        new HeuristicMismatch(tx, Decision.ABORT, Decision.COMMIT, NodeId.of("c1"), "ops-anna",
            1_795_000_000_789L));
    // Session 25: the transaction's digest kept with its outcome (an optional field of v1).
    m.put("COMMITTED-one-phase-digest", new Committed(tx, 18, List.of(), -7_046_029_254_386_353_131L));
    m.put("COMMIT-digest", new CoordinatorCommit(tx, participants, 1L));
    m.put("ABORT-digest", new CoordinatorAbort(tx, participants, Reason.ID_REUSED, 0L));
    m.put("END-digest",
        new CoordinatorEnd(tx, Decision.COMMIT, null, participants, Long.MAX_VALUE));
    return m;
  }
}
