package io.ringtx.protocol.ring;

import io.ringtx.protocol.ring.RingMessage.Request;
import io.ringtx.protocol.ring.RingMessage.Response;
import io.ringtx.protocol.ring.RingStep.LookupDone;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A deterministic in-memory network of {@link ChordNode}s (STYLE §6, after etcd-io/raft's test
 * network): one thread, simulated milliseconds, no sleeps. Each message takes a latency drawn from
 * the seeded random source; a request to a failed (or departed) node fails at the sender after
 * {@link #timeoutMillis}. Equal seeds give equal runs.
 */
final class SimRing {
  final SplittableRandom random;
  final RingConfig config;
  final long minLatency;
  final long maxLatency;
  final long timeoutMillis = 300;

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(Comparator.comparingLong(Event::at).thenComparingLong(Event::seq));
  /** Live nodes by ring id, in ring order (unsigned). */
  private final TreeMap<RingId, ChordNode> live = new TreeMap<>();
  private final Map<Long, LookupDone> lookups = new HashMap<>();
  private long now;
  private long seq;
  private long nextToken;
  private long delivered;
  /** Timers that came due while maintenance was paused, to fire when it resumes. */
  private List<Action> heldTimers;

  SimRing(RingConfig config, long seed, long minLatency, long maxLatency) {
    this.config = config;
    this.random = new SplittableRandom(seed);
    this.minLatency = minLatency;
    this.maxLatency = maxLatency;
  }

  private interface Action {
    void run();
  }

  private record Event(long at, long seq, Action action) {}

  long now() {
    return now;
  }

  long delivered() {
    return delivered;
  }

  /** Live nodes in ring order. */
  List<ChordNode> nodes() {
    return new ArrayList<>(live.values());
  }

  ChordNode node(RingId id) {
    return live.get(id);
  }

  int size() {
    return live.size();
  }

  /** A node that creates a new ring. */
  ChordNode start(VirtualNode v) {
    ChordNode node = add(v);
    apply(node, node.start(now));
    return node;
  }

  /** A node that joins through {@code known}. */
  ChordNode join(VirtualNode v, VirtualNode known) {
    ChordNode node = add(v);
    apply(node, node.join(now, known));
    return node;
  }

  private ChordNode add(VirtualNode v) {
    if (live.containsKey(v.id())) {
      throw new IllegalArgumentException("a live node already sits at " + v.id());
    }
    ChordNode node = new ChordNode(v, config);
    live.put(v.id(), node);
    return node;
  }

  /**
   * What discovery does for a shell (DESIGN §4): every node still joining is given a random
   * joined node to join through, in case the one it was given has failed; if no node is in the
   * ring at all, the first one starts it again.
   */
  void rediscover() {
    List<ChordNode> joined =
        live.values().stream().filter(n -> n.state() == ChordNode.State.JOINED).toList();
    if (joined.isEmpty() && !live.isEmpty()) {
      ChordNode first = live.firstEntry().getValue();
      apply(first, first.start(now));
      joined = List.of(first);
    }
    for (ChordNode node : nodes()) {
      if (node.state() == ChordNode.State.JOINING && !joined.isEmpty()) {
        apply(node, node.join(now, joined.get(random.nextInt(joined.size())).self()));
      }
    }
  }

  /** The node fails: from now on it neither answers nor acts. */
  void fail(RingId id) {
    live.remove(id);
  }

  /** The node leaves gracefully, then is gone like a failed one. */
  void leave(RingId id) {
    ChordNode node = live.get(id);
    RingStep step = node.leave(now);
    live.remove(id);
    for (RingStep.Send s : step.sends()) {
      send(node, s);
    }
  }

  /**
   * From now on no periodic maintenance runs: timers that come due are held until {@link
   * #resumeMaintenance}. Messages already sent are still delivered, and lookups still run.
   */
  void pauseMaintenance() {
    if (heldTimers == null) {
      heldTimers = new ArrayList<>();
    }
  }

  /** Fires the timers held since {@link #pauseMaintenance}, now, and lets later ones run. */
  void resumeMaintenance() {
    List<Action> held = heldTimers;
    heldTimers = null;
    if (held != null) {
      held.forEach(a -> at(now, a));
    }
  }

  /** Starts a lookup at {@code from}; its answer appears in {@link #lookup(long)}. */
  void startLookup(ChordNode from, long requestId, RingId target) {
    apply(from, from.lookup(now, requestId, target));
  }

  LookupDone lookup(long requestId) {
    return lookups.get(requestId);
  }

  /** Runs every event up to {@code now + millis}. */
  void runFor(long millis) {
    long until = now + millis;
    while (!queue.isEmpty() && queue.peek().at() <= until) {
      Event e = queue.poll();
      now = e.at();
      e.action().run();
    }
    now = until;
  }

  /** The true successor of {@code id} among the live nodes: the ground truth for lookups. */
  VirtualNode trueSuccessor(RingId id) {
    Map.Entry<RingId, ChordNode> e = live.ceilingEntry(id);
    return (e != null ? e : live.firstEntry()).getValue().self();
  }

  /** The true predecessor of a live node. */
  VirtualNode truePredecessor(RingId id) {
    Map.Entry<RingId, ChordNode> e = live.lowerEntry(id);
    return (e != null ? e : live.lastEntry()).getValue().self();
  }

  private boolean alive(ChordNode node) {
    return live.get(node.self().id()) == node;
  }

  private void at(long time, Action action) {
    queue.add(new Event(Math.max(time, now), seq++, action));
  }

  private long latency() {
    return minLatency == maxLatency ? minLatency : random.nextLong(minLatency, maxLatency + 1);
  }

  void apply(ChordNode node, RingStep step) {
    for (RingStep.Send s : step.sends()) {
      send(node, s);
    }
    if (!step.replies().isEmpty()) {
      throw new IllegalStateException("replies are delivered by deliver()");
    }
    for (RingStep.Timer t : step.timers()) {
      at(t.atMillis(), new Action() {
        @Override
        public void run() {
          if (heldTimers != null) {
            heldTimers.add(this);
          } else if (alive(node)) {
            apply(node, node.onTimer(now, t));
          }
        }
      });
    }
    for (LookupDone d : step.lookups()) {
      lookups.put(d.requestId(), d);
    }
  }

  private void send(ChordNode from, RingStep.Send s) {
    long sentAt = now;
    at(now + latency(), () -> deliver(from, s.to(), s.request(), sentAt));
  }

  private void deliver(ChordNode from, VirtualNode to, Request request, long sentAt) {
    ChordNode target = live.get(to.id());
    if (target == null || !target.self().equals(to)) {
      at(sentAt + timeoutMillis, () -> {
        if (alive(from)) {
          apply(from, from.onSendFailed(now, to, request));
        }
      });
      return;
    }
    delivered++;
    long token = nextToken++;
    RingStep step = target.onRequest(now, token, request);
    Response response = null;
    for (RingStep.Reply r : step.replies()) {
      if (r.token() == token) {
        response = r.response();
      }
    }
    apply(target, new RingStep(step.sends(), List.of(), step.timers(), step.lookups()));
    if (response == null) {
      throw new IllegalStateException(to + " did not answer " + request);
    }
    Response answer = response;
    at(now + latency(), () -> {
      if (alive(from)) {
        apply(from, from.onReply(now, to, request, answer));
      }
    });
  }
}
