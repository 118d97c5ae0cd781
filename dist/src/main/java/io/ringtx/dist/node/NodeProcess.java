package io.ringtx.dist.node;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.coordinator.server.CoordinatorNode;
import io.ringtx.coordinator.server.RingRouting;
import io.ringtx.coordinator.server.RingView;
import io.ringtx.dist.config.NodeConfig;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.participant.ring.ParticipantRing;
import io.ringtx.participant.ring.RingEndpoints;
import io.ringtx.participant.server.ParticipantHttp;
import io.ringtx.participant.server.ParticipantNode;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.discovery.Discovery;
import io.ringtx.protocol.discovery.JoinRefusalLogging;
import io.ringtx.protocol.discovery.NodeInfo;
import io.ringtx.protocol.discovery.NodeRegistry;
import io.ringtx.protocol.discovery.RpcDirectory;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.node.Crasher;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingConfig;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.rpc.EventBusTransport;
import io.ringtx.protocol.rpc.FaultInjector;
import io.ringtx.protocol.rpc.RequestAuth;
import io.ringtx.protocol.rpc.TcpTransport;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.rpc.VertxSetup;
import io.ringtx.protocol.security.ClusterSecret;
import io.ringtx.protocol.security.HttpSecurity;
import io.ringtx.protocol.security.TlsFiles;
import io.ringtx.storage.LogPruner;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a multi-process cluster: its store, a Hazelcast member for discovery, the transport
 * between nodes (direct TCP connections by default, {@link TcpTransport}; or the clustered Vert.x
 * event bus with {@code transport: eventbus}), the participant or coordinator, and its HTTP
 * endpoint. Startup order: open the store, join the cluster, recover from the log, serve, publish
 * the RPC address, register for discovery, write {@code node.json}. {@link #close()} undoes it in reverse.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
  private static final long START_SECONDS = 120;

  private final NodeConfig config;
  private final Path dataDir;
  private NodeStore store;
  private LogPruner pruner;
  private Vertx vertx;
  private NodeRegistry registry;
  /** With the TCP transport: discovery's own Hazelcast member, the RPC directory and transport. */
  private HazelcastInstance hazelcast;
  private RpcDirectory directory;
  private TcpTransport tcp;
  private ParticipantNode participant;
  private ParticipantHttp participantHttp;
  private CoordinatorNode coordinator;
  private ParticipantRing ring;
  private RingRouting routing;
  private static final long ROUTING_REFRESH_MILLIS = 1_000;
  private HttpApi coordinatorHttp;
  private NodeRuntime runtime;
  private boolean closed;

  private NodeProcess(NodeConfig config) {
    this.config = config;
    this.dataDir = Path.of(config.dataDir());
  }

  /** Starts a node; on failure everything started so far is closed and the cause thrown. */
  public static NodeProcess start(NodeConfig config) throws Exception {
    NodeProcess p = new NodeProcess(config);
    try {
      p.startAll();
      return p;
    } catch (Exception | Error e) {
      p.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(dataDir);
    NodeId id = NodeId.of(config.nodeId());
    store = RocksNodeStore.open(dataDir.resolve("store"));

    Optional<ClusterSecret> secret = config.clusterSecret();
    Optional<TlsFiles> tls = config.tlsFiles();
    // A node with another secret presents another Hazelcast cluster name, which the members
    // refuse at join (and log as RTX-8101 through JoinRefusalLogging).
    JoinRefusalLogging.install();
    String hazelcastName = secret.map(s -> s.hazelcastClusterName(config.clusterName()))
        .orElse(config.clusterName());
    com.hazelcast.config.Config hz = Discovery.hazelcastConfig(hazelcastName, config.host(),
        config.hazelcastPort(), config.seeds(), config.failureDetectionSeconds());
    if (config.leaveOnShutdown()) {
      // Hazelcast's own shutdown hook would leave the cluster at SIGTERM while this node still
      // hands its ranges over through it; close() leaves it, after the hand-offs.
      hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    }
    RequestAuth auth = secret.<RequestAuth>map(s -> s).orElse(RequestAuth.NONE);
    LOG.info("node {} security: TLS {}, API token {}, cluster secret {}; transport {}", id,
        tls.isPresent() ? "on (HTTP, and mutual TLS between nodes)" : "off",
        config.apiToken().isPresent() ? "required" : "off",
        secret.isPresent() ? "on" : "off", config.transport().wireName());
    Transport bus;
    if (config.transport() == NodeConfig.Transport.EVENTBUS) {
      HazelcastClusterManager cluster = new HazelcastClusterManager(hz);
      EventBusOptions busOptions =
          new EventBusOptions().setHost(config.host()).setPort(config.busPort());
      tls.ifPresent(t -> t.apply(busOptions));
      VertxOptions options = VertxSetup.options().setEventBusOptions(busOptions);
      vertx = await(Vertx.builder().with(options).withClusterManager(cluster).buildClustered());
      registry = new NodeRegistry(cluster.getHazelcastInstance());
      bus = new EventBusTransport(vertx, id, FaultInjector.NONE, auth);
    } else {
      // Hazelcast for discovery only; requests go over direct TCP connections (TcpTransport),
      // so Vert.x needs no cluster manager and no clustered event bus.
      hazelcast = Hazelcast.newHazelcastInstance(hz);
      vertx = VertxSetup.vertx();
      registry = new NodeRegistry(hazelcast);
      directory = new RpcDirectory(hazelcast);
      tcp = new TcpTransport(vertx, id, config.host(), config.rpcPort(), directory,
          FaultInjector.NONE, auth, tls.orElse(null));
      directory.onGone(tcp::disconnect);
      bus = tcp;
    }
    LOG.info("node {} network I/O on {}", id,
        vertx.isNativeTransportEnabled() ? "native epoll" : "Java NIO");
    LOG.info("node {} joined cluster {} in {} ms", id, config.clusterName(),
        (System.nanoTime() - t0) / 1_000_000);

    List<NodeId> participants = config.participants().stream().map(NodeId::of).toList();
    RingConfig ringConfig = ringConfig();
    RingSnapshot configured =
        RingSnapshot.hashed(ringConfig.space(), participants, ringConfig.virtualNodes());
    Crasher crasher = crasher(config);
    HttpSecurity http = new HttpSecurity(tls.orElse(null), config.apiToken().orElse(null));
    Limits limits = new Limits(config.maxKeyBytes(), config.maxValueBytes(), config.maxKeysPerTx());
    int httpPort;
    List<String> ringIds = List.of();
    if (config.role() == NodeConfig.Role.PARTICIPANT) {
      ring = ParticipantRing.open(id, ringConfig, store, participants, config.ringJoin(),
          config.requestTimeoutMillis());
      Transport transport = ring.transport(bus);
      ParticipantConfig pc =
          new ParticipantConfig(config.readyTimeoutMillis(), config.maxQueryBackoffMillis(),
              ring.ownership(), config.maxQueuedWork(), config.maxValueBytes());
      participant = await(ParticipantNode.start(vertx, id, store, transport, pc,
          config.requestTimeoutMillis(), crasher));
      publishRpc(id);
      await(ring.start(vertx, participant, transport, knownVirtualNodes(id),
          () -> knownVirtualNodes(id)));
      registry.onChange(live -> ring.membershipChanged());
      participantHttp = await(ParticipantHttp.start(vertx, participant, store, config.host(),
          config.httpPort(), http, new RingEndpoints(ring, store, ringConfig.space()), limits));
      httpPort = participantHttp.port();
      ringIds = ringConfig.space().virtualNodes(id, ringConfig.virtualNodes()).stream()
          .map(v -> v.id().toString()).toList();
    } else {
      CoordinatorConfig cc =
          new CoordinatorConfig(config.voteTimeoutMillis(), config.resendInitialMillis(),
              config.resendMaxMillis());
      routing = new RingRouting(vertx, bus, configured, Math.min(1_000, config.requestTimeoutMillis()),
          () -> {
            // The live participants; until discovery lists any, the configured ones.
            List<NodeId> ask = new ArrayList<>();
            for (NodeInfo n : registry.live()) {
              if (n.role().equals("participant")) {
                ask.add(NodeId.of(n.nodeId()));
              }
            }
            return ask.isEmpty() ? participants : ask;
          });
      coordinator = await(CoordinatorNode.start(vertx, id, store, bus, routing, cc, limits,
          config.requestTimeoutMillis(), crasher));
      publishRpc(id);
      coordinator.liveNodes(registry::live);
      coordinator.httpsUrls(tls.isPresent());
      coordinator.routing(routing::refresh, () -> RingView.of(routing, ringConfig));
      await(routing.refresh());
      routing.refreshEvery(ROUTING_REFRESH_MILLIS);
      registry.onChange(live -> routing.refresh());
      await(coordinator.recovered(config.recoveryWaitMillis()));
      await(coordinator.reachedParticipants(config.recoveryWaitMillis()));
      CoordinatorNode c = coordinator;
      coordinatorHttp = await(c.onMachineContext(() -> HttpApi.start(vertx, c,
          HttpApiOptions.of(config.host(), config.httpPort())
              .withMaxInFlight(config.maxInFlight())
              .withRetryAfter(Duration.ofMillis(config.retryAfterMillis()))
              .withSecurity(http))));
      httpPort = coordinatorHttp.port();
    }
    registry.register(new NodeInfo(id.value(), config.role().wireName(), config.host(), httpPort,
        registry.localMember(), ringIds));
    runtime = new NodeRuntime(id.value(), config.role().wireName(), ProcessHandle.current().pid(),
        config.host(), httpPort, config.busPort(), config.hazelcastPort(), config.clusterName(),
        System.currentTimeMillis(), tls.isPresent(), tcp == null ? 0 : tcp.port());
    runtime.write(dataDir);
    pruner = LogPruner.start(store, Duration.ofSeconds(config.outcomeRetentionSeconds()),
        LogPruner.DEFAULT_EVERY,
        config.role() == NodeConfig.Role.PARTICIPANT
            ? ParticipantNode::finishedHere : CoordinatorNode::finishedHere,
        Clock.systemUTC(), id.value());
    LOG.info("node {} ({}) serving at {} after {} ms", id, config.role().wireName(),
        runtime.url(), (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * With the TCP transport, tells the other nodes where this node's RPC server listens: as soon as
   * it serves, before this node registers, since the others must reach it while it starts
   * (recovery, a join).
   */
  private void publishRpc(NodeId id) {
    if (directory != null) {
      directory.publish(id, config.host(), tcp.port());
    }
  }

  /**
   * The ring of DESIGN §4 on the wire: production ids, default v and r, maintenance periods.
   * The in-JVM cluster ({@code ringtx local}) runs the same ring.
   */
  public static RingConfig ringConfig() {
    RingConfig d = RingConfig.defaults();
    // Maintenance of 128 virtual nodes per participant at the defaults cost an idle participant
    // 11-13% of a core. Ownership moves only by hand-off, and membership events (a node joining,
    // leaving or failing) trigger stabilisation at once, so the periodic rounds only repair what
    // those missed: every 2 s (stabilize), 3 s (one finger) and 4 s (check_predecessor) is enough.
    return new RingConfig(d.space(), d.virtualNodes(), d.successors(), 2_000, 3_000, 4_000);
  }

  /**
   * Virtual nodes of the other live participants, as registered for discovery: the entry points
   * of a join (DESIGN §4). Blocks on Hazelcast.
   */
  private List<VirtualNode> knownVirtualNodes(NodeId self) {
    List<VirtualNode> out = new ArrayList<>();
    IdSpace space = ringConfig().space();
    for (NodeInfo n : registry.live()) {
      if (!n.role().equals("participant") || n.nodeId().equals(self.value())) {
        continue;
      }
      for (String id : n.ringIds()) {
        try {
          out.add(new VirtualNode(NodeId.of(n.nodeId()), space.id(Long.parseUnsignedLong(id))));
        } catch (IllegalArgumentException e) {
          LOG.warn("RTX-3004 ignoring ring id '{}' registered by {}: {}", id, n.nodeId(),
              e.getMessage());
        }
      }
    }
    return out;
  }

  /**
   * A graceful leave (participants only): hands every range over to its successors and leaves
   * the ring; waits until done. The node keeps running, serving nothing, until closed.
   */
  public void leaveRing(long timeoutSeconds) throws Exception {
    if (ring == null) {
      throw new IllegalStateException("only a participant is in the ring");
    }
    ring.leave().toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
  }

  /** Whether this node leaves the ring on SIGTERM ({@code leaveOnShutdown}). */
  public boolean leavesOnShutdown() {
    return ring != null && config.leaveOnShutdown() && !ring.hasLeft();
  }

  /** The configured crash point, or none (then the runner checks nothing). */
  private static Crasher crasher(NodeConfig config) {
    return config.crashPointValue()
        .<Crasher>map(p -> {
          LOG.warn("RTX-0900 node {} will halt itself at crash point {} (time {} it is reached): "
              + "for tests and fault drills only", config.nodeId(), p, config.crashAfter());
          return new HaltingCrasher(p, config.crashAfter());
        })
        .orElse(Crasher.NONE);
  }


  public NodeRuntime runtime() {
    return runtime;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Stops gracefully (SIGTERM): a coordinator first refuses new transactions (503 {@code
   * shutting_down}) while those in flight are answered and their decisions acknowledged, for at
   * most {@code shutdownDrainMillis}; then the node stops serving, leaves the cluster and closes
   * the store. A transaction still unfinished then is finished by recovery at the next start
   * (DESIGN §3), as after a crash.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    drain();
    try {
      NodeRuntime.delete(dataDir);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", dataDir.resolve(NodeRuntime.FILE), e.toString());
    }
    quietly(() -> {
      if (coordinatorHttp != null) {
        await(coordinatorHttp.close());
      }
      if (participantHttp != null) {
        await(participantHttp.close());
      }
    });
    if (routing != null) {
      routing.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    if (ring != null) {
      ring.close();
    }
    if (participant != null) {
      participant.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (directory != null) {
      directory.close();
    }
    quietly(() -> {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    });
    if (hazelcast != null) {
      quietly(() -> hazelcast.shutdown());
    }
    if (pruner != null) {
      pruner.close();
    }
    if (store != null) {
      store.close();
    }
    LOG.info("node {} stopped", config.nodeId());
  }

  /** The coordinator's half of a graceful stop; nothing to do for a participant. */
  private void drain() {
    if (coordinatorHttp == null || coordinator == null) {
      return;
    }
    long t0 = System.nanoTime();
    long budget = config.shutdownDrainMillis();
    quietly(() -> {
      int left = await(coordinatorHttp.drain(Duration.ofMillis(budget)));
      long spent = (System.nanoTime() - t0) / 1_000_000;
      int unfinished = await(coordinator.quiesced(Math.max(0, budget - spent)));
      long total = (System.nanoTime() - t0) / 1_000_000;
      if (left == 0 && unfinished == 0) {
        LOG.info("node {} drained in {} ms: every transaction answered and acknowledged",
            config.nodeId(), total);
      } else {
        LOG.warn("RTX-0902 node {} stopping after {} ms with {} requests unanswered and {} "
            + "transactions unfinished; recovery finishes them at the next start",
            config.nodeId(), total, left, unfinished);
      }
    });
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step s) {
    try {
      s.run();
    } catch (Exception e) {
      LOG.warn("while stopping: {}", e.toString());
    }
  }
}
