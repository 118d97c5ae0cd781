package io.ringtx.dist.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ProcessCluster} for multi-process tests (STYLE §6), to be used in
 * try-with-resources: {@link #close} SIGKILLs every node process it started or finds running,
 * even when the test failed, and prints the end of every node's log into the test's output.
 *
 * <pre>{@code
 * try (ProcessClusterFixture cluster = ProcessClusterFixture.start(tmp, 3, 2)) {
 *   List<String> urls = cluster.urls();
 *   cluster.kill("p2");
 *   cluster.restart("p2");
 * }
 * }</pre>
 */
public final class ProcessClusterFixture implements AutoCloseable {
  private final ProcessCluster cluster;

  private ProcessClusterFixture(ProcessCluster cluster) {
    this.cluster = cluster;
  }

  /** Real nodes ({@code ringtx participant|coordinator}) in {@code dir}, started and serving. */
  public static ProcessClusterFixture start(Path dir, int participants, int coordinators)
      throws IOException, InterruptedException {
    return builder(dir).participants(participants).coordinators(coordinators).start();
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** The launcher of real nodes: the packaged jar under failsafe, else this JVM's class path. */
  public static NodeLauncher ringtxLauncher() {
    NodeLauncher launcher = NodeLauncher.ringtx();
    String jar = System.getProperty("ringtx.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      return launcher.withClassPath(jar);
    }
    return launcher;
  }

  /** The launcher of {@link FakeNode}s, on the test class path. */
  public static NodeLauncher fakeLauncher() {
    return NodeLauncher.onThisClassPath(FakeNode.class.getName());
  }

  /** What to start. */
  public static final class Builder {
    private final Path dir;
    private int participants = 3;
    private int coordinators = 1;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private NodeLauncher launcher;
    private Duration timeout = ProcessCluster.DEFAULT_START_TIMEOUT;

    private Builder(Path dir) {
      this.dir = dir;
    }

    public Builder participants(int n) {
      this.participants = n;
      return this;
    }

    public Builder coordinators(int m) {
      this.coordinators = m;
      return this;
    }

    /** A node setting for every node, e.g. {@code failureDetectionSeconds} = {@code 2}. */
    public Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /**
     * TLS, a bearer token and a cluster secret on every node, from a set that {@code ringtx
     * certs dev} wrote into {@code certs} ({@link io.ringtx.dist.certs.DevCerts}).
     */
    public Builder secure(Path certs) {
      Path d = certs.toAbsolutePath();
      settings.put("tlsCertFile", d.resolve("node.pem").toString());
      settings.put("tlsKeyFile", d.resolve("node-key.pem").toString());
      settings.put("tlsCaFile", d.resolve("ca.pem").toString());
      settings.put("apiTokenFile", d.resolve("api-token").toString());
      settings.put("clusterSecretFile", d.resolve("cluster-secret").toString());
      return this;
    }

    /** How nodes are started (default: {@link #ringtxLauncher()}). */
    public Builder launcher(NodeLauncher l) {
      this.launcher = l;
      return this;
    }

    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    /** Lays the cluster out (or opens the one in the directory) without starting it. */
    public ProcessClusterFixture create() throws IOException {
      NodeLauncher l = launcher != null ? launcher : ringtxLauncher();
      ProcessCluster c = ProcessCluster.isCluster(dir)
          ? ProcessCluster.open(dir, l, ProcessClusterFixture::log)
          : ProcessCluster.create(dir,
              ClusterSpec.of(participants, coordinators).withSettings(settings),
              PortAllocator.loopback(), l, ProcessClusterFixture::log);
      return new ProcessClusterFixture(c);
    }

    /** Lays out and starts the cluster, and waits until every node serves. */
    public ProcessClusterFixture start() throws IOException, InterruptedException {
      ProcessClusterFixture f = create();
      try {
        f.cluster.start(timeout);
        return f;
      } catch (IOException | InterruptedException | RuntimeException | Error e) {
        try {
          f.close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /** The cluster itself, for what this wrapper does not offer. */
  public ProcessCluster cluster() {
    return cluster;
  }

  public Path dir() {
    return cluster.dir().root();
  }

  /** The coordinators' client API URLs ({@code https://} when the cluster has TLS on). */
  public List<String> urls() {
    return cluster.urls();
  }

  /** Client options for this cluster: its CA and token when it has them ({@link Builder#secure}). */
  public io.ringtx.client.ClientOptions clientOptions() {
    return cluster.clientOptions(io.ringtx.client.ClientOptions.defaults());
  }

  /** Starts every node that is not running (after {@link #stop}) and waits until all serve. */
  public Duration start() throws IOException, InterruptedException {
    return cluster.start(ProcessCluster.DEFAULT_START_TIMEOUT);
  }

  /**
   * Gives one node settings of its own over the cluster's, from its next start on (an empty map:
   * the cluster's alone); see {@link ProcessCluster#configure}.
   */
  public void configure(String node, Map<String, String> settings) throws IOException {
    cluster.configure(node, settings);
  }

  /** SIGKILLs one node and waits until its process is gone; returns its pid. */
  public long kill(String node) throws IOException, InterruptedException {
    return cluster.kill(node);
  }

  /** Starts a node again (SIGKILLing it first if it still runs) and waits until it serves. */
  public Duration restart(String node) throws IOException, InterruptedException {
    return cluster.restart(node, true, ProcessCluster.DEFAULT_START_TIMEOUT);
  }

  /** As {@link #restart(String)}, waiting up to {@code timeout}. */
  public Duration restart(String node, Duration timeout) throws IOException, InterruptedException {
    return cluster.restart(node, true, timeout);
  }

  /** Stops every node (SIGTERM, then SIGKILL after the timeout); returns those killed. */
  public List<String> stop() throws IOException, InterruptedException {
    return cluster.stop(ProcessCluster.DEFAULT_STOP_TIMEOUT);
  }

  public ClusterStatus status() throws IOException, InterruptedException {
    return cluster.status();
  }

  /** The last lines of a node's log. */
  public List<String> logTail(String node, int lines) {
    return LogTail.last(cluster.dir().logFile(node), lines);
  }

  /** SIGKILLs everything, then prints the end of every node's log into the test's output. */
  @Override
  public void close() throws IOException {
    try {
      cluster.killAll();
    } catch (InterruptedException e) {
      // Every SIGKILL was sent before the wait that was interrupted.
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the nodes to die", e);
    } finally {
      for (String id : cluster.layout().ids()) {
        System.out.println("---- " + id + ": " + cluster.dir().logFile(id));
        logTail(id, 30).forEach(l -> System.out.println("  " + l));
      }
    }
  }

  private static void log(String line) {
    System.out.println("[cluster] " + line);
  }
}
