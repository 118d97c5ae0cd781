package io.ringtx.storage;

import static io.ringtx.storage.Records.aborted;
import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.data;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.lazy;
import static io.ringtx.storage.Records.prepared;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer thread merges queued writes into one synced RocksDB write (group commit). */
class GroupCommitTest {
  @TempDir Path dir;

  @Test
  void forcedWrites_queuedTogether_shareFsyncs() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      // Submitted from one thread without waiting: they queue up while the writer syncs.
      List<CompletableFuture<Long>> futures = new ArrayList<>();
      for (int i = 1; i <= 200; i++) {
        futures.add(store.write(commitPut("t" + i, "k" + i, "v" + i, i)));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

      // Queue order is seq order.
      assertThat(futures).extracting(CompletableFuture::join)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
      StoreStats stats = store.stats();
      assertThat(stats.forcedWrites()).isEqualTo(200);
      assertThat(stats.syncs()).isPositive().isLessThan(stats.forcedWrites());
      assertThat(stats.maxBatch()).isGreaterThan(1);
      assertThat(stats.lazyWrites()).isZero();
      assertThat(store.read("k200")).isEqualTo(new Versioned("v200", 200));
    }
  }

  @Test
  void forcedWrites_fromManyThreads_allCompleteWithDistinctConsecutiveSeqs() throws Exception {
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          List<CompletableFuture<Long>> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            mine.add(store.write(forced(prepared("t" + thread + "-" + i))));
          }
          return mine.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> r : results) {
        List<Long> seqs = r.get(20, TimeUnit.SECONDS);
        // One caller's writes keep its submission order.
        assertThat(seqs).isSorted();
        all.addAll(seqs);
      }

      assertThat(all).containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, threads * perThread).boxed().toList());
      assertThat(store.stats().forcedWrites()).isEqualTo(threads * perThread);
      assertThat(store.stats().syncs()).isBetween(1L, (long) threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lazyAndForcedWrites_keepQueueOrder() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      CompletableFuture<Long> a = store.write(data(false, new DataWrite("k", "1", 1)));
      CompletableFuture<Long> b = store.write(data(true, new DataWrite("k", "2", 2)));
      CompletableFuture<Long> c = store.write(data(false, new DataWrite("k", "3", 3)));
      CompletableFuture<Long> d = store.write(lazy(aborted("t1")));
      CompletableFuture<Long> e = store.write(forced(aborted("t2")));
      CompletableFuture.allOf(a, b, c, d, e).get(5, TimeUnit.SECONDS);

      assertThat(store.read("k")).isEqualTo(new Versioned("3", 3));
      assertThat(d.join()).isEqualTo(1);
      assertThat(e.join()).isEqualTo(2);
      assertThat(store.stats().forcedWrites()).isEqualTo(2);
      assertThat(store.stats().lazyWrites()).isEqualTo(3);
    }
  }

  @Test
  void lazyWrites_alone_neverSync() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      for (int i = 1; i <= 20; i++) {
        store.write(lazy(aborted("t" + i))).get(5, TimeUnit.SECONDS);
      }

      assertThat(store.stats()).isEqualTo(new StoreStats(0, 0, 20, 0));
    }
  }

  @Test
  void batches_areBoundedByMaxBatchSets() throws Exception {
    try (RocksNodeStore store =
        RocksNodeStore.open(dir, StoreOptions.defaults().withMaxBatchSets(10))) {
      List<CompletableFuture<Long>> futures = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        futures.add(store.write(forced(prepared("t" + i))));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

      assertThat(store.stats().maxBatch()).isLessThanOrEqualTo(10);
      assertThat(store.stats().syncs()).isGreaterThanOrEqualTo(10);
    }
  }
}
