package io.ringtx.storage;

import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data column family: values, versions and deletes (DESIGN §2). */
class RocksNodeStoreDataTest {
  @TempDir Path dir;

  @Test
  void read_afterWrite_returnsValueAndVersion() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(commitPut("t1", "acct/alice", "100 ✓ naïve", 7)).get(5, TimeUnit.SECONDS);

      assertThat(store.read("acct/alice")).isEqualTo(new Versioned("100 ✓ naïve", 7));
    }
  }

  @Test
  void read_ofAKeyNeverWritten_isAbsentWithVersionZero() {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.read("nobody")).isEqualTo(Versioned.ABSENT);
      assertThat(store.read("nobody").version()).isZero();
    }
  }

  @Test
  void read_ofAnEmptyValue_isPresent() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(data(true, new DataWrite("k", "", 3))).get(5, TimeUnit.SECONDS);

      assertThat(store.read("k")).isEqualTo(new Versioned("", 3));
      assertThat(store.read("k").present()).isTrue();
    }
  }

  @Test
  void delete_makesTheKeyAbsentWithVersionZero() throws Exception {
    // DESIGN §2: an absent key has version 0, so reading "absent" can be validated too.
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(data(true, new DataWrite("k", "v", 4))).get(5, TimeUnit.SECONDS);

      store.write(data(true, new DataWrite("k", null, 5))).get(5, TimeUnit.SECONDS);

      assertThat(store.read("k")).isEqualTo(Versioned.ABSENT);
      assertThat(store.lastVersion()).isEqualTo(5);
    }
  }

  @Test
  void read_whenTheFutureCompletes_alreadySeesTheWrite() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      Versioned seen =
          store
              .write(commitPut("t1", "k", "v", 1))
              .thenApply(seq -> store.read("k"))
              .get(5, TimeUnit.SECONDS);

      assertThat(seen).isEqualTo(new Versioned("v", 1));
    }
  }

  @Test
  void lastVersion_isTheHighestVersionEverWritten_notTheLatest() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.lastVersion()).isZero();
      store.write(data(true, new DataWrite("a", "1", 9), new DataWrite("b", "2", 4)))
          .get(5, TimeUnit.SECONDS);
      store.write(data(false, new DataWrite("c", "3", 6))).get(5, TimeUnit.SECONDS);

      assertThat(store.lastVersion()).isEqualTo(9);
    }
  }

  @Test
  void dataAndLastVersion_surviveReopen() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(commitPut("t1", "k", "v1", 11)).get(5, TimeUnit.SECONDS);
      store.write(data(true, new DataWrite("gone", "x", 12))).get(5, TimeUnit.SECONDS);
      store.write(data(true, new DataWrite("gone", null, 13))).get(5, TimeUnit.SECONDS);
    }

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.lastVersion()).isEqualTo(13);
      assertThat(store.read("k")).isEqualTo(new Versioned("v1", 11));
      assertThat(store.read("gone")).isEqualTo(Versioned.ABSENT);
    }
  }

  @Test
  void lazyWrites_surviveACleanClose() throws Exception {
    // close() syncs the WAL: a clean shutdown loses nothing, even unforced writes.
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(data(false, new DataWrite("k", "lazy", 2))).get(5, TimeUnit.SECONDS);
    }

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.read("k")).isEqualTo(new Versioned("lazy", 2));
      assertThat(store.lastVersion()).isEqualTo(2);
    }
  }
}
