package io.ringtx.protocol.log;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.ringtx.protocol.id.TxId;

/**
 * A record of the stable log. Participant records: {@link Prepared}, {@link Committed}, {@link
 * Aborted}, and the operator's {@link HeuristicCommitted}, {@link HeuristicAborted} and {@link
 * HeuristicMismatch}. Coordinator records: {@link CoordinatorCommit}, {@link CoordinatorAbort}, {@link
 * CoordinatorEnd}. Type names are stable and are part of the on-disk format: never rename one
 * (golden files under {@code src/test/resources/golden/} pin them).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Prepared.class, name = "PREPARED"),
  @JsonSubTypes.Type(value = Committed.class, name = "COMMITTED"),
  @JsonSubTypes.Type(value = Aborted.class, name = "ABORTED"),
  @JsonSubTypes.Type(value = CoordinatorCommit.class, name = "COMMIT"),
  @JsonSubTypes.Type(value = CoordinatorAbort.class, name = "ABORT"),
  @JsonSubTypes.Type(value = CoordinatorEnd.class, name = "END"),
  @JsonSubTypes.Type(value = HeuristicCommitted.class, name = "HEURISTIC_COMMITTED"),
  @JsonSubTypes.Type(value = HeuristicAborted.class, name = "HEURISTIC_ABORTED"),
  @JsonSubTypes.Type(value = HeuristicMismatch.class, name = "HEURISTIC_MISMATCH"),
})
public sealed interface LogRecord
    permits Prepared,
        Committed,
        Aborted,
        CoordinatorRecord,
        HeuristicCommitted,
        HeuristicAborted,
        HeuristicMismatch {
  /** The transaction this record belongs to. */
  TxId txId();
}
