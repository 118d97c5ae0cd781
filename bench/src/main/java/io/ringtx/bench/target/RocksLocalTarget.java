package io.ringtx.bench.target;

import io.ringtx.bench.engine.RocksLocalEngine;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.client.ClientOptions;
import io.ringtx.storage.RocksNodeStore;
import io.ringtx.storage.StoreStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One RocksDB store in this JVM ({@link RocksNodeStore}, the store RingTx's nodes use, with its
 * group commit), run through {@link RocksLocalEngine}: the no-distribution reference.
 */
public final class RocksLocalTarget implements BenchTarget {
  private final RocksNodeStore store;

  private RocksLocalTarget(RocksNodeStore store) {
    this.store = store;
  }

  /** Opens (or creates) the store in {@code dir}. */
  public static RocksLocalTarget open(Path dir) {
    return new RocksLocalTarget(RocksNodeStore.open(dir));
  }

  @Override
  public String kind() {
    return "rocksdb-local";
  }

  @Override
  public String description() {
    return "one local RocksDB at " + store.directory() + ", no-wait locks, one forced write per"
        + " transaction";
  }

  @Override
  public List<String> urls() {
    return List.of();
  }

  @Override
  public Map<String, NodeSample> nodeMetrics() {
    StoreStats s = store.stats();
    return Map.of("local", new NodeSample(s.forcedWrites(), s.syncs(), s.lazyWrites(),
        Cpu.thisProcessNanos()));
  }

  @Override
  public TxEngine engine(
      int connections, int maxAttempts, UnaryOperator<ClientOptions> client) {
    return new RocksLocalEngine(store, maxAttempts);
  }

  @Override
  public boolean nodesInThisJvm() {
    return true;
  }

  @Override
  public void close() {
    store.close();
  }
}
