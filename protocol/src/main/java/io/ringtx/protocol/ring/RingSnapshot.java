package io.ringtx.protocol.ring;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.route.Router;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An immutable view of the whole ring, built from the members' virtual nodes as discovery lists
 * them: the routing table a coordinator caches to send each key straight to its owner (DESIGN §4),
 * refreshed when a participant answers {@code NOT_OWNER}.
 *
 * <p>A key belongs to the successor of its hash (Chord §IV.B), i.e. to the participant that runs
 * that virtual node. {@link #rangesOf} lists the ranges a participant owns, for {@code GET
 * /v1/cluster} and {@code ringtx ring}.
 */
public final class RingSnapshot implements Router {
  private final IdSpace space;
  /** Sorted by unsigned id. */
  private final VirtualNode[] ring;
  private final List<NodeId> participants;

  private RingSnapshot(IdSpace space, VirtualNode[] ring) {
    this.space = space;
    this.ring = ring;
    this.participants =
        Arrays.stream(ring).map(VirtualNode::node).distinct().sorted().toList();
  }

  /**
   * The ring of exactly these virtual nodes (explicit ids, as in the lecture's examples, or as
   * registered in discovery). Two virtual nodes may not share an id.
   */
  public static RingSnapshot of(IdSpace space, Collection<VirtualNode> virtualNodes) {
    Objects.requireNonNull(space, "space");
    if (virtualNodes.isEmpty()) {
      throw new IllegalArgumentException("a ring needs at least one virtual node");
    }
    VirtualNode[] ring = virtualNodes.toArray(VirtualNode[]::new);
    for (VirtualNode v : ring) {
      if (v.id().bits() != space.bits()) {
        throw new IllegalArgumentException(v + " is not on a 2^" + space.bits() + " ring");
      }
    }
    Arrays.sort(ring, (a, b) -> a.id().compareTo(b.id()));
    for (int i = 1; i < ring.length; i++) {
      if (ring[i].id().equals(ring[i - 1].id())) {
        throw new IllegalArgumentException(
            "two virtual nodes at id " + ring[i].id() + ": " + ring[i - 1] + " and " + ring[i]);
      }
    }
    return new RingSnapshot(space, ring);
  }

  /**
   * The ring where each participant runs {@code virtualNodes} virtual nodes at the hashes of
   * {@code "node#0"} … (DESIGN §4).
   */
  public static RingSnapshot hashed(
      IdSpace space, Collection<NodeId> participants, int virtualNodes) {
    List<VirtualNode> all = new ArrayList<>(participants.size() * virtualNodes);
    for (NodeId p : participants.stream().distinct().toList()) {
      all.addAll(space.virtualNodes(p, virtualNodes));
    }
    return of(space, all);
  }

  /** The identifier circle. */
  @Override
  public java.util.Optional<RingSnapshot> ring() {
    return java.util.Optional.of(this);
  }

  public IdSpace space() {
    return space;
  }

  /** Every virtual node, in ring order from id 0. */
  public List<VirtualNode> virtualNodes() {
    return List.of(ring);
  }

  /** Chord §IV.B successor(id): the first virtual node at or after {@code id}, wrapping around. */
  public VirtualNode successor(RingId id) {
    if (id.bits() != space.bits()) {
      throw new IllegalArgumentException(id + " is not on a 2^" + space.bits() + " ring");
    }
    int lo = 0;
    int hi = ring.length; // the first index whose id is >= id lies in [lo, hi]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ring[mid].id().compareTo(id) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return ring[lo == ring.length ? 0 : lo];
  }

  /** The participant that owns {@code key}: the one running successor(hash(key)). */
  @Override
  public NodeId ownerOf(String key) {
    return successor(space.ofKey(key)).node();
  }

  /** Every participant with a virtual node on the ring, sorted. */
  @Override
  public List<NodeId> participants() {
    return participants;
  }

  /**
   * The ranges {@code node} owns, one (predecessor, id] per virtual node, in ring order from id
   * 0; empty if it has no virtual node here. A single virtual node owns (id, id], the whole ring.
   */
  public List<RingRange> rangesOf(NodeId node) {
    List<RingRange> out = new ArrayList<>();
    for (int i = 0; i < ring.length; i++) {
      if (ring[i].node().equals(node)) {
        RingId predecessor = ring[i == 0 ? ring.length - 1 : i - 1].id();
        out.add(new RingRange(predecessor, ring[i].id()));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "RingSnapshot{" + ring.length + " virtual nodes of " + participants + "}";
  }
}
