package io.ringtx.storage;

import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.lazy;
import static io.ringtx.storage.Records.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

/**
 * A failed write is reported to every caller of its batch and leaves nothing behind (DESIGN §3:
 * a participant whose PREPARED write fails must vote no, so it must learn of the failure).
 */
class RocksNodeStoreFailureTest {
  @TempDir Path dir;

  private final AtomicBoolean diskBroken = new AtomicBoolean();

  /** A disk that fails every write while {@link #diskBroken} is set. */
  private RocksNodeStore openWithFaultyDisk() {
    return RocksNodeStore.open(dir, StoreOptions.defaults(), real -> (options, batch) -> {
      if (diskBroken.get()) {
        throw new RocksDBException("injected: disk broken");
      }
      real.write(options, batch);
    });
  }

  @Test
  void write_whenRocksDbFails_failsEveryFutureOfTheBatch_andAppliesNothing() throws Exception {
    try (RocksNodeStore store = openWithFaultyDisk()) {
      store.write(commitPut("t0", "k", "before", 1)).get(5, TimeUnit.SECONDS);
      diskBroken.set(true);

      List<CompletableFuture<Long>> failed = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        failed.add(store.write(commitPut("t" + i, "k", "lost", 1 + i)));
      }

      for (CompletableFuture<Long> f : failed) {
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("injected: disk broken")
            .hasCauseInstanceOf(RocksDBException.class);
      }
      assertThat(store.read("k")).isEqualTo(new Versioned("before", 1));
      assertThat(store.lastVersion()).isEqualTo(1);
      assertThat(store.txState(Records.tx("t1"))).isEmpty();
    }
  }

  @Test
  void write_afterAFailedOne_succeeds_withoutReusingItsSeqs() throws Exception {
    try (RocksNodeStore store = openWithFaultyDisk()) {
      store.write(forced(prepared("t1"))).get(5, TimeUnit.SECONDS);
      diskBroken.set(true);
      CompletableFuture<Long> lost = store.write(forced(prepared("t2")));
      assertThatThrownBy(() -> lost.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      diskBroken.set(false);

      long seq = store.write(forced(prepared("t3"))).get(5, TimeUnit.SECONDS);

      assertThat(seq).isEqualTo(3);
      List<LogEntry> log = RocksNodeStoreLogTest.entries(store, 0);
      assertThat(log).extracting(LogEntry::seq).containsExactly(1L, 3L);
      assertThat(store.stats().syncs()).isEqualTo(3);
    }
    // Seqs recovered from meta on reopen are the last written ones.
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.write(lazy(prepared("t4"))).get(5, TimeUnit.SECONDS)).isEqualTo(4);
    }
  }

  @Test
  void write_ofAValueThatIsNotValidUnicode_failsOnlyThatSet() throws Exception {
    // An unpaired surrogate has no UTF-8 form: storing it would silently store '?' instead.
    WriteSet unencodable =
        WriteSet.forced(
            List.of(new Committed(Records.tx("bad"), 2, List.of(new KeyWrite("k", "\ud800")))),
            List.of(new DataWrite("k", "\ud800", 2)));
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      CompletableFuture<Long> before = store.write(forced(prepared("t1")));
      CompletableFuture<Long> bad = store.write(unencodable);
      CompletableFuture<Long> after = store.write(forced(prepared("t2")));

      assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo(2);
      assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("cannot encode")
          .hasMessageContaining("data key 'k'");
      assertThat(store.txState(Records.tx("bad"))).isEmpty();
      assertThat(store.read("k")).isEqualTo(Versioned.ABSENT);
      assertThat(store.lastVersion()).isZero();
    }
  }

  @Test
  void read_ofAKeyThatIsNotValidUnicode_isRefusedRatherThanReadingAnotherKey() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(commitPut("t1", "k?", "someone else's", 1)).get(5, TimeUnit.SECONDS);

      assertThatThrownBy(() -> store.read("k\ud800"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not valid Unicode");
    }
  }
}
