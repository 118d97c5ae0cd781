package io.ringtx.protocol.ring;

import io.ringtx.protocol.id.NodeId;
import java.util.Objects;

/**
 * One virtual node on the ring: the participant {@code node} that runs it (its network address)
 * and its place {@code id}. This is what Chord's finger tables and successor lists hold.
 */
public record VirtualNode(NodeId node, RingId id) {
  /** Validates the fields. */
  public VirtualNode {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(id, "id");
  }

  /** {@code node@id}, e.g. {@code p1@44}. */
  @Override
  public String toString() {
    return node + "@" + id;
  }
}
