package io.ringtx.participant.ring;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RingBatch;
import io.ringtx.protocol.message.RingBatchReply;
import io.ringtx.protocol.message.RingEnvelope;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.ring.ChordNode;
import io.ringtx.protocol.ring.RingConfig;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingMessage;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.RingStep;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.rpc.Transport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell of the Chord virtual nodes of one participant (DESIGN §4): it feeds each {@link
 * ChordNode} its events and carries out the {@link RingStep}s, on the participant's Vert.x
 * context.
 *
 * <p>Requests between two virtual nodes of this participant are delivered in memory. Requests to
 * another participant's virtual nodes that one event produces go out together, as one {@link
 * RingBatch} RPC per participant: with v virtual nodes per participant, one RPC per Chord request
 * would cost v times the calls for the same maintenance. A batch that fails (deadline, node
 * gone) is reported to each of its senders as a failed request, which is how Chord learns of a
 * failure. Timers of all virtual nodes are served by one periodic tick.
 */
final class ChordShell {
  private static final Logger LOG = LoggerFactory.getLogger(ChordShell.class);
  /** The resolution of the ring's timers. */
  static final long TICK_MILLIS = 100;
  /** How often virtual nodes that are still joining are looked at. */
  private static final long REJOIN_MILLIS = 3_000;
  /**
   * A virtual node still joining this long after it began joins again through another node: its
   * entry point may have failed. Well above a join's few round trips, since joining again
   * restarts the lookup.
   */
  private static final long STUCK_MILLIS = 10_000;

  private final Vertx vertx;
  private final NodeId self;
  private final RingConfig config;
  private final Transport transport;
  private final long timeoutMillis;
  private final Supplier<List<VirtualNode>> knownElsewhere;
  /** This participant's virtual nodes, by id. */
  private final TreeMap<RingId, ChordNode> nodes = new TreeMap<>();
  private final PriorityQueue<Due> timers =
      new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
  private final Map<Long, Promise<VirtualNode>> lookups = new HashMap<>();
  /** When each virtual node that is joining began (or was first seen) joining. */
  private final Map<RingId, Long> joiningSince = new HashMap<>();
  private final Deque<Envelope> local = new ArrayDeque<>();
  private final Map<NodeId, List<Envelope>> outbound = new LinkedHashMap<>();
  private long nextLookup = 1;
  private long tickTimer = -1;
  private long lastRejoinCheck;
  private boolean flushing;
  private boolean stopped;

  private record Due(long at, RingId node, RingStep.Timer timer) {}

  private record Envelope(VirtualNode from, VirtualNode to, RingMessage.Request request) {}

  /**
   * @param own this participant's virtual nodes
   * @param knownElsewhere virtual nodes of other live participants, to join through (may block:
   *     it is called on a worker thread)
   */
  ChordShell(
      Vertx vertx,
      NodeId self,
      RingConfig config,
      Transport transport,
      long timeoutMillis,
      List<VirtualNode> own,
      Supplier<List<VirtualNode>> knownElsewhere) {
    this.vertx = vertx;
    this.self = self;
    this.config = config;
    this.transport = transport;
    this.timeoutMillis = timeoutMillis;
    this.knownElsewhere = knownElsewhere;
    for (VirtualNode v : own) {
      nodes.put(v.id(), new ChordNode(v, config));
    }
  }

  /** Every one of this participant's virtual node ids, in ring order. */
  List<RingId> ids() {
    return List.copyOf(nodes.keySet());
  }

  /** Installs {@code ring} (which holds this participant's virtual nodes) in every one of them. */
  void install(RingSnapshot ring) {
    long now = now();
    lastRejoinCheck = now;
    LOG.info("ring: {} installs a ring of {} virtual nodes of {}", self,
        ring.virtualNodes().size(), ring.participants());
    for (ChordNode n : nodes.values()) {
      apply(n, n.bootstrap(now, ring));
    }
    flush();
    tickTimer = vertx.setPeriodic(TICK_MILLIS, t -> tick());
  }

  /** Chord join of every virtual node, each through one of {@code known} (found by discovery). */
  void join(List<VirtualNode> known) {
    long now = now();
    lastRejoinCheck = now;
    LOG.info("ring: {} joins through {} virtual nodes of {}", self, known.size(),
        known.stream().map(VirtualNode::node).distinct().toList());
    int i = 0;
    for (ChordNode n : nodes.values()) {
      joiningSince.put(n.self().id(), now);
      apply(n, n.join(now, known.get(i++ % known.size())));
    }
    flush();
    tickTimer = vertx.setPeriodic(TICK_MILLIS, t -> tick());
  }

  /** Discovery saw the membership change: stabilize now (DESIGN §4). */
  void membershipChanged() {
    if (stopped) {
      return;
    }
    long now = now();
    for (ChordNode n : nodes.values()) {
      apply(n, n.onMembershipChanged(now));
    }
    flush();
  }

  /**
   * The successor of {@code target}, looked up iteratively from this participant's joined virtual
   * node that most closely precedes it; fails if none is joined or the lookup fails.
   *
   * <p>Starting there skips every hop a lookup would take to get back to our own virtual node:
   * the successor of the id just after one of ours (what a leaving participant asks for each of
   * its ranges) is answered at once, from that virtual node's successor pointer, where a lookup
   * from elsewhere would end too. It also keeps such lookups off other nodes' fingers, which
   * right after a participant left may still point at its virtual nodes and cost a request's
   * deadline each.
   */
  Future<VirtualNode> lookup(RingId target, boolean confirmOwner) {
    ChordNode from = closestJoinedBefore(target);
    if (from == null || stopped) {
      return Future.failedFuture("no virtual node of " + self + " is in the ring yet");
    }
    long id = nextLookup++;
    Promise<VirtualNode> p = Promise.promise();
    lookups.put(id, p);
    apply(from, from.lookup(now(), id, target, confirmOwner));
    flush();
    return p.future();
  }

  /** Our joined virtual node with the greatest id before {@code target}, around the ring. */
  private ChordNode closestJoinedBefore(RingId target) {
    for (ChordNode n : nodes.headMap(target, false).descendingMap().values()) {
      if (n.state() == ChordNode.State.JOINED) {
        return n;
      }
    }
    for (ChordNode n : nodes.tailMap(target, true).descendingMap().values()) {
      if (n.state() == ChordNode.State.JOINED) {
        return n;
      }
    }
    return null;
  }

  /** Chord §IV.E.4: every virtual node leaves, telling its neighbours. */
  void leaveAll() {
    long now = now();
    for (ChordNode n : nodes.values()) {
      apply(n, n.leave(now));
    }
    flush();
  }

  /** Whether every virtual node is in the ring. */
  boolean allJoined() {
    return nodes.values().stream().allMatch(n -> n.state() == ChordNode.State.JOINED);
  }

  /** The state of each virtual node, for {@link RingInfo}. */
  List<RingInfo.VirtualNodeInfo> info() {
    List<RingInfo.VirtualNodeInfo> out = new ArrayList<>(nodes.size());
    for (ChordNode n : nodes.values()) {
      List<VirtualNode> fingers = new ArrayList<>();
      for (VirtualNode f : n.fingers()) {
        if (!f.equals(n.self()) && !fingers.contains(f)) {
          fingers.add(f);
        }
      }
      out.add(new RingInfo.VirtualNodeInfo(n.self(), n.state().name(),
          n.predecessor().orElse(null), n.successors(), fingers));
    }
    return out;
  }

  /** Answers a batch of Chord requests from another participant. */
  void onBatch(RingBatch batch, Consumer<Message> reply) {
    long now = now();
    List<RingMessage.Response> responses = new ArrayList<>(batch.items().size());
    for (RingEnvelope e : batch.items()) {
      ChordNode target = e.to().node().equals(self) ? nodes.get(e.to().id()) : null;
      responses.add(target == null || stopped
          ? new RingMessage.NotInRing()
          : answer(target, now, e.request()));
    }
    reply.accept(new RingBatchReply(responses));
    flush();
  }

  void stop() {
    stopped = true;
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
    }
    lookups.values().forEach(p -> p.tryFail("ring stopped"));
    lookups.clear();
  }

  // ---------------------------------------------------------------------------------------------

  private RingMessage.Response answer(ChordNode target, long now, RingMessage.Request request) {
    RingStep step = target.onRequest(now, 0, request);
    apply(target, step);
    return step.replies().isEmpty() ? new RingMessage.NotInRing() : step.replies().get(0).response();
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = now();
    while (!timers.isEmpty() && timers.peek().at <= now) {
      Due d = timers.poll();
      ChordNode n = nodes.get(d.node);
      if (n != null) {
        apply(n, n.onTimer(now, d.timer));
      }
    }
    flush();
    if (now - lastRejoinCheck >= REJOIN_MILLIS) {
      lastRejoinCheck = now;
      rejoinStragglers(now);
    }
  }

  /**
   * A virtual node that is still joining (its entry point failed, or it lost every contact to
   * the ring) joins again: through a virtual node of this participant that is in the ring, or
   * else through one that discovery knows of.
   */
  private void rejoinStragglers(long now) {
    joiningSince.keySet().removeIf(id -> nodes.get(id).state() != ChordNode.State.JOINING);
    for (ChordNode n : nodes.values()) {
      if (n.state() == ChordNode.State.JOINING) {
        joiningSince.putIfAbsent(n.self().id(), now);
      }
    }
    List<ChordNode> stuck = nodes.values().stream()
        .filter(n -> n.state() == ChordNode.State.JOINING
            && now - joiningSince.get(n.self().id()) >= STUCK_MILLIS)
        .toList();
    if (stuck.isEmpty()) {
      return;
    }
    List<VirtualNode> entry = nodes.values().stream()
        .filter(n -> n.state() == ChordNode.State.JOINED).map(ChordNode::self).toList();
    if (!entry.isEmpty()) {
      rejoin(stuck, entry, now);
      return;
    }
    vertx.executeBlocking(knownElsewhere::get, false).onSuccess(known -> {
      if (!known.isEmpty() && !stopped) {
        rejoin(stuck, known, now());
      }
    });
  }

  private void rejoin(List<ChordNode> stuck, List<VirtualNode> entry, long now) {
    LOG.info("ring: {} has {} virtual nodes still joining; joining again", self, stuck.size());
    int i = 0;
    for (ChordNode n : stuck) {
      if (n.state() == ChordNode.State.JOINING) {
        joiningSince.put(n.self().id(), now);
        apply(n, n.join(now, entry.get(i++ % entry.size())));
      }
    }
    flush();
  }

  /** Queues a step's sends and timers and completes its finished lookups; replies are the caller's. */
  private void apply(ChordNode n, RingStep step) {
    for (RingStep.Send s : step.sends()) {
      Envelope e = new Envelope(n.self(), s.to(), s.request());
      if (s.to().node().equals(self)) {
        local.add(e);
      } else {
        outbound.computeIfAbsent(s.to().node(), k -> new ArrayList<>()).add(e);
      }
    }
    for (RingStep.Timer t : step.timers()) {
      timers.add(new Due(t.atMillis(), n.self().id(), t));
    }
    for (RingStep.LookupDone d : step.lookups()) {
      Promise<VirtualNode> p = lookups.remove(d.requestId());
      if (p != null) {
        if (d.succeeded()) {
          p.complete(d.owner());
        } else {
          p.fail("lookup of " + d.target() + " failed after " + d.hops() + " hops");
        }
      }
    }
  }

  /** Delivers the local requests, then sends one batch per participant. */
  private void flush() {
    if (flushing) {
      return; // the outer flush delivers what this one would
    }
    flushing = true;
    try {
      while (!local.isEmpty()) {
        Envelope e = local.poll();
        ChordNode target = nodes.get(e.to().id());
        RingMessage.Response r = target == null || stopped
            ? new RingMessage.NotInRing()
            : answer(target, now(), e.request());
        ChordNode sender = nodes.get(e.from().id());
        if (sender != null) {
          apply(sender, sender.onReply(now(), e.to(), e.request(), r));
        }
      }
    } finally {
      flushing = false;
    }
    if (outbound.isEmpty() || stopped) {
      outbound.clear();
      return;
    }
    Map<NodeId, List<Envelope>> batches = new LinkedHashMap<>(outbound);
    outbound.clear();
    batches.forEach(this::send);
  }

  private void send(NodeId to, List<Envelope> items) {
    List<RingEnvelope> wire = new ArrayList<>(items.size());
    for (Envelope e : items) {
      wire.add(new RingEnvelope(e.from(), e.to(), e.request()));
    }
    transport.request(to, new RingBatch(wire), timeoutMillis).onComplete(ar -> {
      if (stopped) {
        return;
      }
      long now = now();
      boolean ok = ar.succeeded()
          && ar.result() instanceof RingBatchReply r
          && r.responses().size() == items.size();
      if (!ok) {
        LOG.debug("ring: batch of {} to {} failed: {}", items.size(), to,
            ar.failed() ? ar.cause().toString() : ar.result());
      }
      for (int i = 0; i < items.size(); i++) {
        Envelope e = items.get(i);
        ChordNode sender = nodes.get(e.from().id());
        if (sender == null) {
          continue;
        }
        RingStep step;
        try {
          step = ok
              ? sender.onReply(now, e.to(), e.request(),
                  ((RingBatchReply) ar.result()).responses().get(i))
              : sender.onSendFailed(now, e.to(), e.request());
        } catch (IllegalArgumentException wrongKind) {
          // A response of the wrong kind: that node is not speaking Chord; treat it as failed.
          LOG.warn("RTX-3003 ring: {} answered {} with {}", to, e.request(), wrongKind.getMessage());
          step = sender.onSendFailed(now, e.to(), e.request());
        }
        apply(sender, step);
      }
      flush();
    });
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
