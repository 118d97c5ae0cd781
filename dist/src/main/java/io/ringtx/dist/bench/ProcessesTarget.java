package io.ringtx.dist.bench;

import io.ringtx.bench.engine.RingTxEngine;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.bench.target.BenchTarget;
import io.ringtx.bench.target.Cpu;
import io.ringtx.bench.target.NodeSample;
import io.ringtx.bench.target.PrometheusText;
import io.ringtx.client.ClientOptions;
import io.ringtx.dist.cluster.ClusterLayout;
import io.ringtx.dist.cluster.ProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A cluster of node processes ({@link ProcessCluster}, as {@code ringtx cluster start} runs it)
 * that the harness started and stops when closed. Store counters come from each node's {@code
 * GET /metrics}; CPU time from each node's process ({@link ProcessHandle}), so it is per node and
 * apart from the harness's own.
 */
public final class ProcessesTarget implements BenchTarget {
  private final ProcessCluster cluster;
  private final PrometheusText scraper;

  /**
   * A target over {@code cluster}, which serves already; with TLS and a token in its settings,
   * the harness trusts its CA and sends its token.
   */
  public ProcessesTarget(ProcessCluster cluster) {
    this.cluster = cluster;
    SSLContext ssl = null;
    Optional<Path> ca = cluster.layout().trustedCa();
    if (ca.isPresent()) {
      try {
        ssl = PrometheusText.trusting(ca.get());
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + ca.get(), e);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(ca.get() + ": not usable as a trust store: " + e, e);
      }
    }
    this.scraper = new PrometheusText(ssl, cluster.layout().apiToken().orElse(null));
  }

  @Override
  public TxEngine engine(
      int connections, int maxAttempts, UnaryOperator<ClientOptions> client) {
    return RingTxEngine.connect(urls(), connections, maxAttempts,
        cluster.clientOptions(client.apply(ClientOptions.defaults())));
  }

  @Override
  public String kind() {
    return "processes";
  }

  @Override
  public String description() {
    ClusterLayout l = cluster.layout();
    return "process cluster of " + count(l.participants().size(), "participant") + " and "
        + count(l.coordinators().size(), "coordinator") + " in " + cluster.dir().root();
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  @Override
  public List<String> urls() {
    return cluster.urls();
  }

  @Override
  public Map<String, NodeSample> nodeMetrics() {
    Map<String, ProcessHandle> running;
    try {
      running = cluster.running();
    } catch (IOException e) {
      running = Map.of();
    }
    Map<String, NodeSample> m = new LinkedHashMap<>();
    for (ClusterLayout.Node n : cluster.layout().nodes()) {
      NodeSample s = scraper.scrape(cluster.layout().url(n));
      ProcessHandle h = running.get(n.id());
      Long cpu = h == null ? null : Cpu.processNanos(h.pid());
      m.put(n.id(), cpu != null ? s.withCpuNanos(cpu) : s);
    }
    return m;
  }

  /** Stops every node (SIGTERM, then SIGKILL after {@link ProcessCluster#DEFAULT_STOP_TIMEOUT}). */
  @Override
  public void close() {
    try {
      cluster.stop(ProcessCluster.DEFAULT_STOP_TIMEOUT);
    } catch (IOException e) {
      throw new UncheckedIOException("stopping the cluster in " + cluster.dir().root(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the cluster", e);
    }
  }
}
