package io.ringtx.dist.node;

import io.ringtx.coordinator.api.Limits;
import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.coordinator.server.CoordinatorNode;
import io.ringtx.dist.config.NodeConfig;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.participant.server.ParticipantHttp;
import io.ringtx.participant.server.ParticipantNode;
import io.ringtx.protocol.discovery.Discovery;
import io.ringtx.protocol.discovery.JoinRefusalLogging;
import io.ringtx.protocol.discovery.NodeInfo;
import io.ringtx.protocol.discovery.NodeRegistry;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.node.Crasher;
import io.ringtx.protocol.route.HashRouter;
import io.ringtx.protocol.rpc.EventBusTransport;
import io.ringtx.protocol.rpc.FaultInjector;
import io.ringtx.protocol.rpc.RequestAuth;
import io.ringtx.protocol.security.ClusterSecret;
import io.ringtx.protocol.security.HttpSecurity;
import io.ringtx.protocol.security.TlsFiles;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a multi-process cluster: its store, a clustered Vert.x (Hazelcast discovery, event
 * bus over TCP), the participant or coordinator, and its HTTP endpoint. Startup order: open the
 * store, join the cluster, recover from the log, serve, register for discovery, write {@code
 * node.json}. {@link #close()} undoes it in reverse.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
  private static final long START_SECONDS = 120;

  private final NodeConfig config;
  private final Path dataDir;
  private NodeStore store;
  private Vertx vertx;
  private NodeRegistry registry;
  private ParticipantNode participant;
  private ParticipantHttp participantHttp;
  private CoordinatorNode coordinator;
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
    HazelcastClusterManager cluster =
        new HazelcastClusterManager(
            Discovery.hazelcastConfig(hazelcastName, config.host(), config.hazelcastPort(),
                config.seeds(), config.failureDetectionSeconds()));
    EventBusOptions bus = new EventBusOptions().setHost(config.host()).setPort(config.busPort());
    tls.ifPresent(t -> t.apply(bus));
    VertxOptions options = new VertxOptions().setEventBusOptions(bus);
    LOG.info("node {} security: TLS {}, API token {}, cluster secret {}", id,
        tls.isPresent() ? "on (HTTP and event bus, mutual TLS between nodes)" : "off",
        config.apiToken().isPresent() ? "required" : "off",
        secret.isPresent() ? "on" : "off");
    vertx = await(Vertx.builder().with(options).withClusterManager(cluster).buildClustered());
    registry = new NodeRegistry(cluster.getHazelcastInstance());
    LOG.info("node {} joined cluster {} in {} ms", id, config.clusterName(),
        (System.nanoTime() - t0) / 1_000_000);

    List<NodeId> participants = config.participants().stream().map(NodeId::of).toList();
    HashRouter router = new HashRouter(participants);
    Crasher crasher = crasher(config);
    EventBusTransport transport = new EventBusTransport(vertx, id, FaultInjector.NONE,
        secret.<RequestAuth>map(s -> s).orElse(RequestAuth.NONE));
    HttpSecurity http = new HttpSecurity(tls.orElse(null), config.apiToken().orElse(null));
    int httpPort;
    if (config.role() == NodeConfig.Role.PARTICIPANT) {
      ParticipantConfig pc =
          new ParticipantConfig(config.readyTimeoutMillis(), config.maxQueryBackoffMillis(),
              k -> router.ownerOf(k).equals(id), config.maxQueuedWork());
      participant = await(ParticipantNode.start(vertx, id, store, transport, pc,
          config.requestTimeoutMillis(), crasher));
      participantHttp = await(ParticipantHttp.start(vertx, participant, store, config.host(),
          config.httpPort(), http));
      httpPort = participantHttp.port();
    } else {
      CoordinatorConfig cc =
          new CoordinatorConfig(config.voteTimeoutMillis(), config.resendInitialMillis(),
              config.resendMaxMillis());
      Limits limits = new Limits(config.maxKeyBytes(), config.maxValueBytes(), config.maxKeysPerTx());
      coordinator = await(CoordinatorNode.start(vertx, id, store, transport, router, cc, limits,
          config.requestTimeoutMillis(), crasher));
      coordinator.liveNodes(registry::live);
      coordinator.httpsUrls(tls.isPresent());
      await(coordinator.recovered(config.recoveryWaitMillis()));
      await(coordinator.reachedParticipants(config.recoveryWaitMillis()));
      coordinatorHttp = await(HttpApi.start(vertx, coordinator,
          HttpApiOptions.of(config.host(), config.httpPort())
              .withMaxInFlight(config.maxInFlight())
              .withRetryAfter(Duration.ofMillis(config.retryAfterMillis()))
              .withSecurity(http)));
      httpPort = coordinatorHttp.port();
    }
    registry.register(new NodeInfo(id.value(), config.role().wireName(), config.host(), httpPort,
        registry.localMember()));
    runtime = new NodeRuntime(id.value(), config.role().wireName(), ProcessHandle.current().pid(),
        config.host(), httpPort, config.busPort(), config.hazelcastPort(), config.clusterName(),
        System.currentTimeMillis(), tls.isPresent());
    runtime.write(dataDir);
    LOG.info("node {} ({}) serving at {} after {} ms", id, config.role().wireName(),
        runtime.url(), (System.nanoTime() - t0) / 1_000_000);
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
    if (coordinator != null) {
      coordinator.close();
    }
    if (participant != null) {
      participant.close();
    }
    if (registry != null) {
      registry.close();
    }
    quietly(() -> {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    });
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
