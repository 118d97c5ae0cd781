package io.ringtx.bench.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.storage.RocksNodeStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-distribution reference keeps RingTx's guarantees: serializable, one forced write. */
class RocksLocalEngineTest {
  @Test
  void concurrentIncrements_loseNoUpdate(@TempDir Path dir) throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      RocksLocalEngine engine = new RocksLocalEngine(store, 1);
      AtomicLong committed = new AtomicLong();
      AtomicLong conflicts = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < 100; i++) {
            Attempt a = engine.execute(tx -> {
              String v = tx.get("counter");
              tx.put("counter", Long.toString(v == null ? 1 : Long.parseLong(v) + 1));
            });
            if (a.committed()) {
              committed.incrementAndGet();
            } else {
              assertThat(a.reason()).isEqualTo("CONFLICT");
              conflicts.incrementAndGet();
            }
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      // Every committed increment is in the value: a lost update would leave it smaller.
      assertThat(Long.parseLong(store.read("counter").value())).isEqualTo(committed.get());
      assertThat(committed.get() + conflicts.get()).isEqualTo(400);
      // One forced write per committed transaction, none for aborted ones.
      assertThat(store.stats().forcedWrites()).isEqualTo(committed.get());
    }
  }

  @Test
  void readOnlyTransactions_writeNothing(@TempDir Path dir) {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      RocksLocalEngine engine = new RocksLocalEngine(store, 1);
      assertThat(engine.execute(tx -> tx.put("k", "v")).committed()).isTrue();
      Attempt a = engine.execute(tx -> assertThat(tx.get("k")).isEqualTo("v"));
      assertThat(a.committed()).isTrue();
      assertThat(store.stats().forcedWrites()).isEqualTo(1);
    }
  }

  @Test
  void retries_turnConflictsIntoCommits(@TempDir Path dir) throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      RocksLocalEngine engine = new RocksLocalEngine(store, 1_000);
      List<Thread> threads = new ArrayList<>();
      AtomicLong committed = new AtomicLong();
      for (int t = 0; t < 3; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < 30; i++) {
            if (engine.execute(tx -> {
              String v = tx.get("c");
              tx.put("c", Long.toString(v == null ? 1 : Long.parseLong(v) + 1));
            }).committed()) {
              committed.incrementAndGet();
            }
          }
        });
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      assertThat(committed.get()).isEqualTo(90);
      assertThat(store.read("c").value()).isEqualTo("90");
    }
  }
}
