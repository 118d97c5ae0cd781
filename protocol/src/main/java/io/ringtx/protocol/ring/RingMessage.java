package io.ringtx.protocol.ring;

import java.util.List;
import java.util.Objects;

/**
 * The messages Chord nodes exchange. Every {@link Request} gets exactly one {@link Response}:
 *
 * <ul>
 *   <li>{@link FindSuccessor} → {@link NextHop}: one step of an iterative lookup (Chord §IV.D);
 *   <li>{@link ConfirmOwner} → {@link Ack}: the last step of a lookup, which makes sure the owner
 *       it names is alive (Chord §IV.E.3);
 *   <li>{@link GetNeighbours} → {@link Neighbours}: {@code stabilize} reads its successor's
 *       predecessor and successor list (Chord §IV.E.1, §IV.E.3);
 *   <li>{@link Notify} → {@link Ack}: "I might be your predecessor" (Chord §IV.E.1);
 *   <li>{@link Ping} → {@link Ack}: {@code check_predecessor} (Chord §IV.E.1);
 *   <li>{@link PredecessorLeaving}, {@link SuccessorLeaving} → {@link Ack}: a graceful leave
 *       (Chord §IV.E.4).
 * </ul>
 *
 * Any request → {@link NotInRing} from a node that is not (or no longer) in the ring: it is
 * joining, or has left. A request that gets no response by its deadline is reported to the
 * sender as failed, which is how a Chord node learns that another has failed; {@link NotInRing}
 * is handled the same way, without waiting for the deadline.
 */
public sealed interface RingMessage {

  /** A message that asks for a {@link Response}. */
  sealed interface Request extends RingMessage
      permits FindSuccessor,
          ConfirmOwner,
          GetNeighbours,
          Notify,
          Ping,
          PredecessorLeaving,
          SuccessorLeaving {}

  /** The answer to a {@link Request}. */
  sealed interface Response extends RingMessage permits NextHop, Neighbours, Ack, NotInRing {}

  /**
   * "Who succeeds {@code target}, or who is closer to it?" The receiver answers from its own
   * tables without forwarding, so the asking node drives the lookup. {@code avoid} lists nodes the
   * asker found dead (or unhelpful) during this lookup; the answer must not name them.
   * {@code lookupId} is the asker's own correlation number, meaningless to the receiver.
   */
  record FindSuccessor(long lookupId, RingId target, List<RingId> avoid) implements Request {
    /** Validates and copies. */
    public FindSuccessor {
      Objects.requireNonNull(target, "target");
      avoid = List.copyOf(avoid);
    }
  }

  /**
   * The answer to {@link FindSuccessor}: if {@code owner}, {@code node} is the successor of the
   * target; otherwise {@code node} is the closest preceding node to ask next. {@code node} is
   * null when the receiver cannot help: every candidate it knows is avoided.
   */
  record NextHop(VirtualNode node, boolean owner) implements Response {
    /** An owner answer needs a node. */
    public NextHop {
      if (owner && node == null) {
        throw new IllegalArgumentException("an owner answer names the owner");
      }
    }

    /** The receiver has no candidate that is not avoided. */
    static NextHop cannotHelp() {
      return new NextHop(null, false);
    }
  }

  /**
   * "Are you in the ring?", asked of the owner a lookup found before the lookup returns it. The
   * node that named the owner may not yet know that it failed (Chord §IV.E.3): a lookup that
   * returned it unconfirmed would send its caller to a dead node. No answer by the deadline, or
   * {@link NotInRing}, sends the lookup back to that node, which then names the next live entry
   * of its successor list. {@code lookupId} is the asker's own correlation number.
   */
  record ConfirmOwner(long lookupId) implements Request {}

  /** Asks for the receiver's predecessor and successor list. */
  record GetNeighbours() implements Request {}

  /** The receiver's predecessor (null if unknown) and successor list, nearest first. */
  record Neighbours(VirtualNode predecessor, List<VirtualNode> successors) implements Response {
    /** Copies the list. */
    public Neighbours {
      successors = List.copyOf(successors);
    }
  }

  /** {@code candidate} thinks it might be the receiver's predecessor. */
  record Notify(VirtualNode candidate) implements Request {
    /** Validates. */
    public Notify {
      Objects.requireNonNull(candidate, "candidate");
    }
  }

  /** Are you alive? */
  record Ping() implements Request {}

  /**
   * To the successor of {@code leaving}: it is leaving, and its predecessor {@code
   * newPredecessor} (null if it had none) becomes yours.
   */
  record PredecessorLeaving(VirtualNode leaving, VirtualNode newPredecessor) implements Request {
    /** Validates. */
    public PredecessorLeaving {
      Objects.requireNonNull(leaving, "leaving");
    }
  }

  /**
   * To the predecessor of {@code leaving}: it is leaving; its successor list {@code successors}
   * replaces it in yours.
   */
  record SuccessorLeaving(VirtualNode leaving, List<VirtualNode> successors) implements Request {
    /** Validates and copies. */
    public SuccessorLeaving {
      Objects.requireNonNull(leaving, "leaving");
      successors = List.copyOf(successors);
    }
  }

  /** The empty answer. */
  record Ack() implements Response {}

  /**
   * "I am not in the ring": the receiver is joining (again) or has left. Its sender must not keep
   * it as successor, predecessor or finger, nor take it for the owner of anything.
   */
  record NotInRing() implements Response {}
}
