package io.ringtx.protocol.message;

import io.ringtx.protocol.id.NodeId;
import java.util.Objects;

/**
 * "Which transactions are in doubt at your node?", asked of a participant by a coordinator that
 * reports the cluster ({@code GET /v1/cluster}). Changes nothing at the participant.
 */
public record InDoubtQuery(NodeId from) implements Message {
  public InDoubtQuery {
    Objects.requireNonNull(from, "from");
  }
}
