package io.ringtx.storage;

import static io.ringtx.storage.Records.commitPut;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.step.Versioned;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store reuses WAL files instead of deleting them; reused files hold older records past
 * their new end, and reopening must replay exactly the new ones.
 */
class WalRecyclingTest {
  private static final int KEYS = 50;
  private static final int WRITES = 4_000;

  @TempDir Path dir;

  @Test
  void afterManyWalFilesWereReused_reopeningFindsEveryLastValueAndRecord() throws Exception {
    // 64 KiB memtables: the WAL moves to a new (reused) file every few hundred writes.
    StoreOptions small = StoreOptions.defaults().withWriteBufferBytes(64 * 1024);
    String padding = "x".repeat(200);
    try (RocksNodeStore store = RocksNodeStore.open(dir, small)) {
      CompletableFuture<Long> last = null;
      for (int i = 1; i <= WRITES; i++) {
        last = store.write(commitPut("t" + i, "k" + (i % KEYS), padding + i, i));
        if (i % 100 == 0) {
          last.get(10, TimeUnit.SECONDS);
        }
      }
      last.get(10, TimeUnit.SECONDS);
    }
    assertThat(walFiles()).as("WAL files left for reuse").isGreaterThan(1);

    try (RocksNodeStore store = RocksNodeStore.open(dir, small)) {
      for (int k = 0; k < KEYS; k++) {
        int lastWrite = WRITES - ((WRITES - k) % KEYS);
        assertThat(store.read("k" + k)).isEqualTo(new Versioned(padding + lastWrite, lastWrite));
      }
      assertThat(store.lastVersion()).isEqualTo(WRITES);
      assertThat(RocksNodeStoreLogTest.entries(store, 0)).hasSize(WRITES);
      assertThat(store.write(commitPut("after", "k0", "new", WRITES + 1)).get(10, TimeUnit.SECONDS))
          .isEqualTo(WRITES + 1);
    }
  }

  @Test
  void onEveryOpen_theStoreSetsUpTwoWalFilesOfAMemtableEach_beforeItsFirstWrite()
      throws Exception {
    long memtable = 1024 * 1024;
    StoreOptions options = StoreOptions.defaults().withWriteBufferBytes(memtable);
    try (RocksNodeStore store = RocksNodeStore.open(dir, options)) {
      // The one being written (a reused file) and the next one to reuse.
      assertThat(walFileSizes()).as("WAL file sizes of a fresh store")
          .filteredOn(size -> size >= memtable).hasSizeGreaterThanOrEqualTo(2);
      store.write(commitPut("t1", "k", "v", 1)).get(10, TimeUnit.SECONDS);
    }
    try (RocksNodeStore store = RocksNodeStore.open(dir, options)) {
      assertThat(walFileSizes()).as("WAL file sizes after reopening")
          .filteredOn(size -> size >= memtable).hasSizeGreaterThanOrEqualTo(2);
      assertThat(store.read("k")).isEqualTo(new Versioned("v", 1));
      assertThat(RocksNodeStoreLogTest.entries(store, 0)).hasSize(1);
    }
  }

  private long walFiles() throws Exception {
    return walFileSizes().size();
  }

  private List<Long> walFileSizes() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log"))
          .map(p -> p.toFile().length()).toList();
    }
  }
}
