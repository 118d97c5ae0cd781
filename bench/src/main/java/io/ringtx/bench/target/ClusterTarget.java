package io.ringtx.bench.target;

import io.ringtx.bench.engine.RingTxEngine;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.client.ClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A cluster that runs already, given by its coordinators' URLs: the harness starts and stops
 * nothing. Node counters come from {@code /metrics} of every coordinator and of the extra
 * metrics URLs (participants serve their store counters there); CPU only if a node exports
 * {@code process_cpu_seconds_total}.
 */
public final class ClusterTarget implements BenchTarget {
  private final List<String> urls;
  private final List<String> metricsUrls;
  private final PrometheusText scraper;
  private final ClientOptions clientOptions;

  /**
   * @param urls the coordinators' client API URLs
   * @param extraMetricsUrls base URLs of other nodes to scrape, such as the participants
   */
  public ClusterTarget(List<String> urls, List<String> extraMetricsUrls) {
    this(urls, extraMetricsUrls, ClientOptions.defaults(), new PrometheusText());
  }

  /**
   * A cluster with TLS and/or a bearer token: {@code clientOptions} carry the trusted CA and the
   * token for the transactions, {@code scraper} the same for {@code /metrics}.
   */
  public ClusterTarget(List<String> urls, List<String> extraMetricsUrls,
      ClientOptions clientOptions, PrometheusText scraper) {
    this.clientOptions = clientOptions;
    this.scraper = scraper;
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("a cluster target needs at least one coordinator URL");
    }
    this.urls = List.copyOf(urls);
    List<String> all = new ArrayList<>(urls);
    extraMetricsUrls.stream().filter(u -> !all.contains(u)).forEach(all::add);
    this.metricsUrls = List.copyOf(all);
  }

  @Override
  public String kind() {
    return "cluster";
  }

  @Override
  public String description() {
    return "existing cluster at " + String.join(",", urls);
  }

  @Override
  public List<String> urls() {
    return urls;
  }

  @Override
  public Map<String, NodeSample> nodeMetrics() {
    Map<String, NodeSample> m = new LinkedHashMap<>();
    for (String u : metricsUrls) {
      m.put(u, scraper.scrape(u));
    }
    return m;
  }

  @Override
  public TxEngine engine(
      int connections, int maxAttempts, UnaryOperator<ClientOptions> client) {
    return RingTxEngine.connect(urls, connections, maxAttempts, client.apply(clientOptions));
  }

  @Override
  public void close() {
    // Not ours to stop.
  }
}
