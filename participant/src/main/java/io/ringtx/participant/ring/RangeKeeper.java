package io.ringtx.participant.ring;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.HandoffAck;
import io.ringtx.protocol.message.HandoffChunk;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RangeGrant;
import io.ringtx.protocol.message.RangeRequest;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.message.RingInfoRequest;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.MetaWrite;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a participant owns, and the hand-offs that change it (DESIGN §4). All of it runs on the
 * participant's Vert.x context, beside the participant core that asks {@link #owns} on every
 * request.
 *
 * <p>Ownership is explicit and durable, not read off Chord's predecessor pointers: Chord's view
 * is eventually consistent, and while a joining node's neighbours learn of it two of them can
 * each believe a range theirs, which for a store means two owners accepting writes for one key.
 * So the ring (Chord) says where a range should go, and a hand-off moves it there:
 *
 * <ol>
 *   <li>the source stops serving the range at once (a request for it is refused with {@code
 *       NOT_OWNER}, which coordinators and clients retry), and forces a hand-off record together
 *       with its reduced ranges;
 *   <li>it waits until no transaction holds a lock on a key of the range, so that a key locked by
 *       a prepared transaction moves only after that transaction is decided and applied;
 *   <li>it asks the receiver whether it is in the ring and records that chunks go to it; a
 *       receiver that does not answer is sent nothing, and the range goes to the participant the
 *       ring names once it no longer names that one (see {@link #sendFirst});
 *   <li>it sends the committed keys of the range, with their versions, in chunks; the receiver
 *       forces each chunk and, with the last, the range into its own ranges and the hand-off's id
 *       into its completed set, all in one write; only then does it serve the range. A receiver
 *       that is leaving the ring refuses a hand-off it has not taken (NOT_OWNER), and the source
 *       records the next participant as the receiver and sends it there, or takes the range back
 *       if the ring says it is to stay with the source (a joining receiver that began leaving);
 *   <li>once the last chunk is acknowledged, the source deletes the range's keys and the record,
 *       in one forced write.
 * </ol>
 *
 * A range is never owned by two participants: it leaves the source before it reaches the
 * receiver. A crash anywhere leaves the hand-off record at the source, which resumes on restart
 * from step 2; the receiver acknowledges chunks of a hand-off it completed without writing them
 * again, and refuses any chunk of a range that overlaps its own, so a resumed or stale hand-off
 * cannot overwrite later writes.
 */
final class RangeKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(RangeKeeper.class);
  static final String STATE = "ring.state";
  static final String OUT = "ring.out.";
  static final String IN = "ring.in.";
  /** Between a hand-off's range and its receiver, where {@link #handoffs} lists it. */
  private static final String TO = " -> ";
  private static final int CHUNK_KEYS = 500;
  private static final long RETRY_MILLIS = 300;
  private static final long DRAIN_POLL_MILLIS = 20;
  private static final long JOIN_ROUND_MILLIS = 500;
  /** Hand-offs a participant sends at once; each waits on its own locks and writes. */
  private static final int PARALLEL = 4;
  /** How often a hand-off whose receiver does not acknowledge it is reported. */
  private static final long STUCK_WARN_MILLIS = 10_000;

  /** A participant's place in the ring's membership. */
  enum Status {
    /** Taking over the ranges of its virtual nodes from their owners. */
    JOINING,
    /** Owns the ranges of its virtual nodes. */
    MEMBER,
    /** Handing every range over to its successors. */
    LEAVING,
    /** Left: owns nothing, runs no virtual node. */
    LEFT
  }

  /** The durable state: status and owned ranges, always written together. */
  record State(Status status, List<RingRange> owned) {}

  /**
   * A hand-off this participant is sending, as recorded durably. {@code sent}: a chunk of it has
   * gone to {@code target} (recorded before the first goes), which may have written it and even
   * taken the range; until then the target holds nothing of it, and the hand-off may go
   * elsewhere. A record written before the field existed reads as not sent.
   */
  record Transfer(String id, RingRange range, NodeId target, Boolean sent) {
    /** A record without {@code sent}, written before it existed, reads as not sent. */
    Transfer {
      sent = Boolean.TRUE.equals(sent);
    }

    Transfer(String id, RingRange range, NodeId target) {
      this(id, range, target, false);
    }
  }

  /** What the keeper needs of the Chord ring; answers arrive on the keeper's context. */
  interface Ring {
    /**
     * Chord find_successor of {@code target}; with {@code confirmOwner}, the owner answered
     * before it is returned (see {@code ChordNode.lookup}).
     */
    Future<VirtualNode> lookup(RingId target, boolean confirmOwner);

    /** Every virtual node of this participant leaves the ring (Chord §IV.E.4). */
    void leaveAll();

    /** The other participants that discovery finds alive now. */
    Future<Set<NodeId>> others();
  }

  /** What the keeper needs of the participant core (on its context). */
  interface Core {
    Set<String> lockedKeys();

    void raiseVersionFloor(long version);
  }

  private final NodeId self;
  private final IdSpace space;
  private final NodeStore store;
  private final long timeoutMillis;
  private final List<RingId> ownIds;
  private final Set<String> received = new HashSet<>();
  private final Map<String, Transfer> outgoing = new LinkedHashMap<>();
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Map<RingId, Long> requested = new HashMap<>();
  /** The ranges as last written (or being written). */
  private OwnedRanges ledger;
  /** Ranges in the ledger whose receiving write is not yet durable: not served yet. */
  private final List<RingRange> arriving = new ArrayList<>();
  /** What {@link #owns} answers from: the ledger without the arriving ranges. */
  private volatile OwnedRanges serving;
  private volatile Status status;
  private long nextTransfer;

  private Vertx vertx;
  private Transport transport;
  private Ring chord;
  private Core core;
  /** Hand-offs being sent now (at most {@link #PARALLEL}). */
  private final Set<String> active = new HashSet<>();
  /** Receivers' replies waiting for the write of a last chunk that is in progress. */
  private final Map<String, List<Consumer<Message>>> landing = new HashMap<>();
  /** Hand-offs whose chunk is not acknowledged, and their warnings. */
  private final Map<String, Nag> unacknowledged = new HashMap<>();
  private boolean stopped;
  private long joinTimer = -1;
  private Promise<Void> left;
  /**
   * Whether this leave has handed a range over (or may have: a leave resumed after a restart).
   * Until it has, a leave that finds nobody to take its ranges can be given up.
   */
  private boolean handedOver;
  /** The warning of a leave that cannot find a receiver. */
  private final Nag receiverNag = new Nag(0, 0);
  /** When this participant began leaving (this run): it answers LEAVING from then on. */
  private long leavingSince;
  /**
   * The warning of a leave whose last step waits for hand-offs still sent to it: a participant
   * that has just left is still listed by discovery for a few seconds, and does not answer.
   */
  private Nag inboundNag;
  /** The warning of a join that goes on (from its first round). */
  private Nag joinNag;
  /** Why the last request of the join for a range did not get it. */
  private String joinProblem = "none yet";

  private RangeKeeper(NodeId self, IdSpace space, NodeStore store, long timeoutMillis,
      List<RingId> ownIds, State state) {
    this.self = self;
    this.space = space;
    this.store = store;
    this.timeoutMillis = timeoutMillis;
    this.ownIds = List.copyOf(ownIds);
    this.status = state.status();
    this.handedOver = status == Status.LEAVING;
    this.ledger = OwnedRanges.of(space, state.owned());
    this.serving = ledger;
  }

  /**
   * Loads the durable state (blocking; before the node serves). A participant's first start
   * writes its initial state: the ranges {@code initial} of the configured ring for an initial
   * member, nothing for one that joins a running ring.
   */
  static RangeKeeper load(NodeId self, IdSpace space, NodeStore store, long timeoutMillis,
      List<RingId> ownIds, boolean joins, List<RingRange> initial) throws Exception {
    Map<String, byte[]> meta = store.metaWithPrefix("ring.");
    State state;
    byte[] raw = meta.get(STATE);
    if (raw == null) {
      state = joins ? new State(Status.JOINING, List.of()) : new State(Status.MEMBER, initial);
      store.write(new WriteSet(List.of(), List.of(), List.of(stateWrite(state)), true)).get();
      LOG.info("ring: {} starts as {} owning {} ranges", self, state.status(), state.owned().size());
    } else {
      state = Json.MAPPER.readValue(raw, State.class);
    }
    RangeKeeper k = new RangeKeeper(self, space, store, timeoutMillis, ownIds, state);
    for (Map.Entry<String, byte[]> e : meta.entrySet()) {
      if (e.getKey().startsWith(IN)) {
        k.received.add(e.getKey().substring(IN.length()));
      } else if (e.getKey().startsWith(OUT)) {
        Transfer t = Json.MAPPER.readValue(e.getValue(), Transfer.class);
        k.outgoing.put(t.id(), t);
        k.queue.add(t.id());
      }
    }
    if (!k.outgoing.isEmpty()) {
      LOG.info("ring: {} resumes {} unfinished hand-offs", self, k.outgoing.size());
    }
    return k;
  }

  /** Starts work on the node's context: resumes hand-offs, and takes over ranges if joining. */
  void start(Vertx vertx, Transport transport, Ring chord, Core core) {
    this.vertx = vertx;
    this.transport = transport;
    this.chord = chord;
    this.core = core;
    pump();
    if (status == Status.JOINING) {
      joinTimer = vertx.setPeriodic(JOIN_ROUND_MILLIS, t -> joinRound());
    } else if (status == Status.LEAVING) {
      leave();
    }
  }

  /** Whether this participant serves {@code key} now. Any thread. */
  boolean owns(String key) {
    return serving.owns(key);
  }

  Status status() {
    return status;
  }

  OwnedRanges serving() {
    return serving;
  }

  /** The hand-offs this participant is sending, each as {@code "id range -> receiver"}. */
  List<String> handoffs() {
    List<String> out = new ArrayList<>();
    outgoing.values().forEach(t -> out.add(describe(t)));
    return out;
  }

  /** Hand-off {@code t} as {@link #handoffs} lists it. */
  static String describe(Transfer t) {
    return t.id() + " " + t.range() + TO + t.target();
  }

  /** Whether {@code handoff}, as {@link #handoffs} lists it, is sent to {@code node}. */
  static boolean isTo(String handoff, NodeId node) {
    return handoff.endsWith(TO + node.value());
  }

  void stop() {
    stopped = true;
    if (joinTimer >= 0) {
      vertx.cancelTimer(joinTimer);
    }
  }

  // ---- joining: take over the ranges of our virtual nodes --------------------------------------

  /**
   * One round of a join: for each virtual node whose place this participant does not own yet,
   * look up the virtual node after it (Chord find_successor) — the owner of the range it splits —
   * and ask its participant for the part up to our virtual node. A lookup that lands on another
   * of our own virtual nodes waits for that one's range; a stale answer (NOT_OWNER) is asked again
   * next round.
   */
  private void joinRound() {
    if (stopped || status != Status.JOINING) {
      return;
    }
    boolean all = true;
    long now = System.currentTimeMillis();
    if (joinNag == null) {
      joinNag = new Nag(now, 3 * STUCK_WARN_MILLIS);
    }
    int waiting = 0;
    for (RingId point : ownIds) {
      if (serving.ownsPoint(point)) {
        continue;
      }
      all = false;
      waiting++;
      if (ledger.ownsPoint(point)) {
        continue; // arriving
      }
      Long asked = requested.get(point);
      if (asked != null && now - asked < 5_000) {
        continue;
      }
      requested.put(point, now);
      // A wrong answer here costs one refused RangeRequest (the sender checks it owns the
      // point), so the owner is confirmed: a failed one is not waited for.
      chord.lookup(point.plus(1), true).onComplete(ar -> {
        if (ar.failed() || ar.result().node().equals(self)) {
          joinProblem = ar.failed() ? "lookup after " + point + " failed: "
              + ar.cause().getMessage() : "waiting for the range of our own virtual node";
          requested.remove(point);
          return;
        }
        NodeId owner = ar.result().node();
        transport.request(owner, new RangeRequest(self, point), timeoutMillis).onComplete(r -> {
          if (r.succeeded() && r.result() instanceof RangeGrant g) {
            LOG.info("ring: {} is taking over {} from {} ({})", self, g.range(), owner,
                g.transferId());
          } else {
            joinProblem = owner + " answered the request for the range up to " + point + " with "
                + (r.failed() ? r.cause().getMessage() : String.valueOf(r.result()));
            requested.remove(point);
          }
        });
      });
    }
    if (!all && joinNag.due(now)) {
      LOG.warn("ring: {} has been joining for {} s: {} of its {} virtual nodes still wait for "
          + "their ranges; last problem: {}", self, joinNag.seconds(now), waiting,
          ownIds.size(), joinProblem);
    }
    if (all) {
      status = Status.MEMBER;
      vertx.cancelTimer(joinTimer);
      joinTimer = -1;
      persistState(true);
      LOG.info("ring: {} joined: owns {} ranges, {}% of the ring", self, serving.ranges().size(),
          String.format("%.1f", 100 * serving.share()));
    }
  }

  /** A joining participant asks for the part of our range that its virtual node now owns. */
  void onRangeRequest(RangeRequest r, Consumer<Message> reply) {
    for (Transfer t : outgoing.values()) {
      if (t.target().equals(r.requester()) && t.range().end().equals(r.point())) {
        reply.accept(new RangeGrant(t.id(), t.range())); // asked again: the same hand-off
        return;
      }
    }
    RingRange containing = status == Status.MEMBER || status == Status.JOINING
        ? serving.containing(r.point()).orElse(null) : null;
    if (containing == null || r.requester().equals(self)) {
      reply.accept(new ErrorReply(ErrorReply.Code.NOT_OWNER,
          "node " + self + " does not own ring id " + r.point()));
      return;
    }
    // The part from the last boundary before the point, counterclockwise: the range's start, or
    // a virtual node of ours inside the range (whose own keys stay here).
    boolean whole = OwnedRanges.isWhole(containing);
    RingId cut = whole ? null : containing.start();
    for (RingId mine : ownIds) {
      if (mine.equals(r.point()) || !(whole || containing.contains(mine))) {
        continue;
      }
      if (cut == null || mine.inOpenOpen(cut, r.point())) {
        cut = mine;
      }
    }
    RingRange range = new RingRange(cut, r.point());
    Transfer t = startTransfer(range, r.requester());
    reply.accept(new RangeGrant(t.id(), t.range()));
  }

  // ---- leaving: hand every range to the successor -----------------------------------------------

  /**
   * Chord §IV.E.4 with data: every owned range goes to the first virtual node after it that is
   * not ours (its successor once we are gone); once all hand-offs are done our virtual nodes leave
   * the ring. Completes when this participant has left.
   */
  Future<Void> leave() {
    if (status == Status.LEFT) {
      return Future.succeededFuture();
    }
    if (left != null) {
      return left.future();
    }
    Promise<Void> done = Promise.promise();
    left = done;
    if (joinTimer >= 0) {
      vertx.cancelTimer(joinTimer);
      joinTimer = -1;
    }
    // A joining participant's leave is never given up (see stayInRing): it would have to join
    // again, not simply stay. Nor is one resumed after a restart (set when loaded).
    handedOver |= status == Status.JOINING;
    status = Status.LEAVING;
    leavingSince = System.currentTimeMillis();
    inboundNag = new Nag(leavingSince, 2 * timeoutMillis + STUCK_WARN_MILLIS);
    persistState(true);
    LOG.info("ring: {} is leaving: handing over {} ranges", self, serving.ranges().size());
    handOverNext();
    return done.future(); // handOverNext may have given the leave up already
  }

  private void handOverNext() {
    if (stopped) {
      return;
    }
    if (serving.isEmpty()) {
      // A range still arriving (taken before the leave began, its write not durable yet) is
      // ours once it lands, and is handed on like the others.
      if (outgoing.isEmpty() && arriving.isEmpty()) {
        leaveOnceNothingIsSentHere();
      } else {
        vertx.setTimer(RETRY_MILLIS, t -> handOverNext());
      }
      return;
    }
    RingRange r = serving.ranges().get(0);
    receiverOf(r).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof NobodyToTake && !handedOver && outgoing.isEmpty()) {
          stayInRing(ar.cause().getMessage());
          return;
        }
        if (receiverNag.due(System.currentTimeMillis())) {
          LOG.warn("ring: {} cannot hand {} over yet: {}", self, r, ar.cause().getMessage());
        } else {
          LOG.debug("ring: {} cannot hand {} over yet: {}", self, r, ar.cause().getMessage());
        }
        vertx.setTimer(RETRY_MILLIS, t -> handOverNext());
        return;
      }
      if (serving.ranges().contains(r)) {
        handedOver = true;
        startTransfer(r, ar.result());
      }
      handOverNext();
    });
  }

  /**
   * The last step of a leave: once no other participant is sending this one a hand-off, its
   * virtual nodes leave the ring and it is LEFT, and its process may stop.
   *
   * <p>Another participant may have chosen this one as the receiver of a range and not sent it
   * yet: one that asked our status before we began leaving (to hand us a range of its own leave),
   * or the owner of a range we asked for while joining. Its first chunk is refused once it
   * arrives, as we are leaving, and the sender hands the range to the participant after us, or
   * keeps it. But were we gone by then, the sender would send it for ever to nobody, and nobody
   * would serve the range. So we ask every live participant for the hand-offs it is sending, and
   * wait while any is ours. We first ask two request timeouts after the leave began: an answer
   * we gave before it (that we were joining or a member) is taken by its asker within its
   * request timeout, and the hand-off it leads to is listed from that moment on.
   */
  private void leaveOnceNothingIsSentHere() {
    long settle = leavingSince + 2 * timeoutMillis - System.currentTimeMillis();
    if (settle > 0) {
      vertx.setTimer(settle, t -> handOverNext());
      return;
    }
    handOffsSentHere().onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (!serving.isEmpty() || !outgoing.isEmpty() || !arriving.isEmpty()) {
        handOverNext();
        return;
      }
      List<String> waitingFor = ar.succeeded() ? ar.result()
          : List.of("discovery did not answer: " + ar.cause().getMessage());
      if (!waitingFor.isEmpty()) {
        if (inboundNag.due(System.currentTimeMillis())) {
          LOG.warn("ring: {} has handed every range over and leaves once no participant is "
              + "sending it a hand-off; waiting for: {}", self, waitingFor);
        } else {
          LOG.debug("ring: {} waits to leave for: {}", self, waitingFor);
        }
        vertx.setTimer(RETRY_MILLIS, t -> handOverNext());
        return;
      }
      chord.leaveAll();
      status = Status.LEFT;
      persistState(true).onComplete(w -> {
        LOG.info("ring: {} has left the ring", self);
        left.tryComplete();
      });
    });
  }

  /**
   * The hand-offs the other live participants are sending to this one, one line for each that
   * sends any, or does not answer (it may).
   */
  private Future<List<String>> handOffsSentHere() {
    return chord.others().compose(others -> {
      List<Future<String>> answers = new ArrayList<>();
      for (NodeId n : others) {
        answers.add(transport.request(n, new RingInfoRequest(false), timeoutMillis)
            .transform(ar -> {
              if (ar.failed()) {
                return Future.succeededFuture(n + " did not answer: " + ar.cause().getMessage());
              }
              if (!(ar.result() instanceof RingInfo info)) {
                return Future.succeededFuture(n + " answered " + ar.result());
              }
              List<String> here = info.handoffs().stream().filter(h -> isTo(h, self)).toList();
              return Future.succeededFuture(here.isEmpty() ? null : n + " sends " + here);
            }));
      }
      return Future.all(answers).map(x -> answers.stream().map(Future::result)
          .filter(Objects::nonNull).toList());
    });
  }

  /**
   * Gives up a leave that has handed nothing over, because every other participant in the ring
   * is leaving or has left: this participant stays a member with all its ranges, rather than
   * staying LEAVING for ever with nobody to take them (as the last participants would when all
   * are told to leave at once). The leave fails with the reason.
   */
  private void stayInRing(String why) {
    Promise<Void> asked = left;
    left = null;
    status = Status.MEMBER;
    persistState(true).onComplete(w -> {
      LOG.warn("ring: {} stays in the ring: {}", self, why);
      asked.tryFail(new CannotLeave(self + " cannot leave the ring: " + why + "; it stays a "
          + "member and keeps every range it owns"));
    });
  }

  /** A leave given up: nobody is there to take the ranges; the participant stays a member. */
  static final class CannotLeave extends RuntimeException {
    CannotLeave(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The warning about something that goes on (a join, a hand-off waiting on locks or on its
   * receiver, a leave without a receiver): due {@code firstAfter} ms after it began, then at
   * most every {@link #STUCK_WARN_MILLIS}.
   */
  private static final class Nag {
    final long since;
    private long next;

    Nag(long since, long firstAfter) {
      this.since = since;
      this.next = since + firstAfter;
    }

    /** Whether to warn now; if so, the next warning is due {@link #STUCK_WARN_MILLIS} later. */
    boolean due(long now) {
      if (now < next) {
        return false;
      }
      next = now + STUCK_WARN_MILLIS;
      return true;
    }

    long seconds(long now) {
      return (now - since) / 1000;
    }
  }

  /** The search for a receiver went round the ring and found nobody to take a range. */
  private static final class NobodyToTake extends RuntimeException {
    NobodyToTake(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The participant that is to take range {@code r} from us: that of the first virtual node after
   * the range that is neither ours nor of a participant leaving the ring, and that answered that
   * it is in the ring.
   *
   * <p>The owner a lookup names is not confirmed through Chord: the receiver takes whatever range
   * it is sent, and nothing moves a range that went to the wrong participant back, so an owner
   * slow to confirm must not be taken for failed and passed over. Instead its participant is
   * asked for its status. One that does not answer fails the search, to be tried again: it may be
   * slow, or down and coming back, or gone for good and about to be dropped from the ring by
   * stabilisation (a participant that just left is still named for a while). One that answers
   * that it is leaving or has left is passed over: the virtual node after its own takes its ranges
   * too once it is gone, and waiting for it instead would never end when it is handing a range
   * to us.
   */
  private Future<NodeId> receiverOf(RingRange r) {
    return receiverAfter(r.end(), 4 * ownIds.size() + 16, new HashMap<>());
  }

  /**
   * As {@link #receiverOf}, from {@code id} on. While this participant is not leaving, a virtual
   * node of its own ends the search with itself: the range is to come back here.
   */
  private Future<NodeId> receiverAfter(RingId id, int tries, Map<NodeId, String> statuses) {
    if (tries == 0) {
      return Future.failedFuture(new NobodyToTake("every virtual node found after " + id
          + " is ours or of a participant leaving the ring"));
    }
    return chord.lookup(id.plus(1), false).compose(v -> {
      if (v.node().equals(self)) {
        return status == Status.LEAVING || status == Status.LEFT
            ? receiverAfter(v.id(), tries - 1, statuses)
            : Future.succeededFuture(self);
      }
      return ringStatusOf(v.node(), statuses).compose(s -> takesRanges(s)
          ? Future.succeededFuture(v.node())
          : receiverAfter(v.id(), tries - 1, statuses));
    });
  }

  /** Whether a participant of ring status {@code status} is sent ranges: joining or a member. */
  private static boolean takesRanges(String status) {
    return status.equals(Status.MEMBER.name()) || status.equals(Status.JOINING.name());
  }

  /** {@code node}'s status in the ring, as it answers it (remembered in {@code known}). */
  private Future<String> ringStatusOf(NodeId node, Map<NodeId, String> known) {
    String s = known.get(node);
    if (s != null) {
      return Future.succeededFuture(s);
    }
    return transport.request(node, new RingInfoRequest(false), timeoutMillis).recover(e ->
        Future.failedFuture(node + " did not answer: " + e.getMessage())).compose(m -> {
          if (!(m instanceof RingInfo info)) {
            return Future.failedFuture(node + " answered " + m);
          }
          known.put(node, info.status());
          return Future.succeededFuture(info.status());
        });
  }

  // ---- sending a hand-off ----------------------------------------------------------------------

  private Transfer startTransfer(RingRange range, NodeId target) {
    Transfer t = new Transfer(self + "-" + Long.toString(System.currentTimeMillis(), 36) + "-"
        + nextTransfer++, range, target);
    // Refuse the range at once: refusing is always safe, serving a range being handed off is not.
    ledger = ledger.minus(range);
    serving = servingOf(ledger);
    outgoing.put(t.id(), t);
    List<MetaWrite> meta = new ArrayList<>();
    meta.add(stateWrite(new State(status, ledger.ranges())));
    meta.add(new MetaWrite(OUT + t.id(), json(t)));
    write(new WriteSet(List.of(), List.of(), meta, true)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("RTX-2101 ring: {} cannot record hand-off {}: {}", self, t.id(), ar.cause());
        return; // the range stays refused; the record is missing, so nothing moves
      }
      LOG.info("ring: {} hands {} over to {} ({})", self, range, target, t.id());
      queue.add(t.id());
      pump();
    });
    return t;
  }

  /** Sends the queued hand-offs, a few at a time. */
  private void pump() {
    if (stopped) {
      return;
    }
    for (String id : queue) {
      if (active.size() >= PARALLEL) {
        return;
      }
      if (active.add(id)) {
        drain(outgoing.get(id), new Nag(System.currentTimeMillis(), STUCK_WARN_MILLIS));
      }
    }
  }

  /** Waits until no transaction holds a lock on a key of the range (it was decided). */
  private void drain(Transfer t, Nag waiting) {
    if (stopped) {
      return;
    }
    int locked = 0;
    for (String k : core.lockedKeys()) {
      if (t.range().contains(space.ofKey(k))) {
        locked++;
      }
    }
    if (locked > 0) {
      long now = System.currentTimeMillis();
      if (waiting.due(now)) {
        LOG.warn("ring: {} hand-off {} of {} has waited {} s for {} locked keys: their "
            + "transactions are not decided yet (in doubt, if this goes on)", self, t.id(),
            t.range(), waiting.seconds(now), locked);
      }
      vertx.setTimer(DRAIN_POLL_MILLIS, x -> drain(t, waiting));
      return;
    }
    long waited = System.currentTimeMillis() - waiting.since;
    vertx.<List<HandoffChunk.Entry>>executeBlocking(() -> {
      List<HandoffChunk.Entry> entries = new ArrayList<>();
      store.forEachData((key, v) -> {
        if (v.present() && t.range().contains(space.ofKey(key))) {
          entries.add(new HandoffChunk.Entry(key, v.value(), v.version()));
        }
      });
      return entries;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("RTX-2102 ring: {} cannot read the keys of {}: {}", self, t.range(), ar.cause());
        vertx.setTimer(RETRY_MILLIS, x -> drain(t, waiting));
        return;
      }
      List<HandoffChunk.Entry> all = ar.result();
      LOG.info("ring: {} sends {} keys of {} to {} (locks drained in {} ms)", self, all.size(),
          t.range(), t.target(), waited);
      sendChunk(t, all, 0, System.currentTimeMillis());
    });
  }

  private void sendChunk(Transfer t, List<HandoffChunk.Entry> all, int chunk, long started) {
    if (stopped) {
      return;
    }
    int from = chunk * CHUNK_KEYS;
    int to = Math.min(all.size(), from + CHUNK_KEYS);
    boolean last = to == all.size();
    if (!t.sent()) {
      sendFirst(t, all, started);
      return;
    }
    HandoffChunk c = new HandoffChunk(t.id(), self, t.range(), chunk, last, all.subList(from, to));
    transport.request(t.target(), c, timeoutMillis).onComplete(ar -> {
      if (ar.succeeded() && ar.result() instanceof HandoffAck a && a.chunk() == chunk) {
        unacknowledged.remove(t.id());
        if (last) {
          finish(t, all, started);
        } else {
          sendChunk(t, all, chunk + 1, started);
        }
        return;
      }
      if (ar.succeeded() && ar.result() instanceof ErrorReply e
          && e.code() == ErrorReply.Code.NOT_OWNER) {
        // The receiver is leaving the ring. It answers so only for a hand-off it has not taken
        // (one it took is acknowledged again), and takes nothing from then on: the range must go
        // to the participant that follows it.
        unacknowledged.remove(t.id());
        LOG.warn("ring: {} refused hand-off {} of {} ({}); handing it to the next participant",
            t.target(), t.id(), t.range(), e.message());
        redirect(t, all, started);
        return;
      }
      unanswered(t, chunk, ar.failed() ? ar.cause().toString() : String.valueOf(ar.result()));
      vertx.setTimer(RETRY_MILLIS, x -> sendChunk(t, all, chunk, started));
    });
  }

  /**
   * Before the first chunk of {@code t} goes to its receiver: the receiver answers that it is in
   * the ring (joining or a member), and that chunks are being sent to it is recorded; then they
   * are. From then on the receiver may hold some of them, or have taken the range, and the
   * hand-off waits for it, down or not, as nothing else can tell what it holds. A receiver that
   * does not answer is sent nothing: it is gone or down, and the range may go to whoever the
   * ring names instead ({@link #reconsider}). One that answers it is leaving or has left would
   * refuse the range, which goes to the participant after it.
   */
  private void sendFirst(Transfer t, List<HandoffChunk.Entry> all, long started) {
    ringStatusOf(t.target(), new HashMap<>()).onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        unanswered(t, 0, ar.cause().getMessage());
        vertx.setTimer(RETRY_MILLIS, x -> reconsider(t, all, started));
        return;
      }
      String status = ar.result();
      if (!takesRanges(status)) {
        LOG.warn("ring: {} answers it is {}; handing {} ({}) to the next participant",
            t.target(), status, t.range(), t.id());
        redirect(t, all, started);
        return;
      }
      Transfer sent = new Transfer(t.id(), t.range(), t.target(), true);
      write(new WriteSet(List.of(), List.of(), List.of(new MetaWrite(OUT + t.id(), json(sent))),
          true)).onComplete(w -> {
            if (w.failed()) {
              LOG.error("RTX-2101 ring: {} cannot record hand-off {}: {}", self, t.id(),
                  w.cause());
              vertx.setTimer(RETRY_MILLIS, x -> sendChunk(t, all, 0, started));
              return;
            }
            outgoing.put(t.id(), sent);
            sendChunk(sent, all, 0, started);
          });
    });
  }

  /**
   * The receiver of {@code t}, sent nothing of it yet, does not answer: if the ring now names
   * another participant to take the range (stabilisation dropped a receiver that has gone), the
   * hand-off goes there, or comes back here; otherwise the receiver is asked again. It holds
   * nothing of the range, so neither gives the range two owners or leaves keys behind.
   */
  private void reconsider(Transfer t, List<HandoffChunk.Entry> all, long started) {
    if (stopped) {
      return;
    }
    receiverOf(t.range()).onComplete(ar -> {
      if (ar.succeeded() && !ar.result().equals(t.target())) {
        LOG.warn("ring: {} does not answer, and the ring names {} to take {} now; hand-off {} "
            + "goes there", t.target(), ar.result(), t.range(), t.id());
        sendElsewhere(t, ar.result(), all, started);
      } else {
        sendFirst(t, all, started);
      }
    });
  }

  /** The warning about chunk {@code chunk} of {@code t}, not acknowledged: {@code why}. */
  private void unanswered(Transfer t, int chunk, String why) {
    long now = System.currentTimeMillis();
    Nag nag = unacknowledged.computeIfAbsent(t.id(), k -> new Nag(now, STUCK_WARN_MILLIS));
    if (nag.due(now)) {
      LOG.warn("RTX-2106 ring: {} has sent chunk {} of hand-off {} of {} to {} for {} s without "
          + "an acknowledgement; still trying. Last answer: {}", self, chunk, t.id(), t.range(),
          t.target(), nag.seconds(now), why);
    } else {
      LOG.debug("ring: chunk {} of {} to {} not acknowledged: {}", chunk, t.id(), t.target(),
          why);
    }
  }

  /**
   * Sends hand-off {@code t}, which its receiver refused, to the participant that now is to take
   * the range instead. The new receiver is recorded first, so that a restart resumes towards it
   * (resuming towards the old one would only be refused again).
   */
  private void redirect(Transfer t, List<HandoffChunk.Entry> all, long started) {
    if (stopped) {
      return;
    }
    receiverOf(t.range()).onComplete(ar -> {
      if (ar.failed() || ar.result().equals(t.target())) {
        LOG.warn("ring: {} cannot redirect hand-off {} of {} yet: {}", self, t.id(), t.range(),
            ar.failed() ? ar.cause().getMessage() : t.target() + " is still named");
        vertx.setTimer(RETRY_MILLIS, x -> redirect(t, all, started));
        return;
      }
      sendElsewhere(t, ar.result(), all, started);
    });
  }

  /**
   * Hand-off {@code t}, which its receiver has not taken, goes to {@code to} instead (or back
   * into our ranges, if that is us), recorded first.
   */
  private void sendElsewhere(Transfer t, NodeId to, List<HandoffChunk.Entry> all, long started) {
    if (to.equals(self)) {
      takeBack(t, all, started);
      return;
    }
    Transfer moved = new Transfer(t.id(), t.range(), to);
    write(new WriteSet(List.of(), List.of(), List.of(new MetaWrite(OUT + t.id(), json(moved))),
        true)).onComplete(w -> {
          if (w.failed()) {
            LOG.error("RTX-2101 ring: {} cannot record hand-off {}: {}", self, t.id(), w.cause());
            vertx.setTimer(RETRY_MILLIS, x -> sendElsewhere(t, to, all, started));
            return;
          }
          unacknowledged.remove(t.id());
          outgoing.put(t.id(), moved);
          LOG.info("ring: {} hands {} over to {} instead of {} ({})", self, t.range(),
              moved.target(), t.target(), t.id());
          sendChunk(moved, all, 0, started);
        });
  }

  /**
   * Hand-off {@code t} was refused, and the range is to stay here after all (a participant that
   * was joining asked for it, then began leaving): it goes back into our ranges, and the record
   * goes, in one write; the range is served again once that is durable. Its keys never left.
   */
  private void takeBack(Transfer t, List<HandoffChunk.Entry> all, long started) {
    if (overlapsLedger(t.range())) {
      LOG.error("RTX-2104 ring: {} cannot take {} back: it overlaps its ranges {}", self,
          t.range(), ledger);
      vertx.setTimer(RETRY_MILLIS, x -> redirect(t, all, started));
      return;
    }
    // In the ledger at once, as a received range is, so that every later state write has it;
    // served once durable.
    ledger = ledger.plus(t.range());
    arriving.add(t.range());
    serving = servingOf(ledger);
    write(new WriteSet(List.of(), List.of(), List.of(stateWrite(new State(status,
        ledger.ranges())), new MetaWrite(OUT + t.id(), null)), true)).onComplete(w -> {
          arriving.remove(t.range());
          if (w.failed()) {
            LOG.error("RTX-2101 ring: {} cannot record taking {} back: {}", self, t.range(),
                w.cause());
            ledger = ledger.minus(t.range());
            serving = servingOf(ledger);
            vertx.setTimer(RETRY_MILLIS, x -> redirect(t, all, started));
            return;
          }
          serving = servingOf(ledger);
          LOG.info("ring: {} took {} back ({} refused hand-off {})", self, t.range(), t.target(),
              t.id());
          done(t);
        });
  }

  /** The receiver has it all: delete our copy and the record together. */
  private void finish(Transfer t, List<HandoffChunk.Entry> all, long started) {
    List<DataWrite> deletes = new ArrayList<>(all.size());
    for (HandoffChunk.Entry e : all) {
      deletes.add(new DataWrite(e.key(), null, e.version()));
    }
    write(new WriteSet(List.of(), deletes, List.of(new MetaWrite(OUT + t.id(), null)), true))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.error("RTX-2103 ring: {} cannot finish hand-off {}: {}", self, t.id(), ar.cause());
            vertx.setTimer(RETRY_MILLIS, x -> finish(t, all, started));
            return;
          }
          LOG.info("ring: {} handed {} ({} keys) over to {} in {} ms", self, t.range(),
              all.size(), t.target(), System.currentTimeMillis() - started);
          done(t);
        });
  }

  /** Hand-off {@code t} is over and its record gone: the next queued one may start. */
  private void done(Transfer t) {
    outgoing.remove(t.id());
    queue.remove(t.id());
    active.remove(t.id());
    pump();
  }

  // ---- receiving a hand-off --------------------------------------------------------------------

  void onChunk(HandoffChunk c, Consumer<Message> reply) {
    if (received.contains(c.transferId())) {
      reply.accept(new HandoffAck(c.transferId(), c.chunk())); // done before: write nothing
      return;
    }
    List<Consumer<Message>> waiting = landing.get(c.transferId());
    if (waiting != null) {
      waiting.add(reply); // the last chunk again, while its write is under way
      return;
    }
    if (status == Status.LEFT || status == Status.LEAVING) {
      reply.accept(new ErrorReply(ErrorReply.Code.NOT_OWNER, "node " + self + " is leaving"));
      return;
    }
    long max = 0;
    List<DataWrite> data = new ArrayList<>(c.entries().size());
    for (HandoffChunk.Entry e : c.entries()) {
      data.add(new DataWrite(e.key(), e.value(), e.version()));
      max = Math.max(max, e.version());
    }
    core.raiseVersionFloor(max);
    List<MetaWrite> meta = new ArrayList<>();
    // A range we own (or is landing) is sent to us by nobody: refused before anything of it is
    // written, so that a chunk of a stale hand-off cannot overwrite later writes.
    if (overlapsLedger(c.range())) {
      LOG.error("RTX-2104 ring: {} refuses hand-off {}: {} overlaps its ranges {}", self,
          c.transferId(), c.range(), ledger);
      reply.accept(new ErrorReply(ErrorReply.Code.BAD_REQUEST, "range overlaps the receiver's"));
      return;
    }
    boolean adds = c.last();
    if (adds) {
      landing.put(c.transferId(), new ArrayList<>());
      ledger = ledger.plus(c.range());
      arriving.add(c.range());
      serving = servingOf(ledger);
      meta.add(stateWrite(new State(status, ledger.ranges())));
      meta.add(new MetaWrite(IN + c.transferId(), new byte[] {1}));
    }
    write(new WriteSet(List.of(), data, meta, true)).onComplete(ar -> {
      List<Consumer<Message>> also =
          adds ? landing.remove(c.transferId()) : List.<Consumer<Message>>of();
      if (ar.failed()) {
        LOG.error("RTX-2105 ring: {} cannot store chunk {} of {}: {}", self, c.chunk(),
            c.transferId(), ar.cause());
        if (adds) {
          // Not ours after all: the sender sends the chunk again.
          ledger = ledger.minus(c.range());
          arriving.remove(c.range());
          serving = servingOf(ledger);
        }
        ErrorReply err = new ErrorReply(ErrorReply.Code.INTERNAL, "store write failed");
        reply.accept(err);
        also.forEach(r -> r.accept(err));
        return;
      }
      also.forEach(r -> r.accept(new HandoffAck(c.transferId(), c.chunk())));
      if (adds) {
        arriving.remove(c.range());
        serving = servingOf(ledger);
        received.add(c.transferId());
        LOG.info("ring: {} now owns {} from {} ({})", self, c.range(), c.from(), c.transferId());
      }
      reply.accept(new HandoffAck(c.transferId(), c.chunk()));
    });
  }

  private boolean overlapsLedger(RingRange r) {
    for (RingRange o : ledger.ranges()) {
      if (OwnedRanges.overlap(o, r)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------

  private OwnedRanges servingOf(OwnedRanges l) {
    OwnedRanges s = l;
    for (RingRange r : arriving) {
      s = s.minus(r);
    }
    return s;
  }

  private Future<Void> persistState(boolean forced) {
    return write(new WriteSet(List.of(), List.of(),
        List.of(stateWrite(new State(status, ledger.ranges()))), forced));
  }

  /** Writes, and continues on the node's context. */
  private Future<Void> write(WriteSet w) {
    Promise<Void> p = Promise.promise();
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    CompletableFuture<Long> f;
    try {
      f = store.write(w);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((seq, err) -> ctx.runOnContext(v -> {
      if (err != null) {
        p.fail(err);
      } else {
        p.complete();
      }
    }));
    return p.future();
  }

  private static MetaWrite stateWrite(State s) {
    return new MetaWrite(STATE, json(s));
  }

  private static byte[] json(Object o) {
    try {
      return Json.MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + o, e);
    }
  }
}
