package io.ringtx.storage;

import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.codec.CorruptRecordException;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.message.KeyWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged bytes are reported, never guessed at (STYLE §4): the exception names the seq or key so
 * an operator can find it.
 */
class RocksNodeStoreCorruptionTest {
  @TempDir Path dir;

  @BeforeEach
  void writeThreeRecords() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(forced(prepared("t1"))).get(5, TimeUnit.SECONDS);
      store.write(forced(prepared("t2"))).get(5, TimeUnit.SECONDS);
      store.write(commitPut("t1", "k", "v", 4)).get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void forEachLogEntry_overGarbage_throwsNamingTheSeq_afterTheGoodEntriesBeforeIt()
      throws Exception {
    RawRocks.put(dir, Layout.LOG, Layout.seqKey(2), Layout.utf8("garbage, not a record"));

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      List<LogEntry> seen = new ArrayList<>();

      assertThatThrownBy(() -> store.forEachLogEntry(1, seen::add))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("log seq 2");
      assertThat(seen).extracting(LogEntry::seq).containsExactly(1L);
    }
  }

  @Test
  void forEachLogEntry_overAFlippedBit_throwsAChecksumErrorNamingTheSeq() throws Exception {
    byte[] value = RawRocks.get(dir, Layout.LOG, Layout.seqKey(2));
    value[value.length - 5] ^= 0x04;
    RawRocks.put(dir, Layout.LOG, Layout.seqKey(2), value);

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThatThrownBy(() -> store.forEachLogEntry(0, e -> {}))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("log seq 2")
          .hasMessageContaining("checksum");
      // The damaged record is also the state of t2.
      assertThatThrownBy(() -> store.txState(Records.tx("t2")))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("log seq 2");
      assertThat(store.txState(Records.tx("t1")))
          .contains(new Committed(Records.tx("t1"), 4, List.of(new KeyWrite("k", "v"))));
    }
  }

  @Test
  void forEachLogEntry_overAnEntryTooShortForItsTime_reportsItTorn() throws Exception {
    RawRocks.put(dir, Layout.LOG, Layout.seqKey(1), new byte[] {1, 2, 3});

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThatThrownBy(() -> store.forEachLogEntry(0, e -> {}))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("log seq 1")
          .hasMessageContaining("torn");
    }
  }

  @Test
  void open_withADamagedLastRecord_failsNamingItsSeq_andReleasesTheDirectory()
      throws Exception {
    RawRocks.put(dir, Layout.LOG, Layout.seqKey(3), Layout.logValue(0, new byte[] {'R', 'T'}));

    assertThatThrownBy(() -> RocksNodeStore.open(dir))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 3");
    // A failed open closed RocksDB: the directory is not left locked.
    assertThat(RawRocks.get(dir, Layout.LOG, Layout.seqKey(1))).isNotNull();
  }

  @Test
  void open_whenTheLogTailDisagreesWithMeta_fails() throws Exception {
    RawRocks.delete(dir, Layout.LOG, Layout.seqKey(3));

    assertThatThrownBy(() -> RocksNodeStore.open(dir))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 2")
        .hasMessageContaining("last seq 3");
  }

  @Test
  void open_ofAStoreOfAnotherFormat_isRefused() throws Exception {
    RawRocks.put(dir, Layout.META, Layout.utf8(Layout.META_FORMAT), Layout.intBytes(2));

    assertThatThrownBy(() -> RocksNodeStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("store format 2");
  }

  @Test
  void read_ofADamagedDataValue_throwsNamingTheKey() throws Exception {
    RawRocks.put(dir, Layout.DATA, Layout.utf8("k"), new byte[] {9, 0, 0});

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThatThrownBy(() -> store.read("k"))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("data key 'k'");
    }
  }

  @Test
  void txState_pointingAtAMissingRecord_throwsNamingTxAndSeq() throws Exception {
    RawRocks.put(dir, Layout.TX, Layout.utf8("t9"), Layout.longBytes(77));

    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThatThrownBy(() -> store.txState(Records.tx("t9")))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("tx t9")
          .hasMessageContaining("log seq 77");
    }
  }
}
