package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** The answer to a {@link OnePhaseCommit}: COMMIT (durable and applied) or ABORT with a reason. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OnePhaseResult(TxId txId, NodeId from, Decision decision, Reason reason)
    implements Message {
  public OnePhaseResult {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(decision, "decision");
  }
}
