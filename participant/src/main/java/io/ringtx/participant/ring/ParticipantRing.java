package io.ringtx.participant.ring;

import io.ringtx.participant.server.ParticipantNode;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.HandoffChunk;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RangeRequest;
import io.ringtx.protocol.message.RingBatch;
import io.ringtx.protocol.message.RingBatchReply;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.message.RingInfoRequest;
import io.ringtx.protocol.ring.RingConfig;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingMessage;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A participant's part in the ring (DESIGN §4): its Chord virtual nodes running over the RPC
 * layer ({@link ChordShell}), and the ranges it owns with the hand-offs that move them ({@link
 * RangeKeeper}). The participant core asks {@link #ownership()} on every request.
 *
 * <p>Life: {@link #open} (before the participant serves: loads or writes the initial ranges),
 * {@link #transport} (wraps the node's transport so that ring messages reach the ring, not the
 * core), {@link #start} (on the participant's context, once it serves), {@link #leave} (graceful
 * leave with hand-off), {@link #close}.
 */
public final class ParticipantRing implements AutoCloseable {
  private final NodeId self;
  private final RingConfig config;
  private final List<VirtualNode> own;
  private final List<NodeId> initialMembers;
  private final long timeoutMillis;
  private final RangeKeeper keeper;
  private volatile ParticipantNode node;
  /** Set on, and used only on, {@link #chordContext}. */
  private volatile ChordShell chord;
  private volatile Context chordContext;

  private ParticipantRing(NodeId self, RingConfig config, List<VirtualNode> own,
      List<NodeId> initialMembers, long timeoutMillis, RangeKeeper keeper) {
    this.self = self;
    this.config = config;
    this.own = own;
    this.initialMembers = initialMembers;
    this.timeoutMillis = timeoutMillis;
    this.keeper = keeper;
  }

  /**
   * Loads (or, on the first start, writes) this participant's ring state from {@code store}.
   * Blocks; call before the participant serves.
   *
   * @param initialMembers the configured participants, whose hashed virtual nodes form the
   *     initial ring
   * @param joins whether a participant that starts for the first time joins a running ring (and
   *     so owns nothing until its hand-offs arrive) rather than being an initial member
   */
  public static ParticipantRing open(NodeId self, RingConfig config, NodeStore store,
      List<NodeId> initialMembers, boolean joins, long timeoutMillis) throws Exception {
    List<VirtualNode> own = config.space().virtualNodes(self, config.virtualNodes());
    List<NodeId> members = new ArrayList<>(initialMembers);
    if (!members.contains(self)) {
      members.add(self);
    }
    List<RingRange> initial =
        RingSnapshot.hashed(config.space(), members, config.virtualNodes()).rangesOf(self);
    List<RingId> ids = own.stream().map(VirtualNode::id).sorted().toList();
    RangeKeeper keeper =
        RangeKeeper.load(self, config.space(), store, timeoutMillis, ids, joins, initial);
    return new ParticipantRing(self, config, own, List.copyOf(members), timeoutMillis, keeper);
  }

  /** Whether this participant serves a key now: for {@code ParticipantConfig.owns}. */
  public Predicate<String> ownership() {
    return keeper::owns;
  }

  /** Whether this participant has left the ring for good (it serves nothing). */
  public boolean hasLeft() {
    return keeper.status() == RangeKeeper.Status.LEFT;
  }

  /**
   * {@code transport}, with the ring's requests to this node taken out of the stream that the
   * participant core serves and handed to the ring instead.
   */
  public Transport transport(Transport transport) {
    return new Transport() {
      @Override
      public Future<Message> request(NodeId to, Message request, long timeout) {
        return transport.request(to, request, timeout);
      }

      @Override
      public Future<Void> serve(NodeId id, Handler handler) {
        return transport.serve(id, (from, request, reply) -> {
          if (isRingMessage(request)) {
            onRingMessage(request, reply);
          } else {
            handler.handle(from, request, reply);
          }
        });
      }

      @Override
      public Future<Void> stop(NodeId id) {
        return transport.stop(id);
      }
    };
  }

  /**
   * Takes this participant's virtual nodes into the ring and starts its hand-offs, on the
   * participant's context.
   *
   * @param known virtual nodes of other live participants, found by discovery (empty: none)
   * @param knownLater the same, asked again later (blocking; called on a worker thread)
   */
  public Future<Void> start(Vertx vertx, ParticipantNode participant, Transport transport,
      List<VirtualNode> known, Supplier<List<VirtualNode>> knownLater) {
    // Chord runs on a context of its own, so that a burst of ring maintenance never queues in
    // front of the transactions the participant core serves on its context.
    Context ring = vertx.getOrCreateContext();
    this.chordContext = ring;
    Promise<Void> shellStarted = Promise.promise();
    ring.runOnContext(v -> {
      ChordShell shell =
          new ChordShell(vertx, self, config, transport, timeoutMillis, own, knownLater);
      RangeKeeper.Status status = keeper.status();
      if (status == RangeKeeper.Status.JOINING && !known.isEmpty()) {
        shell.join(known); // Chord join through the live nodes discovery found
      } else if (status != RangeKeeper.Status.LEFT) {
        // A member (re)starting installs the ring it knows of: the live participants' virtual
        // nodes and its own, or, with nobody else alive, the configured ring. Chord maintenance
        // corrects whatever in it is stale; a restarted member thus re-enters the ring without
        // 128 join lookups competing with the transactions it serves.
        List<VirtualNode> all = new ArrayList<>(own);
        known.stream().filter(k -> !all.contains(k)).forEach(all::add);
        shell.install(known.isEmpty()
            ? RingSnapshot.hashed(config.space(), initialMembers, config.virtualNodes())
            : RingSnapshot.of(config.space(), all));
      }
      this.chord = shell;
      shellStarted.complete();
    });
    Promise<Void> started = Promise.promise();
    shellStarted.future().onComplete(x -> participant.execute(() -> {
      this.node = participant;
      RangeKeeper.Core core = new RangeKeeper.Core() {
        @Override
        public Set<String> lockedKeys() {
          return participant.withCore(c -> c.lockedKeys());
        }

        @Override
        public void raiseVersionFloor(long version) {
          participant.withCore(c -> {
            c.raiseVersionFloor(version);
            return null;
          });
        }
      };
      RangeKeeper.Ring lookups = new RangeKeeper.Ring() {
        @Override
        public Future<VirtualNode> lookup(RingId target, boolean confirmOwner) {
          Promise<VirtualNode> p = Promise.promise();
          ring.runOnContext(v -> chord.lookup(target, confirmOwner).onComplete(ar ->
              participant.execute(() -> p.handle(ar))));
          return p.future();
        }

        @Override
        public void leaveAll() {
          ring.runOnContext(v -> chord.leaveAll());
        }

        @Override
        public Future<Set<NodeId>> others() {
          return vertx.executeBlocking(() -> knownLater.get().stream().map(VirtualNode::node)
              .filter(n -> !n.equals(self)).collect(Collectors.toSet()), false);
        }
      };
      keeper.start(vertx, transport, lookups, core);
      started.complete();
    }));
    return started.future();
  }

  /** Discovery saw the membership change. Any thread. */
  public void membershipChanged() {
    ParticipantNode n = node;
    if (n != null) {
      chordContext.runOnContext(v -> {
        if (chord != null && !hasLeft()) {
          chord.membershipChanged();
        }
      });
    }
  }

  /** Hands every range over to its successor and leaves the ring; completes once left. */
  public Future<Void> leave() {
    ParticipantNode n = node;
    if (n == null) {
      return Future.failedFuture("the ring has not started");
    }
    Promise<Void> p = Promise.promise();
    n.execute(() -> keeper.leave().onComplete(p));
    return p.future();
  }

  /** This participant's view of the ring; {@code details} adds each virtual node's state. */
  public Future<RingInfo> info(boolean details) {
    ParticipantNode n = node;
    if (n == null) {
      return Future.succeededFuture(describe(List.of()));
    }
    Promise<List<RingInfo.VirtualNodeInfo>> vnodes = Promise.promise();
    if (details && chord != null) {
      chordContext.runOnContext(v -> vnodes.complete(chord.info()));
    } else {
      vnodes.complete(List.of());
    }
    Promise<RingInfo> p = Promise.promise();
    vnodes.future().onComplete(ar -> n.execute(() -> p.complete(describe(ar.result()))));
    return p.future();
  }

  /**
   * On the participant's context (or before it serves). The hand-offs are listed before the
   * keeper starts too: those loaded from the store are resumed once it does, and a participant
   * waiting to leave asks for them (see {@code RangeKeeper.leaveOnceNothingIsSentHere}).
   */
  private RingInfo describe(List<RingInfo.VirtualNodeInfo> vnodes) {
    return new RingInfo(self.value(), keeper.status().name(), keeper.serving().ranges(),
        keeper.handoffs(), vnodes);
  }

  private static boolean isRingMessage(Message m) {
    return m instanceof RingBatch || m instanceof RingInfoRequest || m instanceof RangeRequest
        || m instanceof HandoffChunk;
  }

  /** Runs on the participant's context (the transport serves it there). */
  private void onRingMessage(Message m, Consumer<Message> reply) {
    if (m instanceof RingInfoRequest q) {
      info(q.details()).onComplete(ar -> reply.accept(ar.result()));
      return;
    }
    if (chord == null || node == null) {
      // Not started yet: for Chord, not in the ring; for the rest, ask again later.
      if (m instanceof RingBatch b) {
        reply.accept(new RingBatchReply(
            b.items().stream().map(i -> (RingMessage.Response) new RingMessage.NotInRing())
                .toList()));
      } else {
        reply.accept(new io.ringtx.protocol.message.ErrorReply(
            io.ringtx.protocol.message.ErrorReply.Code.OVERLOADED, "ring not started yet"));
      }
      return;
    }
    if (m instanceof RingBatch b) {
      chordContext.runOnContext(v -> chord.onBatch(b, reply));
    } else if (m instanceof RangeRequest r) {
      keeper.onRangeRequest(r, reply);
    } else if (m instanceof HandoffChunk c) {
      keeper.onChunk(c, reply);
    }
  }

  @Override
  public void close() {
    ParticipantNode n = node;
    if (n != null) {
      n.execute(keeper::stop);
    }
    Context ring = chordContext;
    if (ring != null) {
      ring.runOnContext(v -> {
        if (chord != null) {
          chord.stop();
        }
      });
    }
  }
}
