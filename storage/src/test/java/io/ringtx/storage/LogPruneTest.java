package io.ringtx.storage;

import static io.ringtx.storage.Records.aborted;
import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.committed;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.prepared;
import static io.ringtx.storage.Records.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.step.WriteSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.junit.jupiter.api.io.TempDir;

/** Forgetting finished transactions after the outcome retention window (NodeStore#prune). */
class LogPruneTest {
  private static final Predicate<LogRecord> FINISHED =
      r -> r instanceof Committed || r instanceof Aborted;

  @TempDir Path dir;

  /** A clock the test sets; the store stamps each record with it. */
  private static final class TestClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_000);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  private final TestClock clock = new TestClock();

  private RocksNodeStore open() {
    return RocksNodeStore.open(dir, StoreOptions.defaults().withClock(clock));
  }

  private static void write(RocksNodeStore store, WriteSet set) throws Exception {
    store.write(set).get(5, TimeUnit.SECONDS);
  }

  private static List<String> logged(RocksNodeStore store) {
    List<String> out = new ArrayList<>();
    store.forEachLogEntry(0, e -> out.add(
        e.record().txId().value() + ":" + e.record().getClass().getSimpleName()));
    return out;
  }

  @Test
  void prune_forgetsFinishedTransactionsOlderThanTheCutoff_andKeepsEveryOtherRecord()
      throws Exception {
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      write(store, forced(prepared("a")));
      write(store, commitPut("one-phase", "k", "v", 1));
      write(store, forced(prepared("in-doubt")));
      write(store, forced(committed("a", 2)));
      write(store, forced(aborted("c")));
      clock.millis.set(5_000);
      write(store, forced(prepared("young")));
      write(store, forced(committed("young", 3)));

      NodeStore.Pruned pruned = store.prune(3_000, FINISHED);

      assertThat(pruned).isEqualTo(new NodeStore.Pruned(4, 3));
      assertThat(store.prunedTotal()).isEqualTo(pruned);
      assertThat(store.txState(tx("a"))).isEmpty();
      assertThat(store.txState(tx("one-phase"))).isEmpty();
      assertThat(store.txState(tx("c"))).isEmpty();
      assertThat(store.txState(tx("in-doubt"))).containsInstanceOf(io.ringtx.protocol.log.Prepared.class);
      assertThat(store.txState(tx("young"))).containsInstanceOf(Committed.class);
      assertThat(logged(store)).containsExactly(
          "in-doubt:Prepared", "young:Prepared", "young:Committed");
      // The data a pruned transaction wrote stays.
      assertThat(store.read("k").value()).isEqualTo("v");
    }
  }

  @Test
  void prune_keepsATransactionUntilItsLatestRecordIsOld_evenIfItsFirstIsOld() throws Exception {
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      write(store, forced(prepared("t")));
      clock.millis.set(4_000);
      write(store, forced(committed("t", 1)));
      write(store, forced(prepared("later")));

      assertThat(store.prune(3_000, FINISHED)).isEqualTo(new NodeStore.Pruned(0, 0));
      assertThat(logged(store)).containsExactly("t:Prepared", "t:Committed", "later:Prepared");

      // Once the commit is old too, the whole history goes, the PREPARED looked at again.
      assertThat(store.prune(5_000, FINISHED)).isEqualTo(new NodeStore.Pruned(2, 1));
      assertThat(logged(store)).containsExactly("later:Prepared");
    }
  }

  @Test
  void prune_forgetsAnInDoubtTransactionOnlyOnceItIsDecided() throws Exception {
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      write(store, forced(prepared("t")));
      write(store, forced(prepared("other")));

      assertThat(store.prune(10_000, FINISHED).records()).isZero();

      clock.millis.set(2_000);
      write(store, forced(aborted("t")));
      write(store, forced(prepared("last")));

      assertThat(store.prune(10_000, FINISHED)).isEqualTo(new NodeStore.Pruned(2, 1));
      assertThat(store.txState(tx("t"))).isEmpty();
      assertThat(logged(store)).containsExactly("other:Prepared", "last:Prepared");
    }
  }

  @Test
  void prune_neverRemovesTheLastRecord_soTheStoreReopensWithItsSeqs() throws Exception {
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      write(store, forced(committed("only", 1)));

      assertThat(store.prune(10_000, FINISHED).records()).isZero();

      clock.millis.set(2_000);
      write(store, forced(committed("next", 2)));
      assertThat(store.prune(10_000, FINISHED)).isEqualTo(new NodeStore.Pruned(1, 1));
    }

    try (RocksNodeStore store = open()) {
      assertThat(logged(store)).containsExactly("next:Committed");
      assertThat(store.txState(tx("only"))).isEmpty();
      // A pruned seq is never handed out again.
      long seq = store.write(forced(committed("after", 3))).get(5, TimeUnit.SECONDS);
      assertThat(seq).isEqualTo(3);
      List<Long> seqs = new ArrayList<>();
      store.forEachLogEntry(0, e -> seqs.add(e.seq()));
      assertThat(seqs).containsExactly(2L, 3L);
    }
  }

  @Test
  void prune_decidesEachTransactionByItsLatestRecord_inTheSameChunkOrAnother() throws Exception {
    int n = RocksNodeStore.PRUNE_CHUNK + 44;
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      // Every PREPARED first, then the decisions: the first chunk holds PREPAREDs whose latest
      // record lies in a later chunk; the last holds PREPAREDs and decisions side by side.
      for (int i = 0; i < n; i++) {
        write(store, forced(prepared("t-" + i)));
      }
      for (int i = 0; i < n; i++) {
        if (i % 10 != 3) {
          write(store, forced(i % 2 == 0 ? committed("t-" + i, i + 1) : aborted("t-" + i)));
        }
      }
      clock.millis.set(5_000);
      write(store, forced(prepared("young")));

      NodeStore.Pruned pruned = store.prune(3_000, FINISHED);

      long inDoubt = IntStream.range(0, n).filter(i -> i % 10 == 3).count();
      assertThat(pruned).isEqualTo(new NodeStore.Pruned(2 * (n - inDoubt), n - inDoubt));
      List<String> left = logged(store);
      assertThat(left).hasSize((int) inDoubt + 1).last().isEqualTo("young:Prepared");
      for (int i = 0; i < n; i++) {
        if (i % 10 == 3) {
          assertThat(store.txState(tx("t-" + i))).as("t-" + i)
              .containsInstanceOf(io.ringtx.protocol.log.Prepared.class);
        } else {
          assertThat(store.txState(tx("t-" + i))).as("t-" + i).isEmpty();
        }
      }
    }
  }

  @Test
  void prune_runsAlongsideWrites_andLosesNothingYoung() throws Exception {
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      for (int i = 0; i < 3 * RocksNodeStore.PRUNE_CHUNK; i++) {
        write(store, forced(committed("old-" + i, i + 1)));
      }
      clock.millis.set(5_000);
      write(store, forced(prepared("young-first")));
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          store.write(forced(prepared("young-" + i))).join();
        }
      });
      writer.start();
      NodeStore.Pruned pruned = store.prune(3_000, FINISHED);
      writer.join(30_000);

      assertThat(pruned.transactions()).isEqualTo(3L * RocksNodeStore.PRUNE_CHUNK);
      List<LogEntry> left = new ArrayList<>();
      store.forEachLogEntry(0, left::add);
      assertThat(left).hasSize(501)
          .allSatisfy(e -> assertThat(e.record().txId().value()).startsWith("young-"));
      for (int i = 0; i < 500; i++) {
        assertThat(store.txState(tx("young-" + i))).as("young-" + i).isPresent();
      }
    }
  }

  @Test
  void prune_whoseWriteFails_deletesNothing_andTheNextPassPrunesItAll() throws Exception {
    AtomicBoolean diskBroken = new AtomicBoolean();
    try (RocksNodeStore store = RocksNodeStore.open(dir,
        StoreOptions.defaults().withClock(clock), real -> (options, batch) -> {
          if (diskBroken.get()) {
            throw new RocksDBException("injected: disk broken");
          }
          real.write(options, batch);
        })) {
      clock.millis.set(1_000);
      for (int i = 0; i < RocksNodeStore.PRUNE_CHUNK + 10; i++) {
        write(store, forced(committed("old-" + i, i + 1)));
      }
      clock.millis.set(5_000);
      write(store, forced(prepared("young")));

      diskBroken.set(true);
      assertThatThrownBy(() -> store.prune(3_000, FINISHED))
          .isInstanceOf(StorageException.class).hasMessageContaining("injected");
      assertThat(store.prunedTotal()).isEqualTo(new NodeStore.Pruned(0, 0));
      assertThat(logged(store)).hasSize(RocksNodeStore.PRUNE_CHUNK + 11);

      diskBroken.set(false);
      assertThat(store.prune(3_000, FINISHED))
          .isEqualTo(new NodeStore.Pruned(RocksNodeStore.PRUNE_CHUNK + 10,
              RocksNodeStore.PRUNE_CHUNK + 10));
      assertThat(logged(store)).containsExactly("young:Prepared");
    }
  }

  @Test
  void prune_onAReadOnlyStore_isRefused() throws Exception {
    try (RocksNodeStore store = open()) {
      write(store, forced(committed("t", 1)));
    }
    try (RocksNodeStore store = RocksNodeStore.openReadOnly(dir)) {
      assertThatThrownBy(() -> store.prune(10_000, FINISHED))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
    }
  }

  @Test
  void logPruner_prunesEveryPeriod_untilClosed() throws Exception {
    try (RocksNodeStore store = open()) {
      clock.millis.set(1_000);
      write(store, forced(committed("old", 1)));
      write(store, forced(committed("last", 2)));
      clock.millis.set(1_000 + 3_600_000 + 1);

      try (LogPruner pruner = LogPruner.start(store, Duration.ofHours(1), Duration.ofMillis(20),
          FINISHED, clock, "test")) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> store.prunedTotal().transactions() == 1);
        assertThat(store.txState(tx("old"))).isEmpty();
        assertThat(pruner.pruneNow()).isEqualTo(new NodeStore.Pruned(0, 0));
      }
      assertThatThrownBy(() -> LogPruner.start(store, Duration.ZERO, Duration.ofSeconds(1),
          FINISHED, clock, "bad")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
