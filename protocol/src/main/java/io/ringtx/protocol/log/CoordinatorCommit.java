package io.ringtx.protocol.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.List;
import java.util.Objects;

/**
 * Coordinator COMMIT: forced before any GLOBAL-COMMIT is sent. {@code participants} are the
 * shards that must acknowledge (those that wrote); recovery resends to them until they do.
 * {@code digest} is the transaction's {@link io.ringtx.protocol.message.TxDigest} (null in
 * records written before session 25): a later request with the same id and another digest is
 * another transaction, refused {@code ID_REUSED}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoordinatorCommit(TxId txId, List<NodeId> participants, Long digest)
    implements CoordinatorRecord {
  public CoordinatorCommit {
    Objects.requireNonNull(txId, "txId");
    participants = List.copyOf(participants);
  }

  /** A record without a digest, as written before session 25. */
  public CoordinatorCommit(TxId txId, List<NodeId> participants) {
    this(txId, participants, null);
  }
}
