package io.ringtx.dist.cluster;

import io.ringtx.dist.config.ConfigLoader;
import io.ringtx.dist.config.NodeConfig;
import io.ringtx.dist.local.LocalCluster;
import io.ringtx.dist.local.LocalClusterConfig;
import io.ringtx.dist.node.NodeRuntime;
import io.ringtx.protocol.rpc.VertxSetup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for {@code ringtx participant|coordinator} that honours the node contract the
 * cluster tooling programs against, so that the tooling is tested without Hazelcast or real
 * nodes: {@code <role> --config FILE [--kebab-key value…]}, loads the file with {@link
 * ConfigLoader}, holds its Hazelcast port, serves {@code GET /health} on its HTTP port, writes
 * {@code <dataDir>/node.json} once it serves, and removes it on SIGTERM.
 *
 * <p>Marker files in the data directory make it misbehave: {@code fail-on-start} (exits with
 * code 3 at once), {@code never-serve} (runs but never writes node.json), {@code ignore-sigterm}
 * (a SIGTERM does not end it), {@code stuck-leaving} (a participant that never finishes
 * {@code POST /v1/ring/leave}, with a hand-off in progress in {@code GET /v1/ring}). Without
 * it a participant answers {@code GET /v1/ring} with its status (MEMBER, then LEAVING for a
 * second after {@code POST /v1/ring/leave}, then LEFT, when the POST is answered). With
 * {@code -Dringtx.fake.api=local}, a coordinator also serves the real client API, from a {@link
 * LocalCluster} in its own JVM, for demo tests.
 */
public final class FakeNode {
  private static final long LEAVE_MILLIS = 1000;

  private FakeNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: FakeNode participant|coordinator --config FILE");
    }
    List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    Path file = null;
    int i = rest.indexOf("--config");
    if (i >= 0) {
      file = Path.of(rest.get(i + 1));
      rest.subList(i, i + 2).clear();
    }
    rest.addAll(List.of("--role", args[0]));
    NodeConfig config = ConfigLoader.load(file, Map.of(), rest);
    Path data = Path.of(config.dataDir());
    Files.createDirectories(data);
    if (Files.exists(data.resolve("fail-on-start"))) {
      System.err.println("fake " + config.nodeId() + ": failing on purpose (fail-on-start)");
      System.exit(3);
    }

    // Holds the Hazelcast port as a member would, so that port checks see it taken.
    ServerSocket hazelcast = new ServerSocket();
    hazelcast.setReuseAddress(true);
    hazelcast.bind(new InetSocketAddress(config.host(), config.hazelcastPort()));

    Vertx vertx = VertxSetup.vertx();
    LocalCluster api = null;
    int httpPort;
    if (config.role() == NodeConfig.Role.COORDINATOR
        && "local".equals(System.getProperty("ringtx.fake.api"))) {
      api = LocalCluster.start(new LocalClusterConfig(data.resolve("local"),
          config.participants().size(), config.host(), config.httpPort()));
      httpPort = config.httpPort();
    } else {
      boolean stuck = Files.exists(data.resolve("stuck-leaving"));
      AtomicReference<String> ring = new AtomicReference<>(stuck ? "LEAVING" : "MEMBER");
      HttpServer http = vertx.createHttpServer().requestHandler(req -> {
        if (req.path().equals("/health")) {
          req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}");
        } else if (stuck && req.path().equals("/v1/ring/leave")) {
          System.out.println("fake " + config.nodeId() + ": leaving, never done (stuck-leaving)");
        } else if (req.path().equals("/v1/ring/leave")) {
          // Hands over for a second, as a participant with a few keys does.
          ring.set("LEAVING");
          System.out.println("fake " + config.nodeId() + ": leaving");
          vertx.setTimer(LEAVE_MILLIS, t -> {
            ring.set("LEFT");
            req.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"LEFT\"}");
          });
        } else if (req.path().equals("/v1/ring")) {
          req.response().putHeader("Content-Type", "application/json").end("{\"status\":\""
              + ring.get() + "\",\"handoffs\":" + (stuck ? "[\"p1-x-7 (5, 9] -> p9\"]" : "[]")
              + "}");
        } else {
          req.response().setStatusCode(404).end();
        }
      });
      httpPort = http.listen(config.httpPort(), config.host())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
    }

    boolean ignoreSigterm = Files.exists(data.resolve("ignore-sigterm"));
    LocalCluster apiToClose = api;
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        if (ignoreSigterm) {
          System.out.println("fake " + config.nodeId() + ": ignoring SIGTERM");
          forever.await();
        }
        NodeRuntime.delete(data);
        if (apiToClose != null) {
          apiToClose.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hazelcast.close();
        System.out.println("fake " + config.nodeId() + ": stopped");
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, "fake-node-stop"));

    if (Files.exists(data.resolve("never-serve"))) {
      System.out.println("fake " + config.nodeId() + ": never serving (never-serve)");
    } else {
      new NodeRuntime(config.nodeId(), config.role().wireName(), ProcessHandle.current().pid(),
          config.host(), httpPort, 0, config.hazelcastPort(), config.clusterName(),
          System.currentTimeMillis(), false, 0).write(data);
      System.out.println("fake " + config.nodeId() + " (" + config.role().wireName()
          + ") serving at http://" + config.host() + ":" + httpPort);
    }
    forever.await();
  }
}
