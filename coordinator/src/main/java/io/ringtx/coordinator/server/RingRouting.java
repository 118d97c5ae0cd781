package io.ringtx.coordinator.server;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.message.RingInfoRequest;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.rpc.Transport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's routing cache (DESIGN §4): a {@link RingSnapshot} of who owns which range,
 * fed from the ring — the ranges each participant reports owning ({@link RingInfo}) — so that
 * keys go straight to their owner. Refreshed periodically, when discovery sees the membership
 * change, and when a participant answers {@code NOT_OWNER}.
 *
 * <p>A participant that does not answer a refresh (down, restarting) keeps the ranges it last
 * reported, unless another participant now reports owning them: its keys must still route to it,
 * to be refused or to fail, never to a node that does not own them. A range in hand-off is owned
 * by no one for a moment; its keys route to the next range's owner, which refuses them with
 * {@code NOT_OWNER} until the hand-off is done.
 */
public final class RingRouting implements Router {
  private static final Logger LOG = LoggerFactory.getLogger(RingRouting.class);

  private final Vertx vertx;
  private final Context context;
  private final Transport transport;
  private final IdSpace space;
  private final long timeoutMillis;
  private final Supplier<List<NodeId>> candidates;
  /** The ranges each participant last reported; read and written on {@link #context} only. */
  private final Map<NodeId, List<RingRange>> lastKnown = new HashMap<>();
  private volatile RingSnapshot snapshot;
  private Future<Void> refreshing;
  private long periodic = -1;

  /**
   * @param initial the routing to use until the first refresh: the configured ring
   * @param candidates the participants to ask: the live ones discovery knows (may block; called
   *     on a worker thread). Those that stay silent keep the ranges they last reported.
   */
  public RingRouting(Vertx vertx, Transport transport, RingSnapshot initial, long timeoutMillis,
      Supplier<List<NodeId>> candidates) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.transport = transport;
    this.space = initial.space();
    this.timeoutMillis = timeoutMillis;
    this.candidates = candidates;
    this.snapshot = initial;
    for (NodeId p : initial.participants()) {
      lastKnown.put(p, initial.rangesOf(p));
    }
  }

  @Override
  public java.util.Optional<RingSnapshot> ring() {
    return java.util.Optional.of(snapshot);
  }

  @Override
  public NodeId ownerOf(String key) {
    return snapshot.ownerOf(key);
  }

  @Override
  public List<NodeId> participants() {
    return snapshot.participants();
  }

  /** The routing in use now. */
  public RingSnapshot snapshot() {
    return snapshot;
  }

  /** Refreshes every {@code millis} until {@link #close}. */
  public void refreshEvery(long millis) {
    context.runOnContext(v -> periodic = vertx.setPeriodic(millis, t -> refresh()));
  }

  /**
   * Asks the participants for their ranges and rebuilds the routing; a refresh asked for while
   * one runs joins it. Never fails: without answers the routing stays as it was.
   */
  public Future<Void> refresh() {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      Future<Void> current = refreshing;
      if (current == null) {
        // The fetch may complete before a listener is attached (it races a worker thread), so
        // the one in flight is tracked by a promise of our own, cleared when it completes.
        Promise<Void> done = Promise.promise();
        current = done.future();
        refreshing = current;
        fetch(false).onComplete(ar -> {
          if (ar.succeeded()) {
            try {
              rebuild(ar.result());
            } catch (RuntimeException e) {
              // A participant reported ranges that cannot form a ring (a bug): keep the routing
              // we have, say so, and let the next refresh try again.
              LOG.error("RTX-1005 routing refresh: cannot build a ring from the answers", e);
            }
          } else {
            LOG.warn("RTX-1004 routing refresh failed, keeping the routing: {}", ar.cause().toString());
          }
          refreshing = null;
          done.complete();
        });
      }
      current.onComplete(ar -> p.complete());
    });
    return p.future();
  }

  /** Every reachable participant's view of the ring, with its virtual nodes' Chord state. */
  public Future<List<RingInfo>> describe() {
    Promise<List<RingInfo>> p = Promise.promise();
    context.runOnContext(v -> fetch(true).onComplete(p));
    return p.future();
  }

  private Future<List<RingInfo>> fetch(boolean details) {
    return vertx.executeBlocking(() -> List.copyOf(new LinkedHashSet<>(candidates.get())), false)
        .compose(ask -> {
          List<Future<Message>> replies = new ArrayList<>();
          for (NodeId p : ask) {
            replies.add(transport.request(p, new RingInfoRequest(details), timeoutMillis));
          }
          return Future.join(replies).transform(ar -> {
            List<RingInfo> out = new ArrayList<>();
            for (Future<Message> f : replies) {
              if (f.succeeded() && f.result() instanceof RingInfo info) {
                out.add(info);
              }
            }
            return Future.succeededFuture(out);
          });
        });
  }

  private void rebuild(List<RingInfo> infos) {
    Map<NodeId, List<RingRange>> answered = new LinkedHashMap<>();
    for (RingInfo i : infos) {
      answered.put(NodeId.of(i.node()), i.owned());
    }
    Map<Long, VirtualNode> byEnd = new LinkedHashMap<>();
    List<RingRange> fresh = new ArrayList<>();
    answered.forEach((node, ranges) -> {
      for (RingRange r : ranges) {
        byEnd.put(r.end().value(), new VirtualNode(node, r.end()));
        fresh.add(r);
      }
    });
    // Silent participants keep what they last reported, unless someone else reports it now; one
    // left with nothing (it left the ring, or all its ranges moved) drops out of the routing.
    Map<NodeId, List<RingRange>> silent = new LinkedHashMap<>();
    lastKnown.forEach((node, ranges) -> {
      if (answered.containsKey(node)) {
        return;
      }
      List<RingRange> kept = new ArrayList<>();
      for (RingRange r : ranges) {
        boolean taken = fresh.stream().anyMatch(f -> f.contains(r.end()) || r.contains(f.end()));
        if (!taken) {
          kept.add(r);
          byEnd.putIfAbsent(r.end().value(), new VirtualNode(node, r.end()));
        }
      }
      if (!kept.isEmpty()) {
        silent.put(node, kept);
      }
    });
    lastKnown.clear();
    lastKnown.putAll(silent);
    answered.forEach((node, ranges) -> {
      if (!ranges.isEmpty()) {
        lastKnown.put(node, ranges);
      }
    });
    if (byEnd.isEmpty()) {
      return;
    }
    RingSnapshot next = RingSnapshot.of(space, byEnd.values());
    RingSnapshot previous = snapshot;
    snapshot = next;
    if (!previous.participants().equals(next.participants())
        || previous.virtualNodes().size() != next.virtualNodes().size()) {
      LOG.info("routing: {} ranges over {}", byEnd.size(), next.participants());
    }
  }

  /** Stops the periodic refresh. */
  public void close() {
    context.runOnContext(v -> {
      if (periodic >= 0) {
        vertx.cancelTimer(periodic);
      }
    });
  }
}
