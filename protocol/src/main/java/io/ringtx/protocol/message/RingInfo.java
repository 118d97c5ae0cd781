package io.ringtx.protocol.message;

import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.List;
import java.util.Objects;

/**
 * A participant's view of the ring: {@code status} ({@code JOINING}, {@code MEMBER}, {@code
 * LEAVING}, {@code LEFT}), the ranges it owns now (serves), the hand-offs it is sending, and the
 * Chord state of each of its virtual nodes. Coordinators build their routing cache from the
 * {@code owned} ranges of every participant; {@code GET /v1/cluster} and {@code ringtx ring} show
 * all of it.
 */
public record RingInfo(
    String node,
    String status,
    List<RingRange> owned,
    List<String> handoffs,
    List<VirtualNodeInfo> virtualNodes) implements Message {
  /** Validates and copies. */
  public RingInfo {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(status, "status");
    owned = List.copyOf(owned);
    handoffs = List.copyOf(handoffs);
    virtualNodes = List.copyOf(virtualNodes);
  }

  /**
   * One virtual node: its Chord state, predecessor (null if unknown), successor list and the
   * distinct entries of its finger table in finger order.
   */
  public record VirtualNodeInfo(
      VirtualNode self,
      String state,
      VirtualNode predecessor,
      List<VirtualNode> successors,
      List<VirtualNode> fingers) {
    /** Validates and copies. */
    public VirtualNodeInfo {
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(state, "state");
      successors = List.copyOf(successors);
      fingers = List.copyOf(fingers);
    }
  }
}
