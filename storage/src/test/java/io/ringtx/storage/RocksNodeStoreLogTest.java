package io.ringtx.storage;

import static io.ringtx.storage.Records.aborted;
import static io.ringtx.storage.Records.committed;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.lazy;
import static io.ringtx.storage.Records.prepared;
import static io.ringtx.storage.Records.tx;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.step.WriteSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stable log and the per-transaction state derived from it. */
class RocksNodeStoreLogTest {
  @TempDir Path dir;

  @Test
  void write_appendsRecordsWithConsecutiveSeqs_andReturnsTheLastOne() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      long first = store.write(forced(prepared("t1"), prepared("t2"))).get(5, TimeUnit.SECONDS);
      long second = store.write(lazy(aborted("t3"))).get(5, TimeUnit.SECONDS);

      assertThat(first).isEqualTo(2);
      assertThat(second).isEqualTo(3);
      assertThat(seqs(store, 1)).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void write_withoutRecords_returnsTheCurrentLastSeq() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.write(new WriteSet(List.of(), List.of(), true)).get(5, TimeUnit.SECONDS))
          .isZero();
      store.write(forced(prepared("t1"))).get(5, TimeUnit.SECONDS);

      assertThat(store.write(new WriteSet(List.of(), List.of(), false)).get(5, TimeUnit.SECONDS))
          .isEqualTo(1);
    }
  }

  @Test
  void forEachLogEntry_afterReopen_replaysEveryRecordInOrderWithItsTime() throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC);
    List<LogRecord> written =
        List.of(prepared("t1", new KeyWrite("k", "v"), new KeyWrite("d", null)),
            committed("t1", 5), prepared("t2"), aborted("t2"));
    StoreOptions options = StoreOptions.defaults().withClock(clock);
    try (RocksNodeStore store = RocksNodeStore.open(dir, options)) {
      store.write(forced(written.get(0))).get(5, TimeUnit.SECONDS);
      store.write(forced(written.get(1), written.get(2))).get(5, TimeUnit.SECONDS);
      store.write(lazy(written.get(3))).get(5, TimeUnit.SECONDS);
    }

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      List<LogEntry> replayed = entries(store, 0);

      assertThat(replayed).extracting(LogEntry::record).containsExactlyElementsOf(written);
      assertThat(replayed).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L, 4L);
      assertThat(replayed).extracting(LogEntry::timeMillis).containsOnly(1_700_000_000_123L);
    }
  }

  @Test
  void forEachLogEntry_fromASeq_startsThere() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      for (int i = 1; i <= 5; i++) {
        store.write(lazy(aborted("t" + i))).get(5, TimeUnit.SECONDS);
      }

      assertThat(seqs(store, 4)).containsExactly(4L, 5L);
      assertThat(seqs(store, 6)).isEmpty();
      assertThat(seqs(store, -3)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void seqs_continueAfterReopen() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(forced(prepared("t1"), committed("t1", 1))).get(5, TimeUnit.SECONDS);
    }

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.write(forced(prepared("t2"))).get(5, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(seqs(store, 1)).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void txState_isTheLatestRecordOfTheTransaction() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(forced(prepared("t1"))).get(5, TimeUnit.SECONDS);
      store.write(forced(prepared("t2"))).get(5, TimeUnit.SECONDS);
      store.write(forced(committed("t1", 8))).get(5, TimeUnit.SECONDS);

      assertThat(store.txState(tx("t1"))).contains(committed("t1", 8));
      assertThat(store.txState(tx("t2"))).contains(prepared("t2"));
      assertThat(store.txState(tx("never"))).isEmpty();
    }
  }

  @Test
  void txState_ofTwoRecordsOfOneTxInOneWrite_isTheLaterOne() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(forced(prepared("t1"), aborted("t1"))).get(5, TimeUnit.SECONDS);

      assertThat(store.txState(tx("t1"))).contains(aborted("t1"));
    }
  }

  @Test
  void forEachTx_visitsEveryTransactionOnceWithItsLatestRecord_alsoAfterReopen()
      throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(forced(prepared("t1"), prepared("t2"))).get(5, TimeUnit.SECONDS);
      store.write(lazy(aborted("t2"))).get(5, TimeUnit.SECONDS);
      store.write(forced(committed("t1", 3), prepared("t3"))).get(5, TimeUnit.SECONDS);
    }

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      List<TxId> visited = new ArrayList<>();
      Map<TxId, LogRecord> states = new LinkedHashMap<>();
      store.forEachTx((id, record) -> {
        visited.add(id);
        states.put(id, record);
      });

      assertThat(visited).doesNotHaveDuplicates().hasSize(3);
      assertThat(states)
          .containsOnly(
              Map.entry(tx("t1"), committed("t1", 3)),
              Map.entry(tx("t2"), aborted("t2")),
              Map.entry(tx("t3"), prepared("t3")));
    }
  }

  static List<Long> seqs(NodeStore store, long from) {
    return entries(store, from).stream().map(LogEntry::seq).toList();
  }

  static List<LogEntry> entries(NodeStore store, long from) {
    List<LogEntry> out = new ArrayList<>();
    store.forEachLogEntry(from, out::add);
    return out;
  }
}
