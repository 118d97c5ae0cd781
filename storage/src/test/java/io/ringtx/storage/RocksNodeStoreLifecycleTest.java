package io.ringtx.storage;

import static io.ringtx.storage.Records.aborted;
import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.lazy;
import static io.ringtx.storage.Records.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.step.Versioned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, locking and closing a store. */
class RocksNodeStoreLifecycleTest {
  @TempDir Path dir;

  @Test
  void open_createsAMissingDirectory() {
    Path nested = dir.resolve("a/b/node-1");

    try (RocksNodeStore store = RocksNodeStore.open(nested)) {
      assertThat(store.directory()).isEqualTo(nested.toAbsolutePath());
      assertThat(store.lastVersion()).isZero();
    }
    assertThat(nested.resolve("CURRENT")).exists();
  }

  @Test
  void write_afterClose_failsWithStoreClosed() {
    RocksNodeStore store = RocksNodeStore.open(dir);
    store.close();

    CompletableFuture<Long> late = store.write(forced(prepared("t1")));

    assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store closed");
  }

  @Test
  void read_afterClose_failsWithStoreClosed() {
    RocksNodeStore store = RocksNodeStore.open(dir);
    store.close();

    assertThatThrownBy(() -> store.read("k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store closed");
    assertThatThrownBy(() -> store.forEachLogEntry(0, e -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_isIdempotent() {
    RocksNodeStore store = RocksNodeStore.open(dir);
    store.close();
    store.close();
  }

  @Test
  void close_writesEverythingQueuedBeforeIt() throws Exception {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      for (int i = 1; i <= 300; i++) {
        futures.add(store.write(i % 2 == 0 ? forced(prepared("t" + i)) : lazy(aborted("t" + i))));
      }
    }

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(futures.get(299).get()).isEqualTo(300);
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(RocksNodeStoreLogTest.seqs(store, 1)).hasSize(300);
    }
  }

  @Test
  void open_ofADirectoryAlreadyOpen_failsNamingIt_andLeavesTheFirstStoreWorking()
      throws Exception {
    try (RocksNodeStore first = RocksNodeStore.open(dir)) {
      assertThatThrownBy(() -> RocksNodeStore.open(dir))
          .isInstanceOf(StoreLockedException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining("already in use");

      first.write(commitPut("t1", "k", "v", 1)).get(5, TimeUnit.SECONDS);
      assertThat(first.read("k")).isEqualTo(new Versioned("v", 1));
    }
    // And once the first is closed, the directory opens again.
    try (RocksNodeStore again = RocksNodeStore.open(dir)) {
      assertThat(again.read("k")).isEqualTo(new Versioned("v", 1));
    }
  }

  @Test
  void open_ofAPathThatIsAFile_failsNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    assertThatThrownBy(() -> RocksNodeStore.open(file))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void close_fromInsideACallback_isRefusedInsteadOfDeadlocking() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(forced(prepared("t1"))).get(5, TimeUnit.SECONDS);

      assertThatThrownBy(() -> store.forEachLogEntry(0, e -> store.close()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("deadlock");
      assertThat(store.txState(Records.tx("t1"))).isPresent();
    }
  }

  @Test
  void close_fromAWriteCallback_isRefusedInsteadOfDeadlocking() throws Exception {
    // Hold the writer inside its RocksDB write until the callback is attached, so that the
    // callback surely runs on the writer thread.
    CountDownLatch callbackAttached = new CountDownLatch(1);
    UnaryOperator<StoreWriter.BatchWrite> holdFirstWrite = real -> (options, batch) -> {
      await(callbackAttached);
      real.write(options, batch);
    };
    try (RocksNodeStore store =
        RocksNodeStore.open(dir, StoreOptions.defaults(), holdFirstWrite)) {
      CompletableFuture<Void> closing =
          store.write(forced(prepared("t1"))).thenRun(store::close);
      callbackAttached.countDown();

      assertThatThrownBy(() -> closing.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("deadlock");
      assertThat(store.write(forced(prepared("t2"))).get(5, TimeUnit.SECONDS)).isEqualTo(2);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test latch not released in 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void close_whileWriteCallbacksStillRead_completesThemAll() throws Exception {
    List<CompletableFuture<Versioned>> reads = new ArrayList<>();
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      for (int i = 1; i <= 200; i++) {
        String key = "k" + i;
        reads.add(store.write(commitPut("t" + i, key, "v", i)).thenApply(s -> store.read(key)));
      }
    }

    assertThat(reads).allSatisfy(r -> assertThat(r.get(5, TimeUnit.SECONDS).present()).isTrue());
  }
}
