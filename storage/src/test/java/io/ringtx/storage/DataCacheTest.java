package io.ringtx.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed values a store keeps in front of RocksDB: never older than RocksDB's. */
class DataCacheTest {
  @TempDir Path dir;

  private final DataCache cache = new DataCache();
  private final AtomicInteger loads = new AtomicInteger();

  private Versioned load(Versioned stored) {
    loads.incrementAndGet();
    return stored;
  }

  @Test
  void read_loadsOnce_thenAnswersFromTheCache() {
    Versioned v = new Versioned("100", 3);
    assertThat(cache.read("a", () -> load(v))).isEqualTo(v);
    assertThat(cache.read("a", () -> load(Versioned.ABSENT))).isEqualTo(v);
    assertThat(loads).hasValue(1);
  }

  @Test
  void applied_replacesTheCachedValue_andADeleteLeavesTheKeyAbsent() {
    cache.read("a", () -> load(new Versioned("100", 3)));
    cache.applied(List.of(new DataWrite("a", "90", 4), new DataWrite("b", "110", 4)));
    assertThat(cache.read("a", () -> load(Versioned.ABSENT))).isEqualTo(new Versioned("90", 4));
    assertThat(cache.read("b", () -> load(Versioned.ABSENT))).isEqualTo(new Versioned("110", 4));

    cache.applied(List.of(new DataWrite("a", null, 5)));
    assertThat(cache.read("a", () -> load(new Versioned("90", 4)))).isEqualTo(Versioned.ABSENT);
    assertThat(loads).hasValue(1);
  }

  @Test
  void aLoadThatRacedAWrite_isReturnedButNotKept() {
    // The write lands while RocksDB is being read: the load saw the value before it.
    Versioned stale = cache.read("a", () -> {
      cache.applied(List.of(new DataWrite("other", "1", 7)));
      return load(new Versioned("100", 3));
    });
    assertThat(stale).isEqualTo(new Versioned("100", 3));
    assertThat(cache.size()).isEqualTo(1); // only "other"

    assertThat(cache.read("a", () -> load(new Versioned("90", 8)))).isEqualTo(
        new Versioned("90", 8));
    assertThat(loads).hasValue(2);
  }

  @Test
  void aLoadThatRacedAWriteOfTheSameKey_neverReplacesTheWrittenValue() {
    cache.read("a", () -> {
      cache.applied(List.of(new DataWrite("a", "90", 4)));
      return load(new Versioned("100", 3));
    });
    assertThat(cache.read("a", () -> load(Versioned.ABSENT))).isEqualTo(new Versioned("90", 4));
  }

  @Test
  void forget_dropsTheKeys_soTheNextReadGoesToTheStore() {
    cache.applied(List.of(new DataWrite("a", "90", 4)));
    cache.forget(List.of(new DataWrite("a", "80", 5)));
    assertThat(cache.read("a", () -> load(new Versioned("90", 4)))).isEqualTo(
        new Versioned("90", 4));
    assertThat(loads).hasValue(1);
  }

  @Test
  void staysWithinItsBound_andKeepsNoLongValues() {
    for (int i = 0; i < DataCache.MAX_ENTRIES + 10; i++) {
      String key = "k" + i;
      cache.read(key, () -> new Versioned("v", 1));
    }
    assertThat(cache.size()).isLessThanOrEqualTo(DataCache.MAX_ENTRIES).isPositive();

    String longValue = "x".repeat(DataCache.MAX_VALUE_CHARS + 1);
    cache.read("long", () -> load(new Versioned(longValue, 2)));
    cache.read("long", () -> load(new Versioned(longValue, 2)));
    assertThat(loads).hasValue(2);
    cache.applied(List.of(new DataWrite("long", longValue, 3)));
    assertThat(cache.read("long", () -> load(new Versioned(longValue, 3))).version()).isEqualTo(3);
    assertThat(loads).hasValue(3);
  }

  @Test
  void store_readsItsOwnWrites_throughTheCache_andAfterReopening() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.read("acct")).isEqualTo(Versioned.ABSENT);
      store.write(Records.commitPut("t1", "acct", "100", 1)).get(5, TimeUnit.SECONDS);
      assertThat(store.read("acct")).isEqualTo(new Versioned("100", 1));
      store.write(Records.data(true, new DataWrite("acct", null, 2))).get(5, TimeUnit.SECONDS);
      assertThat(store.read("acct")).isEqualTo(Versioned.ABSENT);
      store.write(Records.commitPut("t3", "acct", "70", 3)).get(5, TimeUnit.SECONDS);
    }
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.read("acct")).isEqualTo(new Versioned("70", 3));
    }
  }
}
