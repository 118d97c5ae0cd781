package io.ringtx.dist.bench;

import io.ringtx.bench.target.BenchTarget;
import io.ringtx.bench.target.NodeSample;
import io.ringtx.bench.target.PrometheusText;
import io.ringtx.dist.local.LocalCluster;
import io.ringtx.dist.local.LocalClusterConfig;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.storage.StoreStats;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link LocalCluster} in the harness's JVM: participants {@code p1..pN} and coordinator
 * {@code c1}, each with its RocksDB store; the event bus is local. Store counters are read from
 * the stores directly, the coordinator's phase timings from its metrics; the nodes' CPU is the
 * JVM's, so it is not given per node.
 */
public final class EmbeddedTarget implements BenchTarget {
  private final LocalCluster cluster;
  private final int participants;
  private final Path dir;
  private final PrometheusText scraper = new PrometheusText();

  private EmbeddedTarget(LocalCluster cluster, int participants, Path dir) {
    this.cluster = cluster;
    this.participants = participants;
    this.dir = dir;
  }

  /** Starts a cluster of {@code participants} participants with its data under {@code dir}. */
  public static EmbeddedTarget start(Path dir, int participants) throws Exception {
    LocalCluster c = LocalCluster.start(new LocalClusterConfig(dir, participants, "127.0.0.1", 0));
    return new EmbeddedTarget(c, participants, dir);
  }

  @Override
  public String kind() {
    return "embedded";
  }

  @Override
  public String description() {
    return "local cluster in the harness JVM: " + participants + " participants, 1 coordinator,"
        + " data in " + dir;
  }

  @Override
  public List<String> urls() {
    return List.of(cluster.url());
  }

  @Override
  public Map<String, NodeSample> nodeMetrics() {
    Map<String, NodeSample> m = new LinkedHashMap<>();
    for (int i = 1; i <= participants; i++) {
      m.put("p" + i, sample(cluster.store(NodeId.of("p" + i)).stats()));
    }
    // The coordinator's phase timings are in its metrics, on its HTTP API.
    NodeSample c1 = sample(cluster.store(NodeId.of("c1")).stats());
    m.put("c1", new NodeSample(c1.forcedWrites(), c1.syncs(), c1.lazyWrites(), null,
        scraper.scrape(cluster.url()).phases()));
    return m;
  }

  private static NodeSample sample(StoreStats s) {
    return new NodeSample(s.forcedWrites(), s.syncs(), s.lazyWrites(), null);
  }

  @Override
  public boolean nodesInThisJvm() {
    return true;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
