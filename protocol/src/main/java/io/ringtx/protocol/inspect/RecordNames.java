package io.ringtx.protocol.inspect;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.message.Decision;
import java.util.Optional;
import java.util.HashMap;
import java.util.Map;

/** The stable type names of log records (as on disk: PREPARED, COMMIT, HEURISTIC_ABORTED…). */
public final class RecordNames {
  private static final Map<Class<?>, String> NAMES = new HashMap<>();

  static {
    for (JsonSubTypes.Type t : LogRecord.class.getAnnotation(JsonSubTypes.class).value()) {
      NAMES.put(t.value(), t.name());
    }
  }

  private RecordNames() {}

  /**
   * The decision {@code record} stands for: COMMITTED, HEURISTIC_COMMITTED, COMMIT and END of a
   * commit are COMMIT; ABORTED, HEURISTIC_ABORTED, ABORT and END of an abort are ABORT; a
   * HEURISTIC_MISMATCH is the heuristic decision applied; PREPARED is none.
   */
  public static Optional<Decision> decisionOf(LogRecord record) {
    if (record instanceof Committed || record instanceof HeuristicCommitted
        || record instanceof CoordinatorCommit) {
      return Optional.of(Decision.COMMIT);
    }
    if (record instanceof Aborted || record instanceof HeuristicAborted
        || record instanceof CoordinatorAbort) {
      return Optional.of(Decision.ABORT);
    }
    if (record instanceof HeuristicMismatch m) {
      return Optional.of(m.heuristic());
    }
    if (record instanceof CoordinatorEnd e) {
      return Optional.of(e.decision());
    }
    return Optional.empty();
  }

  /** The type name of {@code record}. */
  public static String of(LogRecord record) {
    return NAMES.get(record.getClass());
  }
}
