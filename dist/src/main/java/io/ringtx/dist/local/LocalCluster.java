package io.ringtx.dist.local;

import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.server.CoordinatorNode;
import io.ringtx.coordinator.server.RingRouting;
import io.ringtx.coordinator.server.RingView;
import io.ringtx.dist.node.NodeProcess;
import io.ringtx.participant.ring.ParticipantRing;
import io.ringtx.participant.server.ParticipantNode;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.ring.RingConfig;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.rpc.EventBusTransport;
import io.ringtx.protocol.rpc.FaultInjector;
import io.ringtx.protocol.rpc.RequestAuth;
import io.ringtx.protocol.rpc.TcpTransport;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.rpc.VertxSetup;
import io.ringtx.storage.LogPruner;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole cluster in one JVM — participants {@code p1..pN} and coordinator {@code c1} — for
 * development, demos and tests. It runs the same nodes, stores and messages as a cluster of
 * processes, the Chord ring included (DESIGN §4): each participant runs its virtual nodes and
 * owns the ranges they give it, and the coordinator routes by the ranges the participants
 * report; only the event bus is local. Each node keeps its data in {@code dataDir/<node id>}, so
 * a cluster started again on the same directory recovers from its logs and its ranges.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long ROUTING_REFRESH_MILLIS = 1_000;

  private final LocalClusterConfig config;
  private final Vertx vertx;
  private final List<NodeStore> stores = new ArrayList<>();
  /** One per store, started once its node serves; closed before the stores. */
  private final List<LogPruner> pruners = new ArrayList<>();
  private final List<ParticipantNode> participants = new ArrayList<>();
  private final List<ParticipantRing> rings = new ArrayList<>();
  private RingRouting routing;
  private CoordinatorNode coordinator;
  private HttpApi http;
  private boolean closed;

  private final FaultInjector faults;
  /** With {@link #startOverTcp}: where each node's RPC server listens; else null. */
  private final Map<NodeId, SocketAddress> tcpAddresses;

  private LocalCluster(LocalClusterConfig config, FaultInjector faults, boolean tcp) {
    this.config = config;
    this.faults = faults;
    this.tcpAddresses = tcp ? new ConcurrentHashMap<>() : null;
    this.vertx = VertxSetup.vertx();
  }

  /** Opens every node's store, recovers, and starts serving; fails if any node fails. */
  public static LocalCluster start(LocalClusterConfig config) throws Exception {
    return start(config, FaultInjector.NONE);
  }

  /** As {@link #start(LocalClusterConfig)}, with every message passing through {@code faults}. */
  public static LocalCluster start(LocalClusterConfig config, FaultInjector faults)
      throws Exception {
    return start(new LocalCluster(config, faults, false));
  }

  /**
   * As {@link #start(LocalClusterConfig, FaultInjector)}, but the nodes send each other requests
   * over the TCP transport of process clusters ({@link TcpTransport}, each node's RPC server on a
   * free port of the configured host) instead of the local event bus: for testing that
   * transport under the same faults.
   */
  public static LocalCluster startOverTcp(LocalClusterConfig config, FaultInjector faults)
      throws Exception {
    return start(new LocalCluster(config, faults, true));
  }

  private static LocalCluster start(LocalCluster c) throws Exception {
    try {
      c.startNodes();
      return c;
    } catch (Exception | Error e) {
      c.crash();
      throw e;
    }
  }

  /** {@code p1..pN}. */
  private static List<NodeId> participantIds(int participants) {
    List<NodeId> ids = new ArrayList<>();
    for (int i = 1; i <= participants; i++) {
      ids.add(NodeId.of("p" + i));
    }
    return ids;
  }

  /**
   * Where a new cluster of {@code participants} places each key: the initial ring of their
   * virtual nodes, with the ids, v and r of a process cluster ({@link NodeProcess#ringConfig()}).
   */
  public static RingSnapshot placement(int participants) {
    RingConfig ring = NodeProcess.ringConfig();
    return RingSnapshot.hashed(ring.space(), participantIds(participants), ring.virtualNodes());
  }

  private void startNodes() throws Exception {
    List<NodeId> ids = participantIds(config.participants());
    RingConfig ringConfig = NodeProcess.ringConfig();
    RingSnapshot configured =
        RingSnapshot.hashed(ringConfig.space(), ids, ringConfig.virtualNodes());
    List<Transport> transports = new ArrayList<>();
    for (NodeId id : ids) {
      NodeStore store = open(id);
      // As in a process cluster (NodeProcess): the ring loads or writes this participant's
      // ranges, answers every request for a key outside them with NOT_OWNER, and takes the
      // ring's messages out of the stream the participant core serves.
      ParticipantRing ring = ParticipantRing.open(id, ringConfig, store, ids, false,
          config.requestTimeoutMillis());
      rings.add(ring);
      Transport transport = ring.transport(transport(id));
      transports.add(transport);
      participants.add(await(ParticipantNode.start(vertx, id, store, transport,
          config.participant().withOwnership(ring.ownership()), config.requestTimeoutMillis())));
      published(id);
      prune(store, id, ParticipantNode::finishedHere);
    }
    for (int i = 0; i < ids.size(); i++) {
      NodeId id = ids.get(i);
      // Every participant is an initial member: its virtual nodes take their places in the
      // configured ring; one that loses the ring joins again through the others'.
      List<VirtualNode> others =
          configured.virtualNodes().stream().filter(v -> !v.node().equals(id)).toList();
      await(rings.get(i).start(vertx, participants.get(i), transports.get(i), List.of(),
          () -> others));
    }
    NodeId cid = NodeId.of("c1");
    NodeStore cstore = open(cid);
    Transport cbus = transport(cid);
    routing = new RingRouting(vertx, cbus, configured,
        Math.min(1_000, config.requestTimeoutMillis()), () -> ids);
    coordinator = await(CoordinatorNode.start(vertx, cid, cstore, cbus, routing,
        config.coordinator(), config.limits(), config.requestTimeoutMillis()));
    published(cid);
    prune(cstore, cid, CoordinatorNode::finishedHere);
    coordinator.routing(routing::refresh, () -> RingView.of(routing, ringConfig));
    await(routing.refresh());
    routing.refreshEvery(ROUTING_REFRESH_MILLIS);
    await(coordinator.recovered(30_000));
    CoordinatorNode c = coordinator;
    http = await(c.onMachineContext(
        () -> HttpApi.start(vertx, c, config.host(), config.httpPort())));
    LOG.info("local cluster serving at {} with participants {}", url(), ids);
  }

  private final Map<NodeId, TcpTransport> tcp = new ConcurrentHashMap<>();

  private Transport transport(NodeId id) {
    if (tcpAddresses == null) {
      return new EventBusTransport(vertx, id, faults);
    }
    TcpTransport t = new TcpTransport(vertx, id, config.host(), 0, tcpAddresses::get, faults,
        RequestAuth.NONE, null);
    tcp.put(id, t);
    return t;
  }

  /** Once a node serves over TCP: makes its address known to the others. */
  private void published(NodeId id) {
    TcpTransport t = tcp.get(id);
    if (t != null) {
      tcpAddresses.put(id, SocketAddress.inetSocketAddress(t.port(), config.host()));
    }
  }

  /** Forgets the node's finished transactions after the retention window, as NodeProcess does. */
  private void prune(NodeStore store, NodeId id, Predicate<LogRecord> finishedHere) {
    pruners.add(LogPruner.start(store, config.outcomeRetention(), config.pruneEvery(),
        finishedHere, Clock.systemUTC(), id.value()));
  }

  private NodeStore open(NodeId id) {
    Path dir = config.dataDir().resolve(id.value());
    NodeStore s = RocksNodeStore.open(dir);
    stores.add(s);
    return s;
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The coordinator's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    return "http://" + config.host() + ":" + http.port();
  }

  public CoordinatorNode coordinator() {
    return coordinator;
  }

  public List<ParticipantNode> participants() {
    return List.copyOf(participants);
  }

  /** The coordinator's routing: who owns each key now, as the ring reports it. */
  public Router router() {
    return routing;
  }

  /** The store of node {@code id} (for metrics and tests). */
  public NodeStore store(NodeId id) {
    int i = id.value().equals("c1") ? stores.size() - 1 : Integer.parseInt(id.value().substring(1)) - 1;
    return stores.get(i);
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops as a crash would: every node stops at once, sending nothing more, whatever it was
   * doing; then the stores close. Writes already handed to a store complete (forced ones were
   * durable before anything depending on them was sent), so the directories hold exactly what a
   * restart must recover from.
   */
  public synchronized void crash() {
    if (closed) {
      return;
    }
    closed = true;
    if (routing != null) {
      routing.close();
    }
    rings.forEach(ParticipantRing::close);
    participants.forEach(ParticipantNode::close);
    if (coordinator != null) {
      coordinator.close();
    }
    shutdown();
  }

  /** Stops serving and closes every store. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      try {
        await(http.close());
      } catch (Exception e) {
        LOG.warn("HTTP API did not close cleanly: {}", e.toString());
      }
    }
    if (routing != null) {
      routing.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    rings.forEach(ParticipantRing::close);
    participants.forEach(ParticipantNode::close);
    shutdown();
  }

  private void shutdown() {
    // Before the stores: closing one waits for a pass, and closing a pruner stops its pass.
    pruners.forEach(LogPruner::close);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close cleanly: {}", e.toString());
    }
    for (NodeStore s : stores) {
      s.close();
    }
  }
}
