package io.ringtx.storage;

import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes gathered for the end of an event loop's turn ({@link NodeStore#write(WriteSet,
 * java.util.concurrent.Executor)}): one batch on the caller's thread when that is safe and quick,
 * the writer thread otherwise, submission order either way. The "end of turn" here is a list of
 * tasks the test runs when it chooses.
 */
class EndOfTurnWriteTest {
  @TempDir Path dir;

  private final List<Runnable> turnEnd = new ArrayList<>();

  /** Runs the task(s) handed for the end of the turn, as the event loop would. */
  private void endTurn() {
    List<Runnable> tasks = new ArrayList<>(turnEnd);
    turnEnd.clear();
    tasks.forEach(Runnable::run);
  }

  @Test
  void writesOfOneTurn_areOneSyncedBatch_writtenOnTheCallersThreadAtTheTurnsEnd() throws Exception {
    List<String> writingThreads = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = RocksNodeStore.open(dir, StoreOptions.defaults(),
        real -> (options, batch) -> {
          writingThreads.add(Thread.currentThread().getName());
          real.write(options, batch);
        })) {
      List<CompletableFuture<Long>> futures = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        futures.add(store.write(forced(prepared("t" + i)), turnEnd::add));
      }
      // One task for the whole turn, and nothing written before it runs.
      assertThat(turnEnd).hasSize(1);
      assertThat(futures).noneMatch(CompletableFuture::isDone);
      assertThat(store.stats().syncs()).isZero();

      endTurn();

      // Written and completed within the task, on this thread, in submission order.
      assertThat(futures).allMatch(CompletableFuture::isDone);
      assertThat(futures).extracting(CompletableFuture::join).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(writingThreads).containsExactly(Thread.currentThread().getName());
      StoreStats stats = store.stats();
      assertThat(stats.forcedWrites()).isEqualTo(5);
      assertThat(stats.syncs()).isEqualTo(1);
      assertThat(stats.maxBatch()).isEqualTo(5);
    }
  }

  @Test
  void aQueuedWriteAfterGatheredOnes_takesThemAlongInFront() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      CompletableFuture<Long> first = store.write(commitPut("t1", "k", "one", 1), turnEnd::add);
      CompletableFuture<Long> second = store.write(commitPut("t2", "k", "two", 2), turnEnd::add);
      CompletableFuture<Long> queued = store.write(commitPut("t3", "k", "three", 3));

      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(store.read("k")).isEqualTo(new Versioned("three", 3));

      // The turn's end finds nothing left to write.
      long syncs = store.stats().syncs();
      endTurn();
      assertThat(store.stats().syncs()).isEqualTo(syncs);
    }
  }

  @Test
  void whileTheWriterThreadHasWritesInHand_turnEndWritesQueueBehindThem() throws Exception {
    CountDownLatch writerEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> writingThreads = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = RocksNodeStore.open(dir, StoreOptions.defaults(),
        real -> (options, batch) -> {
          writingThreads.add(Thread.currentThread().getName());
          if (Thread.currentThread().getName().startsWith("ringtx-store-writer")
              && writerEntered.getCount() > 0) {
            writerEntered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          real.write(options, batch);
        })) {
      CompletableFuture<Long> queued = store.write(commitPut("t1", "k", "queued", 1));
      assertThat(writerEntered.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Long> later = store.write(commitPut("t2", "k", "later", 2), turnEnd::add);
      endTurn();
      // Not written here: it would have overtaken the write the writer thread holds.
      assertThat(later).isNotDone();

      release.countDown();
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(store.read("k")).isEqualTo(new Versioned("later", 2));
      assertThat(writingThreads).allMatch(t -> t.startsWith("ringtx-store-writer"));
    }
  }

  /**
   * A store on the disk under test: its first sync takes longer than a turn-end write may; the
   * name of the thread of every RocksDB write goes to {@code writingThreads}.
   */
  private RocksNodeStore openWithOneSlowWrite(List<String> writingThreads) {
    AtomicBoolean slowDisk = new AtomicBoolean(true);
    return RocksNodeStore.open(dir, StoreOptions.defaults(), real -> (options, batch) -> {
      writingThreads.add(Thread.currentThread().getName());
      if (slowDisk.getAndSet(false)) {
        try {
          Thread.sleep(StoreWriter.SLOW_TURN_NANOS / 1_000_000 + 5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      real.write(options, batch);
    });
  }

  @Test
  void afterASlowTurnEndWrite_laterWritesGoToTheWriterThread() throws Exception {
    List<String> writingThreads = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = openWithOneSlowWrite(writingThreads)) {
      CompletableFuture<Long> slow = store.write(forced(prepared("t1")), turnEnd::add);
      endTurn();
      assertThat(slow).isCompletedWithValue(1L);

      CompletableFuture<Long> next = store.write(forced(prepared("t2")), turnEnd::add);
      endTurn();
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(2);

      String caller = Thread.currentThread().getName();
      assertThat(writingThreads).hasSize(2);
      assertThat(writingThreads.get(0)).isEqualTo(caller);
      assertThat(writingThreads.get(1)).startsWith("ringtx-store-writer");
    }
  }

  @Test
  void afterTheHoldOffOfOneSlowWrite_writesReturnToTheCallersThread() throws Exception {
    List<String> writingThreads = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = openWithOneSlowWrite(writingThreads)) {
      store.write(forced(prepared("t0")), turnEnd::add);
      endTurn();
      String caller = Thread.currentThread().getName();
      AtomicInteger n = new AtomicInteger();
      // One slow write sends writes to the writer thread for the shortest hold-off only.
      await().atMost(StoreWriter.QUEUED_AFTER_SLOW_MIN_NANOS * 10, TimeUnit.NANOSECONDS)
          .pollInterval(50, TimeUnit.MILLISECONDS)
          .pollInSameThread()
          .until(() -> {
            CompletableFuture<Long> w =
                store.write(forced(prepared("t" + n.incrementAndGet())), turnEnd::add);
            endTurn();
            w.get(10, TimeUnit.SECONDS);
            return writingThreads.get(writingThreads.size() - 1).equals(caller);
          });
      assertThat(writingThreads.get(1)).startsWith("ringtx-store-writer");
    }
  }

  @Test
  void aLoneBackgroundForcedWrite_isReadableAtOnce_andCompletesOnlyOnceTheWriterThreadSynced()
      throws Exception {
    CountDownLatch syncMayRun = new CountDownLatch(1);
    List<String> synced = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = RocksNodeStore.open(dir, StoreOptions.defaults(),
        real -> (options, batch) -> {
          if (options.sync()) {
            synced.add(Thread.currentThread().getName() + " " + batch.count());
            try {
              syncMayRun.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
          real.write(options, batch);
        })) {
      CompletableFuture<Long> commit =
          store.write(Records.commitPutInBackground("t1", "k", "v", 1), turnEnd::add);

      endTurn();

      // Applied on this thread without an fsync, so readable; forced by the writer thread.
      assertThat(store.read("k")).isEqualTo(new Versioned("v", 1));
      await().atMost(10, TimeUnit.SECONDS).until(() -> !synced.isEmpty());
      assertThat(synced).containsExactly("ringtx-store-writer-" + dir.toAbsolutePath() + " 0");
      assertThat(commit).isNotDone();
      // Meanwhile this thread's next turns are still written here, not held up.
      CompletableFuture<Long> aborted =
          store.write(Records.lazy(Records.aborted("t2")), turnEnd::add);
      endTurn();
      assertThat(aborted).isCompletedWithValue(2L);

      syncMayRun.countDown();

      assertThat(commit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      StoreStats stats = store.stats();
      assertThat(stats.forcedWrites()).isEqualTo(1);
      assertThat(stats.syncs()).isEqualTo(1);
    }
  }

  /** A store with default options that notes each RocksDB write as "thread sync=…". */
  private RocksNodeStore openNotingWrites(List<String> writes) {
    return RocksNodeStore.open(dir, StoreOptions.defaults(), real -> (options, batch) -> {
      writes.add(Thread.currentThread().getName() + " sync=" + options.sync());
      real.write(options, batch);
    });
  }

  @Test
  void aBackgroundForcedWriteGatheredWithAForcedOne_isSyncedWithItOnTheCallersThread()
      throws Exception {
    List<String> writes = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = openNotingWrites(writes)) {
      CompletableFuture<Long> first =
          store.write(Records.commitPutInBackground("t1", "k1", "v", 1), turnEnd::add);
      CompletableFuture<Long> second = store.write(forced(prepared("t2")), turnEnd::add);

      endTurn();

      assertThat(first).isCompletedWithValue(1L);
      assertThat(second).isCompletedWithValue(2L);
      assertThat(writes).containsExactly(Thread.currentThread().getName() + " sync=true");
    }
  }

  /**
   * A store whose writer thread's fsyncs wait for {@code writerMaySync}; every RocksDB write is
   * noted in {@code writes} as "caller|writer sync=…", and background-forced sets wait up to 100
   * ms for a later forced batch.
   */
  private RocksNodeStore openHoldingWriterSyncs(List<String> writes, CountDownLatch writerMaySync) {
    String caller = Thread.currentThread().getName();
    return RocksNodeStore.open(dir,
        StoreOptions.defaults().withBackgroundSyncMicros(StoreOptions.MAX_BACKGROUND_SYNC_MICROS),
        real -> (options, batch) -> {
          boolean onCaller = Thread.currentThread().getName().equals(caller);
          writes.add((onCaller ? "caller" : "writer") + " sync=" + options.sync());
          if (!onCaller && options.sync()) {
            try {
              writerMaySync.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
          real.write(options, batch);
        });
  }

  @Test
  void backgroundForcedWrites_areWrittenWithoutAnFsync_andCompleteWithTheNextForcedBatch()
      throws Exception {
    List<String> writes = new CopyOnWriteArrayList<>();
    CountDownLatch writerMaySync = new CountDownLatch(1);
    try (RocksNodeStore store = openHoldingWriterSyncs(writes, writerMaySync)) {
      CompletableFuture<Long> first =
          store.write(Records.commitPutInBackground("t1", "k1", "v", 1), turnEnd::add);
      CompletableFuture<Long> second =
          store.write(Records.commitPutInBackground("t2", "k2", "v", 2), turnEnd::add);
      endTurn();

      assertThat(store.read("k2")).isEqualTo(new Versioned("v", 2));
      assertThat(writes).containsExactly("caller sync=false");
      assertThat(first).isNotDone();
      assertThat(second).isNotDone();

      CompletableFuture<Long> prepare = store.write(forced(prepared("t3")), turnEnd::add);
      endTurn();

      // Covered by the forced batch, while any fsync of the writer thread's own is held back.
      assertThat(prepare).isCompletedWithValue(3L);
      assertThat(first).isCompletedWithValue(1L);
      assertThat(second).isCompletedWithValue(2L);
      assertThat(writes.subList(0, 2)).containsExactly("caller sync=false", "caller sync=true");
      assertThat(store.stats().syncs()).isEqualTo(1);
      assertThat(store.stats().maxBatch()).as("one fsync for the three sets").isEqualTo(3);
      writerMaySync.countDown();
    }
  }

  @Test
  void aSyncBarrier_writesNothing_andCompletesOnceEverythingBeforeItIsDurable() throws Exception {
    List<String> writes = new CopyOnWriteArrayList<>();
    CountDownLatch writerMaySync = new CountDownLatch(1);
    try (RocksNodeStore store = openHoldingWriterSyncs(writes, writerMaySync)) {
      CompletableFuture<Long> lazy = store.write(Records.lazy(Records.aborted("t1")), turnEnd::add);
      endTurn();
      assertThat(lazy).isCompletedWithValue(1L);

      CompletableFuture<Long> barrier = store.write(WriteSet.syncBarrier(), turnEnd::add);
      endTurn();

      assertThat(writes).containsExactly("caller sync=false");
      assertThat(barrier).as("the lazy write before it is not durable yet").isNotDone();

      store.write(forced(prepared("t2")), turnEnd::add);
      endTurn();
      assertThat(barrier).isCompletedWithValue(1L);

      // Everything written is durable now: a barrier completes at once, writing nothing.
      CompletableFuture<Long> next = store.write(WriteSet.syncBarrier(), turnEnd::add);
      endTurn();
      assertThat(next).isCompletedWithValue(2L);
      assertThat(writes.subList(0, 2)).containsExactly("caller sync=false", "caller sync=true");
      assertThat(writes.stream().filter(w -> w.startsWith("caller"))).hasSize(2);
      writerMaySync.countDown();
    }
  }

  @Test
  void withNoForcedWriteToCoverIt_theWriterThreadForcesABackgroundWrite() throws Exception {
    List<String> writes = new CopyOnWriteArrayList<>();
    try (RocksNodeStore store = openNotingWrites(writes)) {
      CompletableFuture<Long> commit =
          store.write(Records.commitPutInBackground("t1", "k", "v", 1), turnEnd::add);
      endTurn();

      assertThat(commit.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(writes).containsExactly(
          Thread.currentThread().getName() + " sync=false",
          "ringtx-store-writer-" + dir.toAbsolutePath() + " sync=true");
    }
  }

  @Test
  void aBackgroundSyncDelayOutsideItsBounds_isRefused() {
    StoreOptions options = StoreOptions.defaults();
    assertThatThrownBy(() -> options.withBackgroundSyncMicros(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backgroundSyncMicros");
    assertThatThrownBy(() -> options.withBackgroundSyncMicros(
        StoreOptions.MAX_BACKGROUND_SYNC_MICROS + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-100000");
    assertThat(options.withBackgroundSyncMicros(0).backgroundSyncMicros()).isZero();
  }

  @Test
  void closingTheStore_forcesTheBackgroundWritesWaitingForAnFsync() throws Exception {
    List<String> writes = new CopyOnWriteArrayList<>();
    CountDownLatch writerMaySync = new CountDownLatch(0);
    RocksNodeStore store = openHoldingWriterSyncs(writes, writerMaySync);
    CompletableFuture<Long> commit =
        store.write(Records.commitPutInBackground("t1", "k", "v", 1), turnEnd::add);
    endTurn();

    store.close();

    assertThat(commit).isCompletedWithValue(1L);
    assertThat(writes).containsExactly("caller sync=false", "writer sync=true");
  }

  @Test
  void whenTheBackgroundFsyncFails_theWriteFails_andTheNextOnesStillRun() throws Exception {
    AtomicBoolean failSyncs = new AtomicBoolean(true);
    try (RocksNodeStore store = RocksNodeStore.open(dir, StoreOptions.defaults(),
        real -> (options, batch) -> {
          if (options.sync() && failSyncs.get()) {
            throw new org.rocksdb.RocksDBException("disk gone");
          }
          real.write(options, batch);
        })) {
      CompletableFuture<Long> commit =
          store.write(Records.commitPutInBackground("t1", "k", "v", 1), turnEnd::add);
      endTurn();

      assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(StorageException.class).hasMessageContaining("disk gone");
      failSyncs.set(false);
      CompletableFuture<Long> next = store.write(forced(prepared("t2")), turnEnd::add);
      endTurn();
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }
  }

  @Test
  void writesGatheredWhenTheStoreCloses_failAsClosed() {
    RocksNodeStore store = RocksNodeStore.open(dir);
    CompletableFuture<Long> gathered = store.write(forced(prepared("t1")), turnEnd::add);
    store.close();

    endTurn();

    assertThatThrownBy(() -> gathered.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("store closed");
    assertThatThrownBy(() -> store.write(forced(prepared("t2")), turnEnd::add).join())
        .cause().isInstanceOf(IllegalStateException.class);
    assertThat(turnEnd).isEmpty();
  }
}
