package io.ringtx.bench.target;

import io.ringtx.bench.engine.RingTxEngine;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.client.ClientOptions;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The system a benchmark runs against: where its coordinators listen, how to read its nodes'
 * counters, and how to stop it. Implementations: {@link ClusterTarget} (an existing cluster, by
 * URL), {@link RocksLocalTarget} (one local store, no distribution), and in {@code dist} the
 * embedded {@code LocalCluster} and the {@code ringtx cluster} of processes.
 */
public interface BenchTarget extends AutoCloseable {
  /** What kind of target: {@code embedded}, {@code processes}, {@code cluster}, {@code rocksdb-local}. */
  String kind();

  /** A short description for the output, such as "3 participants, 1 coordinator". */
  String description();

  /** The coordinators' client API URLs; empty for a target that is not a cluster. */
  List<String> urls();

  /**
   * A snapshot of each node's counters, by node name: store forced writes and syncs where known,
   * CPU time where known. Never throws for an unreachable node: its sample is empty.
   */
  Map<String, NodeSample> nodeMetrics();

  /**
   * An engine that runs transactions on this target with {@code connections} connections per
   * coordinator and {@code maxAttempts} attempts per transaction; {@code client} applies the
   * harness's choices for the Java client (where it reads, how it batches commits) to the
   * target's own client options. By default the Java client over {@link #urls()}.
   */
  default TxEngine engine(
      int connections, int maxAttempts, UnaryOperator<ClientOptions> client) {
    return RingTxEngine.connect(urls(), connections, maxAttempts,
        client.apply(ClientOptions.defaults()));
  }

  /** Whether the nodes run in the harness's own JVM (its CPU time is then theirs too). */
  default boolean nodesInThisJvm() {
    return false;
  }

  /** Stops what the target started (nothing for an existing cluster). */
  @Override
  void close();
}
