package io.ringtx.protocol.ring;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.RingMessage.Ack;
import io.ringtx.protocol.ring.RingMessage.ConfirmOwner;
import io.ringtx.protocol.ring.RingMessage.FindSuccessor;
import io.ringtx.protocol.ring.RingMessage.GetNeighbours;
import io.ringtx.protocol.ring.RingMessage.Neighbours;
import io.ringtx.protocol.ring.RingMessage.NextHop;
import io.ringtx.protocol.ring.RingMessage.NotInRing;
import io.ringtx.protocol.ring.RingMessage.Notify;
import io.ringtx.protocol.ring.RingMessage.Ping;
import io.ringtx.protocol.ring.RingMessage.PredecessorLeaving;
import io.ringtx.protocol.ring.RingMessage.Request;
import io.ringtx.protocol.ring.RingMessage.Response;
import io.ringtx.protocol.ring.RingMessage.SuccessorLeaving;
import io.ringtx.protocol.ring.RingStep.LookupDone;
import io.ringtx.protocol.ring.RingStep.TimerKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Chord state machine of one virtual node (Chord §IV, DESIGN §4): predecessor, a successor
 * list of r entries, an m-entry finger table (finger i = successor(n + 2^i)), iterative lookups,
 * join, the periodic stabilize / notify / fix_fingers / check_predecessor, fail-over to the next
 * live successor, and graceful leave.
 *
 * <p>Pure (STYLE §1): it takes one event at a time — a call of {@link #start}, {@link #join},
 * {@link #leave}, {@link #lookup}, a request, the reply to one of its requests, a failed request,
 * a timer — with the time {@code now} in milliseconds, and returns the {@link RingStep} of effects
 * for the shell to carry out. It learns that another node has failed only from {@link
 * #onSendFailed}. Not thread-safe: call it from one thread (one Vert.x context) only.
 */
public final class ChordNode {

  /** The life of a virtual node. */
  public enum State {
    /** Created; neither {@link #start} nor {@link #join} called yet. */
    NEW,
    /**
     * Looking up its successor through a known node; also a node that lost every contact to the
     * ring through failures, which must join again.
     */
    JOINING,
    /** In the ring: answers lookups and runs maintenance. */
    JOINED,
    /** Left gracefully; answers nothing any more. */
    LEFT
  }

  private final VirtualNode self;
  private final RingId n;
  private final RingConfig config;
  private final int bits;
  /** finger i starts at n + 2^i. */
  private final RingId[] fingerStarts;
  /** finger[i] = successor(n + 2^i) as last learnt; {@code self} means none known. */
  private final VirtualNode[] fingers;
  /** Nearest first, at most r entries, never {@code self}; empty means alone in the ring. */
  private final List<VirtualNode> successors = new ArrayList<>();
  /**
   * Whether the successor list is a finger standing in for a whole list that failed (see {@link
   * #forget}): until the stand-in names us as its predecessor, live nodes we never heard of may
   * lie between us and it, so we name no owner for ids up to it.
   */
  private boolean standIn;
  private final Map<Long, Lookup> lookups = new HashMap<>();
  private final int maxLookupSteps;

  private State state = State.NEW;
  private VirtualNode predecessor;
  private VirtualNode joinVia;
  private long joinLookup;
  private int nextFinger;
  private long nextLookupId = 1;
  /** When each periodic timer is due; a timer of an earlier membership is stale (ignored). */
  private final long[] periodicDue = new long[TimerKind.values().length];

  /** A node at {@code self} (hashed, or an explicit id in tests), in state {@link State#NEW}. */
  public ChordNode(VirtualNode self, RingConfig config) {
    this.self = Objects.requireNonNull(self, "self");
    this.config = Objects.requireNonNull(config, "config");
    this.n = self.id();
    this.bits = config.space().bits();
    if (n.bits() != bits) {
      throw new IllegalArgumentException("node id " + n + " is not on a 2^" + bits + " ring");
    }
    this.fingerStarts = new RingId[bits];
    for (int i = 0; i < bits; i++) {
      fingerStarts[i] = n.plusPowerOfTwo(i);
    }
    this.fingers = new VirtualNode[bits];
    Arrays.fill(fingers, self);
    this.maxLookupSteps = maxLookupSteps(config);
  }

  /**
   * The steps after which a node gives a lookup up. Every step of a lookup moves strictly closer
   * to the target, or steps back past a dead node; the bound only guards against tables that are
   * wrong in a way the protocol does not expect.
   */
  static int maxLookupSteps(RingConfig config) {
    return 4 * config.space().bits() + 4 * config.successors() + 16;
  }

  // ---------------------------------------------------------------------------------------------
  // Commands from the shell

  /**
   * Chord §IV.E.1 create(): this node starts a new ring, alone. Also for a node that lost the
   * ring (it is {@link State#JOINING} again) when discovery finds no other node alive.
   */
  public RingStep start(long now) {
    if (state != State.NEW && state != State.JOINING) {
      throw new IllegalStateException(self + " cannot start a ring when " + state);
    }
    lookups.clear();
    successors.clear();
    standIn = false;
    predecessor = null;
    RingStep.Builder out = new RingStep.Builder();
    becomeJoined(now, out);
    return out.build();
  }

  /**
   * Takes this node's place in a ring whose members are all known: {@code ring}, which must
   * hold this node — for instance the virtual nodes of a cluster's initial participants, which
   * each of them computes alike from the same configuration, so that they need not join one by
   * one through each other. Predecessor, successor list and fingers are set as stabilisation
   * would leave them; from then on the node runs maintenance exactly as after a join, so members
   * of {@code ring} that are not (yet) running are dropped as they fail to answer and taken back
   * when they notify.
   */
  public RingStep bootstrap(long now, RingSnapshot ring) {
    if (state != State.NEW && state != State.JOINING) {
      throw new IllegalStateException(self + " cannot bootstrap when " + state);
    }
    List<VirtualNode> all = ring.virtualNodes();
    int at = all.indexOf(self);
    if (at < 0) {
      throw new IllegalArgumentException(self + " is not in the ring it bootstraps from");
    }
    lookups.clear();
    successors.clear();
    standIn = false;
    predecessor = null;
    int size = all.size();
    if (size > 1) {
      predecessor = all.get((at - 1 + size) % size);
      for (int i = 1; i < size && successors.size() < config.successors(); i++) {
        successors.add(all.get((at + i) % size));
      }
      for (int i = 0; i < bits; i++) {
        fingers[i] = ring.successor(fingerStarts[i]);
      }
    }
    RingStep.Builder out = new RingStep.Builder();
    becomeJoined(now, out);
    return out.build();
  }

  /**
   * Chord §IV.E.1 join(n'): look up our successor through {@code known}, any node of the ring
   * (found by discovery). While {@link State#JOINING} the lookup is retried through the same node
   * every stabilize period; the shell may call this again with another node, and should when the
   * node stays joining (the known node failed, or this node lost the ring: see {@link #state}).
   */
  public RingStep join(long now, VirtualNode known) {
    if (state != State.NEW && state != State.JOINING) {
      throw new IllegalStateException(self + " cannot join when " + state);
    }
    if (known.id().equals(n)) {
      throw new IllegalArgumentException(self + " cannot join through itself");
    }
    state = State.JOINING;
    joinVia = known;
    predecessor = null;
    successors.clear();
    standIn = false;
    RingStep.Builder out = new RingStep.Builder();
    startJoinLookup(out);
    return out.build();
  }

  /**
   * Chord §IV.E.4: leave gracefully. The successor learns its new predecessor and the predecessor
   * our successor list; afterwards this node answers every request with {@link NotInRing}, so
   * that the others drop it at once (a shell that stops serving it instead makes them wait for
   * their deadline). Handing the keys over to the successor is the participant's business, before
   * it calls this.
   *
   * <p>A participant's virtual nodes leave together, so this node's siblings (the virtual nodes
   * of its participant) are neither told nor named: a run of them between two other nodes is
   * closed at once by its first member telling the node before the run of the successors after
   * it, and its last member telling the node after the run (which takes its predecessor from
   * whoever notifies it next). Naming a sibling would leave the neighbour pointing at a node
   * that is leaving too, until stabilisation noticed, and a lookup ending there would name a
   * participant that is gone.
   */
  public RingStep leave(long now) {
    RingStep.Builder out = new RingStep.Builder();
    if (state == State.JOINED) {
      VirtualNode successor = successor();
      if (!successor.equals(self) && !isSibling(successor)) {
        out.send(successor, new PredecessorLeaving(self,
            predecessor == null || isSibling(predecessor) ? null : predecessor));
      }
      if (predecessor != null && !isSibling(predecessor)) {
        out.send(predecessor, new SuccessorLeaving(self,
            successors.stream().filter(v -> !isSibling(v)).toList()));
      }
    }
    state = State.LEFT;
    dropLookups(out);
    return out.build();
  }

  /**
   * Drops every lookup under way; the shell's own ({@link Lookup.Purpose#CLIENT}) end without an
   * owner, so that no caller waits for an answer that will never come.
   */
  private void dropLookups(RingStep.Builder out) {
    for (Lookup l : lookups.values()) {
      if (l.purpose == Lookup.Purpose.CLIENT) {
        out.lookupDone(new LookupDone(l.requestId, l.target, null, l.hops));
      }
    }
    lookups.clear();
  }

  /**
   * Looks up the successor of {@code target}, iteratively from this node; the answer comes as a
   * {@link LookupDone} with {@code requestId}, in this step or a later one. The owner is
   * confirmed alive first ({@link RingMessage.ConfirmOwner}): one that failed unnoticed gives way
   * to the next live entry of the successor list (Chord §IV.E.3).
   */
  public RingStep lookup(long now, long requestId, RingId target) {
    return lookup(now, requestId, target, true);
  }

  /**
   * As {@link #lookup(long, long, RingId)}; with {@code confirmOwner} false the owner is returned
   * as the last hop named it, unconfirmed. For a caller that must have the ring's successor even
   * while it is slow to answer: an owner that misses the deadline of its confirmation is taken
   * for failed, and the next live entry returned in its place.
   */
  public RingStep lookup(long now, long requestId, RingId target, boolean confirmOwner) {
    RingStep.Builder out = new RingStep.Builder();
    if (state != State.JOINED) {
      return out.lookupDone(new LookupDone(requestId, target, null, 0)).build();
    }
    Lookup l = newLookup(Lookup.Purpose.CLIENT, target, -1, requestId);
    l.confirmOwner = confirmOwner;
    advance(now, l, self, answer(target, l.avoid), out);
    return out.build();
  }

  /**
   * Discovery saw the membership change (DESIGN §4): run stabilize and check_predecessor now
   * rather than at their next period.
   */
  public RingStep onMembershipChanged(long now) {
    RingStep.Builder out = new RingStep.Builder();
    if (state == State.JOINED) {
      stabilize(out);
      checkPredecessor(out);
    }
    return out.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Events from the network and the timers

  /** A request from another ring node; answer it with a {@link RingStep.Reply} carrying token. */
  public RingStep onRequest(long now, long token, Request request) {
    RingStep.Builder out = new RingStep.Builder();
    if (state != State.JOINED) {
      // Not a member: whoever still lists us must drop us, and no lookup may end at us.
      return out.reply(token, new NotInRing()).build();
    }
    if (request instanceof FindSuccessor f) {
      out.reply(token, answer(f.target(), f.avoid()));
    } else if (request instanceof ConfirmOwner) {
      out.reply(token, new Ack());
    } else if (request instanceof GetNeighbours) {
      out.reply(token, new Neighbours(predecessor, successors));
    } else if (request instanceof Notify notify) {
      notified(notify.candidate(), out);
      out.reply(token, new Ack());
    } else if (request instanceof Ping) {
      out.reply(token, new Ack());
    } else if (request instanceof PredecessorLeaving p) {
      predecessorLeaving(p);
      out.reply(token, new Ack());
    } else if (request instanceof SuccessorLeaving s) {
      successorLeaving(s);
      out.reply(token, new Ack());
    } else {
      throw new IllegalArgumentException("unknown ring request " + request);
    }
    return out.build();
  }

  /** The reply from {@code to} to a request this node sent it. */
  public RingStep onReply(long now, VirtualNode to, Request request, Response response) {
    if (state == State.NEW || state == State.LEFT) {
      return RingStep.NONE;
    }
    if (response instanceof NotInRing) {
      return onSendFailed(now, to, request);
    }
    RingStep.Builder out = new RingStep.Builder();
    if (request instanceof FindSuccessor f) {
      Lookup l = lookups.get(f.lookupId());
      if (l != null && !l.confirming && to.equals(l.current)) {
        advance(now, l, to, expect(NextHop.class, response), out);
      }
    } else if (request instanceof ConfirmOwner c) {
      Lookup l = lookups.get(c.lookupId());
      if (l != null && l.confirming && to.equals(l.current)) {
        end(now, l, to, out); // it answered: alive and in the ring
      }
    } else if (request instanceof GetNeighbours) {
      if (state == State.JOINED) {
        stabilized(to, expect(Neighbours.class, response), out);
      }
    }
    // Notify, Ping and the leave messages need nothing more than the fact of an answer.
    return out.build();
  }

  /**
   * A request to {@code to} got no answer by its deadline: {@code to} is taken to have failed
   * (Chord §IV.E.3) and removed from the successor list, the fingers and the predecessor. A
   * {@link NotInRing} answer is handled the same way.
   */
  public RingStep onSendFailed(long now, VirtualNode to, Request request) {
    if (state == State.NEW || state == State.LEFT) {
      return RingStep.NONE;
    }
    RingStep.Builder out = new RingStep.Builder();
    if (forget(to) && state == State.JOINED) {
      lostTheRing(now, to, out);
    }
    if (request instanceof FindSuccessor f) {
      Lookup l = lookups.get(f.lookupId());
      if (l != null && !l.confirming && to.equals(l.current)) {
        // Step back to the node that named the dead one and ask it again, avoiding it.
        advance(now, l, to, NextHop.cannotHelp(), out);
      }
    } else if (request instanceof ConfirmOwner c) {
      Lookup l = lookups.get(c.lookupId());
      if (l != null && l.confirming && to.equals(l.current)) {
        // The owner named is gone: the node that named it, asked again while avoiding it, names
        // the next live entry of its successor list (Chord §IV.E.3).
        advance(now, l, to, NextHop.cannotHelp(), out);
      }
    }
    return out.build();
  }

  /** A timer this node set has fired. */
  public RingStep onTimer(long now, RingStep.Timer timer) {
    RingStep.Builder out = new RingStep.Builder();
    if (timer.kind() != TimerKind.JOIN_RETRY
        && (state != State.JOINED || periodicDue[timer.kind().ordinal()] != timer.atMillis())) {
      return RingStep.NONE; // not joined, or set before this node left and joined again
    }
    switch (timer.kind()) {
      case STABILIZE -> {
        arm(out, TimerKind.STABILIZE, now + config.stabilizeMillis());
        stabilize(out);
      }
      case FIX_FINGERS -> {
        arm(out, TimerKind.FIX_FINGERS, now + config.fixFingersMillis());
        fixFingers(now, out);
      }
      case CHECK_PREDECESSOR -> {
        arm(out, TimerKind.CHECK_PREDECESSOR, now + config.checkPredecessorMillis());
        checkPredecessor(out);
      }
      case JOIN_RETRY -> {
        if (state == State.JOINING && joinVia != null && !lookups.containsKey(joinLookup)) {
          startJoinLookup(out);
        }
      }
    }
    return out.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Views for the shell, GET /v1/cluster and tests

  /** This virtual node. */
  public VirtualNode self() {
    return self;
  }

  /** Where this node is in its life. */
  public State state() {
    return state;
  }

  /** The predecessor, if known. */
  public Optional<VirtualNode> predecessor() {
    return Optional.ofNullable(predecessor);
  }

  /** The successor: the head of the successor list, or this node when it is alone. */
  public VirtualNode successor() {
    return successors.isEmpty() ? self : successors.get(0);
  }

  /** The successor list, nearest first (at most r entries; empty when alone). */
  public List<VirtualNode> successors() {
    return List.copyOf(successors);
  }

  /** The m fingers, finger i = successor(n + 2^i) as last learnt; this node means none known. */
  public List<VirtualNode> fingers() {
    return List.of(fingers);
  }

  /**
   * Whether this node owns {@code id}: it lies in (predecessor, n] (Chord §IV.B), or the node is
   * alone. Without a known predecessor (just joined, or the predecessor failed) the answer is no
   * until a notify arrives: refusing a request is safe, serving one for a range another node owns
   * is not.
   */
  public boolean owns(RingId id) {
    if (state != State.JOINED) {
      return false;
    }
    if (successors.isEmpty()) {
      return true;
    }
    return predecessor != null && id.inOpenClosed(predecessor.id(), n);
  }

  /**
   * Chord §IV.D closest_preceding_node: of the fingers and the successor list, the node that most
   * closely precedes {@code id}; this node if none lies in (n, id).
   */
  public VirtualNode closestPrecedingNode(RingId id) {
    VirtualNode c = closestPreceding(id, List.of());
    return c == null ? self : c;
  }

  @Override
  public String toString() {
    return "ChordNode{" + self + " " + state + " pred=" + predecessor + " succ=" + successors + "}";
  }

  // ---------------------------------------------------------------------------------------------
  // Lookups (Chord §IV.D find_successor, made iterative)

  /**
   * This node's answer to "who succeeds {@code target}?": the first live successor if target lies
   * between us and it, else the closest preceding node to ask next, skipping {@code avoid}.
   */
  private NextHop answer(RingId target, Collection<RingId> avoid) {
    if (state != State.JOINED) {
      return NextHop.cannotHelp();
    }
    if (successors.isEmpty()) {
      return new NextHop(self, true); // alone: (n, n] is the whole ring
    }
    VirtualNode live = null;
    for (VirtualNode s : successors) {
      if (!avoid.contains(s.id())) {
        live = s;
        break;
      }
    }
    // Chord §IV.E.3: with its successor failed, a node's keys fall to the next live successor.
    if (live != null && target.inOpenClosed(n, live.id())) {
      return standIn ? NextHop.cannotHelp() : new NextHop(live, true);
    }
    VirtualNode next = closestPreceding(target, avoid);
    return next == null ? NextHop.cannotHelp() : new NextHop(next, false);
  }

  /** The finger or successor in (n, target) nearest to target, skipping avoid; null if none. */
  private VirtualNode closestPreceding(RingId target, Collection<RingId> avoid) {
    VirtualNode best = null;
    long bestDistance = 0;
    for (int i = bits - 1; i >= -successors.size(); i--) {
      VirtualNode c = i >= 0 ? fingers[i] : successors.get(-i - 1);
      if (c.equals(self) || !c.id().inOpenOpen(n, target) || avoid.contains(c.id())) {
        continue;
      }
      long d = n.distanceTo(c.id());
      if (best == null || Long.compareUnsigned(d, bestDistance) > 0) {
        best = c;
        bestDistance = d;
      }
    }
    return best;
  }

  private Lookup newLookup(Lookup.Purpose purpose, RingId target, int finger, long requestId) {
    Lookup l = new Lookup(nextLookupId++, purpose, target, finger, requestId);
    lookups.put(l.id, l);
    return l;
  }

  /**
   * Drives lookup {@code l} on: {@code asked} answered {@code hop}. An owner is confirmed (see
   * {@link ConfirmOwner}) and then ends the lookup; a next hop is asked (locally if it is this
   * node); a node that cannot help — or failed, which the caller reports as the same, and an
   * owner that does not confirm — is avoided and the node that named it is asked again. So a
   * lookup started just after many nodes failed at once, before any of them was noticed, still
   * ends at the live successor of its target (Chord §IV.E.3, Theorem IV.5) as long as the node
   * preceding the target has a live entry in its successor list.
   */
  private void advance(long now, Lookup l, VirtualNode asked, NextHop hop, RingStep.Builder out) {
    l.confirming = false;
    while (true) {
      if (++l.steps > maxLookupSteps) {
        end(now, l, null, out);
        return;
      }
      if (hop.owner()) {
        VirtualNode owner = hop.node();
        if (owner.equals(self) || !l.confirmOwner) {
          end(now, l, owner, out);
          return;
        }
        l.path.push(asked); // should the owner not confirm, ask this node again
        l.current = owner;
        l.confirming = true;
        out.send(owner, new ConfirmOwner(l.id));
        return;
      }
      VirtualNode next;
      if (hop.node() != null) {
        l.path.push(asked);
        next = hop.node();
      } else {
        l.avoid.add(asked.id());
        if (l.path.isEmpty()) {
          end(now, l, null, out);
          return;
        }
        next = l.path.pop();
      }
      if (!next.equals(self)) {
        l.current = next;
        l.hops++;
        out.send(next, new FindSuccessor(l.id, l.target, List.copyOf(l.avoid)));
        return;
      }
      asked = self;
      hop = answer(l.target, l.avoid);
    }
  }

  private void end(long now, Lookup l, VirtualNode owner, RingStep.Builder out) {
    lookups.remove(l.id);
    switch (l.purpose) {
      case JOIN -> {
        if (state != State.JOINING) {
          return;
        }
        if (owner == null) {
          out.timer(TimerKind.JOIN_RETRY, now + config.stabilizeMillis());
        } else {
          if (!owner.id().equals(n)) {
            successors.add(owner);
          } // else the ring holds only a former incarnation of this node: we are alone
          becomeJoined(now, out);
        }
      }
      case FINGER -> {
        if (owner != null && state == State.JOINED) {
          fingerFound(l.finger, owner);
        }
      }
      case SUCCESSOR -> {
        if (owner != null && state == State.JOINED && owner.id().inOpenOpen(n, successor().id())) {
          out.send(owner, new GetNeighbours()); // taken as successor once it answers
        }
      }
      case CLIENT -> out.lookupDone(new LookupDone(l.requestId, l.target, owner, l.hops));
    }
  }

  private void startJoinLookup(RingStep.Builder out) {
    // Look up n + 1 rather than n: should the ring still list a former incarnation of this node at
    // n, successor(n) would be that incarnation, while successor(n + 1) is the node after it. When
    // no node sits at n the two are the same node.
    Lookup l = newLookup(Lookup.Purpose.JOIN, n.plus(1), -1, 0);
    joinLookup = l.id;
    l.current = joinVia;
    l.hops++;
    out.send(joinVia, new FindSuccessor(l.id, l.target, List.of()));
  }

  private void becomeJoined(long now, RingStep.Builder out) {
    state = State.JOINED;
    refreshLowFingers();
    arm(out, TimerKind.STABILIZE, now + config.stabilizeMillis());
    arm(out, TimerKind.FIX_FINGERS, now + config.fixFingersMillis());
    arm(out, TimerKind.CHECK_PREDECESSOR, now + config.checkPredecessorMillis());
    stabilize(out); // tell the successor about us at once rather than a period later
  }

  private void arm(RingStep.Builder out, TimerKind kind, long at) {
    periodicDue[kind.ordinal()] = at;
    out.timer(kind, at);
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance (Chord §IV.E.1, successor lists §IV.E.3, departures §IV.E.4)

  /**
   * Chord §IV.E.1 stabilize: ask the successor for its predecessor and successor list. A node
   * alone asks its predecessor, if a node has notified it: Chord's x = successor.predecessor is
   * then our own predecessor.
   */
  private void stabilize(RingStep.Builder out) {
    VirtualNode successor = successor();
    if (!successor.equals(self)) {
      out.send(successor, new GetNeighbours());
    } else if (predecessor != null) {
      out.send(predecessor, new GetNeighbours());
    }
  }

  /**
   * The rest of stabilize, with the {@link Neighbours} of {@code from}, which is our successor or
   * a node closer than it that we probed. A closer node that answers becomes the successor. The
   * successor list is the successor followed by its own list minus its last entry (§IV.E.3). If
   * x = successor.predecessor lies in (n, successor), x is probed in turn; otherwise the successor
   * is notified.
   *
   * <p>Chord takes x as successor before hearing from it. Here x must answer first: x may be a
   * failed node the successor has not yet noticed, and a node that takes a failed successor
   * passes it on in the list its predecessor copies, from where a successor lookup hands it back
   * after it was dropped, indefinitely. The probe also goes out at once rather than a period
   * later, since x's own predecessor may be closer still: each probe moves strictly closer to n,
   * so this ends, and a node far from its true successor gets there in round trips, not periods.
   */
  private void stabilized(VirtualNode from, Neighbours neighbours, RingStep.Builder out) {
    VirtualNode successor = successor();
    if (!from.equals(successor) && !from.id().inOpenOpen(n, successor.id())) {
      return; // the answer of a former successor, or of a probed node no longer closer
    }
    List<VirtualNode> list = new ArrayList<>(config.successors() + 1);
    list.add(from);
    appendUntilSelf(list, neighbours.successors());
    if (list.size() < config.successors()) {
      // A successor with a short list (it joined a moment ago) would cut ours short, and a list
      // cut to one entry loses the ring with one more failure. Keep our own entries beyond the
      // end of its list: it has no newer knowledge of those.
      long reach = n.distanceTo(list.get(list.size() - 1).id());
      appendUntilSelf(
          list,
          successors.stream()
              .filter(v -> Long.compareUnsigned(n.distanceTo(v.id()), reach) > 0)
              .toList());
    }
    setSuccessors(list);
    VirtualNode x = neighbours.predecessor();
    if (x != null && x.id().equals(n)) {
      standIn = false; // our successor knows no node between us
    }
    if (x != null && x.id().inOpenOpen(n, from.id())) {
      out.send(x, new GetNeighbours());
    } else {
      out.send(from, new Notify(self));
    }
  }

  /**
   * Chord §IV.E.1 notify(n'): if predecessor is nil or n' ∈ (predecessor, n), adopt n'. A node
   * alone also stabilizes at once, to take n' as its successor, rather than at its next period:
   * until then it answers every join lookup with itself, and each node that joins meanwhile
   * starts out with a successor pointer that stabilize must repair.
   */
  private void notified(VirtualNode candidate, RingStep.Builder out) {
    if (candidate.id().equals(n)) {
      return;
    }
    if (predecessor == null || candidate.id().inOpenOpen(predecessor.id(), n)) {
      predecessor = candidate;
    }
    if (successors.isEmpty()) {
      stabilize(out);
    }
  }

  /** Chord §IV.E.1 check_predecessor: ping it; {@link #onSendFailed} clears it if it is gone. */
  private void checkPredecessor(RingStep.Builder out) {
    if (predecessor != null) {
      out.send(predecessor, new Ping());
    }
  }

  /**
   * Chord §IV.E.1 fix_fingers: refresh the next finger by a lookup of its start. Fingers whose
   * start lies in (n, successor] are the successor and need no lookup, so they are skipped in one
   * go; on a ring of N nodes only about log2 N fingers are distinct.
   */
  private void fixFingers(long now, RingStep.Builder out) {
    refreshLowFingers();
    if (nextFinger == 0) {
      refreshSuccessor(out);
    }
    int i = nextFinger;
    RingId successor = successor().id();
    while (i < bits && fingerStarts[i].inOpenClosed(n, successor)) {
      i++;
    }
    if (i == bits) {
      nextFinger = 0;
      return;
    }
    nextFinger = (i + 1) % bits;
    Lookup l = newLookup(Lookup.Purpose.FINGER, fingerStarts[i], i, 0);
    advance(now, l, self, answer(l.target, l.avoid), out);
  }

  /**
   * fix_fingers for finger 0, the successor (Chord's fix_fingers looks it up like any finger).
   * Asked of ourselves the lookup would only repeat our successor, so it starts at the successor
   * and avoids this node: a node that lists us as its successor then names the node after us.
   * Stabilize alone finds a closer successor one predecessor step per period; a node that took
   * a far node for its successor (it was alone while others joined through it, or its whole
   * successor list failed) needs O(N) periods that way, and O(log N) hops this way.
   */
  private void refreshSuccessor(RingStep.Builder out) {
    VirtualNode successor = successor();
    if (successor.equals(self)) {
      return;
    }
    Lookup l = newLookup(Lookup.Purpose.SUCCESSOR, n.plus(1), -1, 0);
    l.avoid.add(n);
    l.current = successor;
    l.hops++;
    out.send(successor, new FindSuccessor(l.id, l.target, List.copyOf(l.avoid)));
  }

  /** Finger i is {@code owner}; so is every later finger whose start lies in (n, owner]. */
  private void fingerFound(int i, VirtualNode owner) {
    fingers[i] = owner;
    int j = i + 1;
    while (j < bits && fingerStarts[j].inOpenClosed(n, owner.id())) {
      fingers[j++] = owner;
    }
    if (nextFinger == (i + 1) % bits) {
      nextFinger = j % bits;
    }
  }

  /** Fingers whose start lies in (n, successor] are the successor. */
  private void refreshLowFingers() {
    VirtualNode successor = successor();
    for (int i = 0; i < bits && fingerStarts[i].inOpenClosed(n, successor.id()); i++) {
      fingers[i] = successor;
    }
  }

  private void setSuccessors(List<VirtualNode> list) {
    successors.clear();
    appendUntilSelf(successors, list);
    refreshLowFingers();
  }

  /** Appends entries of {@code from} to {@code list} up to r entries, stopping at this node. */
  private void appendUntilSelf(List<VirtualNode> list, List<VirtualNode> from) {
    for (VirtualNode v : from) {
      if (list.size() >= config.successors() || v.id().equals(n)) {
        return; // past this node the list would wrap around the ring again
      }
      if (!list.contains(v)) {
        list.add(v);
      }
    }
  }

  /**
   * Every successor, finger and the predecessor failed, the last being {@code dead}. Taking
   * ourselves for the whole ring would make this node claim every key, and grow a second ring as
   * others join through it; it cannot tell "the others failed" from "I am cut off". So it joins
   * again: through the node it first joined through if that one is not the one that failed, and
   * otherwise through whatever node the shell finds by discovery ({@link #join}), or as a new
   * ring if discovery finds no other ({@link #start}).
   */
  private void lostTheRing(long now, VirtualNode dead, RingStep.Builder out) {
    state = State.JOINING;
    predecessor = null;
    dropLookups(out);
    if (joinVia != null && !joinVia.equals(dead)) {
      startJoinLookup(out);
    } else {
      out.timer(TimerKind.JOIN_RETRY, now + config.stabilizeMillis());
    }
  }

  /**
   * {@code dead} failed: drop it everywhere. Chord §IV.E.3: the successor becomes the first live
   * entry of the successor list. Should the whole list be gone, the nearest live finger stands
   * in: it lies ahead of us on the same ring, and stabilize walks back from it to the true
   * successor through predecessor pointers. The predecessor must not stand in: with it as our
   * successor the two of us would form a cycle of our own and cut the ring in two. Returns
   * whether nothing was left to stand in.
   */
  private boolean forget(VirtualNode dead) {
    return !dead.equals(self) && forgetAll(dead::equals);
  }

  /** As {@link #forget}, for every virtual node {@code dead} accepts (never this one). */
  private boolean forgetAll(Predicate<VirtualNode> dead) {
    boolean hadSuccessors = !successors.isEmpty();
    successors.removeIf(dead);
    for (int i = 0; i < bits; i++) {
      if (dead.test(fingers[i])) {
        fingers[i] = self;
      }
    }
    if (predecessor != null && dead.test(predecessor)) {
      predecessor = null;
    }
    if (hadSuccessors && successors.isEmpty()) {
      VirtualNode standIn = null;
      for (VirtualNode f : fingers) {
        if (!f.equals(self)) {
          standIn = f; // fingers run from near to far: the first one known is the nearest
          break;
        }
      }
      if (standIn != null) {
        successors.add(standIn);
        this.standIn = true;
      }
    }
    refreshLowFingers();
    return hadSuccessors && successors.isEmpty();
  }

  /**
   * Chord §IV.E.4: our predecessor leaves; its predecessor becomes ours. Its participant's other
   * virtual nodes leave with it (see {@link #leave}), so they are forgotten too.
   */
  private void predecessorLeaving(PredecessorLeaving p) {
    boolean wasPredecessor = p.leaving().equals(predecessor);
    forgetParticipantOf(p.leaving());
    VirtualNode next = p.newPredecessor();
    if (wasPredecessor && next != null && !next.id().equals(n)
        && !next.node().equals(p.leaving().node())) {
      predecessor = next;
    }
  }

  /**
   * Chord §IV.E.4: our successor leaves; its successor list replaces it in ours. Its
   * participant's other virtual nodes leave with it, so none of them is kept.
   */
  private void successorLeaving(SuccessorLeaving s) {
    boolean wasSuccessor = s.leaving().equals(successor());
    NodeId gone = s.leaving().node();
    List<VirtualNode> rest = new ArrayList<>(successors);
    rest.removeIf(v -> v.node().equals(gone));
    List<VirtualNode> list = new ArrayList<>();
    if (wasSuccessor) {
      appendUntilSelf(list, s.successors().stream().filter(v -> !v.node().equals(gone)).toList());
    }
    appendUntilSelf(list, rest);
    forgetParticipantOf(s.leaving());
    if (!list.isEmpty()) {
      setSuccessors(list);
    }
  }

  /** Forgets {@code leaving} and every other virtual node of its participant that we know. */
  private void forgetParticipantOf(VirtualNode leaving) {
    NodeId gone = leaving.node();
    if (gone.equals(self.node())) {
      forget(leaving);
    } else {
      // All at once, so that a stand-in for an emptied successor list is never one of them.
      forgetAll(v -> v.node().equals(gone));
    }
  }

  /** Whether {@code v} is another virtual node of this node's participant. */
  private boolean isSibling(VirtualNode v) {
    return v.node().equals(self.node()) && !v.equals(self);
  }

  // ---------------------------------------------------------------------------------------------

  private static <T extends Response> T expect(Class<T> type, Response response) {
    if (!type.isInstance(response)) {
      throw new IllegalArgumentException(
          "expected " + type.getSimpleName() + ", the shell delivered " + response);
    }
    return type.cast(response);
  }
}
