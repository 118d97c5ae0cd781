package io.ringtx.protocol.ring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The state of one iterative lookup driven by a {@link ChordNode} (Chord §IV.D, run iteratively:
 * the asking node contacts each hop itself, so it can step back when a hop has failed, §IV.E.3).
 */
final class Lookup {
  /** Why the lookup runs, which says what to do with its answer. */
  enum Purpose {
    /** Chord §IV.E.1 join: find our own successor. */
    JOIN,
    /** Chord §IV.E.1 fix_fingers: find the successor of a finger's start. */
    FINGER,
    /** fix_fingers for finger 0, the successor: ask the ring, not ourselves, who follows us. */
    SUCCESSOR,
    /** Asked for by the shell, answered with a {@link RingStep.LookupDone}. */
    CLIENT;

    /**
     * Whether the owner found must answer a {@link RingMessage.ConfirmOwner} before the lookup
     * ends. A client acts on the owner and a joining node takes it for its successor; a finger is
     * only a routing hint, dropped when it fails to answer, and a new successor found by {@link
     * #SUCCESSOR} must answer stabilize's request before it is taken.
     */
    boolean confirmsOwner() {
      return this == JOIN || this == CLIENT;
    }
  }

  final long id;
  final Purpose purpose;
  final RingId target;
  /** The finger index, for {@link Purpose#FINGER}. */
  final int finger;
  /** The shell's id, for {@link Purpose#CLIENT}. */
  final long requestId;
  /** The nodes that answered with a next hop, most recent first: where to step back to. */
  final Deque<VirtualNode> path = new ArrayDeque<>();
  /** Nodes found dead or unhelpful during this lookup; insertion-ordered for a stable wire form. */
  final Set<RingId> avoid = new LinkedHashSet<>();
  /** The node whose answer we wait for; answers from any other node are stale. */
  VirtualNode current;
  /** Whether {@link #current} is the owner found, asked to confirm it is in the ring. */
  boolean confirming;
  /** Whether the owner found must confirm before the lookup ends; by purpose unless set. */
  boolean confirmOwner;
  int hops;
  int steps;

  Lookup(long id, Purpose purpose, RingId target, int finger, long requestId) {
    this.id = id;
    this.purpose = purpose;
    this.target = target;
    this.finger = finger;
    this.requestId = requestId;
    this.confirmOwner = purpose.confirmsOwner();
  }
}
