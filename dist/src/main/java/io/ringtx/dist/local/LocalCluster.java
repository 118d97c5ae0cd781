package io.ringtx.dist.local;

import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.server.CoordinatorNode;
import io.ringtx.participant.server.ParticipantNode;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.route.HashRouter;
import io.ringtx.protocol.rpc.EventBusTransport;
import io.ringtx.protocol.rpc.FaultInjector;
import io.ringtx.protocol.rpc.RequestAuth;
import io.ringtx.protocol.rpc.TcpTransport;
import io.ringtx.protocol.rpc.Transport;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole cluster in one JVM — participants {@code p1..pN} and coordinator {@code c1} — for
 * development, demos and tests. It runs the same nodes, stores and messages as a cluster of
 * processes; only the event bus is local. Each node keeps its data in {@code dataDir/<node id>},
 * so a cluster started again on the same directory recovers from its logs.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final long START_TIMEOUT_SECONDS = 60;

  private final LocalClusterConfig config;
  private final Vertx vertx;
  private final List<NodeStore> stores = new ArrayList<>();
  private final List<ParticipantNode> participants = new ArrayList<>();
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
    this.vertx = Vertx.vertx();
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

  private void startNodes() throws Exception {
    List<NodeId> ids = new ArrayList<>();
    for (int i = 1; i <= config.participants(); i++) {
      ids.add(NodeId.of("p" + i));
    }
    HashRouter router = new HashRouter(ids);
    for (NodeId id : ids) {
      NodeStore store = open(id);
      participants.add(
          await(ParticipantNode.start(vertx, id, store, transport(id),
              config.participant().withOwnership(k -> router.ownerOf(k).equals(id)),
              config.requestTimeoutMillis())));
      published(id);
    }
    NodeId cid = NodeId.of("c1");
    NodeStore cstore = open(cid);
    coordinator =
        await(CoordinatorNode.start(vertx, cid, cstore, transport(cid), router,
            config.coordinator(), config.limits(), config.requestTimeoutMillis()));
    published(cid);
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
    if (coordinator != null) {
      coordinator.close();
    }
    participants.forEach(ParticipantNode::close);
    shutdown();
  }

  private void shutdown() {
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
