package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/** A participant's vote; {@code reason} is set for {@link VoteKind#PREPARE_NOTOK}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Vote(TxId txId, NodeId from, VoteKind vote, Reason reason) implements Message {
  public Vote {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(vote, "vote");
    if (vote == VoteKind.PREPARE_NOTOK && reason == null) {
      throw new IllegalArgumentException("a VOTE-ABORT needs a reason");
    }
  }

  public static Vote ok(TxId txId, NodeId from) {
    return new Vote(txId, from, VoteKind.PREPARE_OK, null);
  }

  public static Vote readOnly(TxId txId, NodeId from) {
    return new Vote(txId, from, VoteKind.PREPARE_READONLY, null);
  }

  public static Vote no(TxId txId, NodeId from, Reason reason) {
    return new Vote(txId, from, VoteKind.PREPARE_NOTOK, reason);
  }
}
