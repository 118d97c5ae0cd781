package io.ringtx.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TxDigest}: the same transaction listed in another order has the same digest (a split by
 * shard, a client's retry), and a transaction that reads or writes anything else has another.
 */
class TxDigestTest {
  static final List<ReadItem> READS = List.of(new ReadItem("a", 3), new ReadItem("b", 0));
  static final List<WriteOp> WRITES =
      List.of(WriteOp.put("a", "1"), WriteOp.append("b", "x"), WriteOp.delete("c"));
  static final long D = TxDigest.of(READS, WRITES);

  @Test
  void theOrderOfReads_andOfWritesToDifferentKeys_doesNotMatter() {
    assertThat(TxDigest.of(List.of(READS.get(1), READS.get(0)),
        List.of(WRITES.get(2), WRITES.get(0), WRITES.get(1)))).isEqualTo(D);
    assertThat(TxDigest.of(List.copyOf(READS), List.copyOf(WRITES))).isEqualTo(D);
  }

  @Test
  void theOrderOfWritesToOneKey_matters() {
    List<WriteOp> putThenAppend = List.of(WriteOp.put("k", "1"), WriteOp.append("k", "2"));
    List<WriteOp> appendThenPut = List.of(WriteOp.append("k", "2"), WriteOp.put("k", "1"));

    assertThat(TxDigest.of(List.of(), putThenAppend))
        .isNotEqualTo(TxDigest.of(List.of(), appendThenPut));
  }

  @Test
  void anyOtherRead_orWrite_givesAnotherDigest() {
    List<Long> others = List.of(
        TxDigest.of(List.of(new ReadItem("a", 4), READS.get(1)), WRITES),
        TxDigest.of(List.of(new ReadItem("z", 3), READS.get(1)), WRITES),
        TxDigest.of(READS.subList(0, 1), WRITES),
        TxDigest.of(READS, List.of(WriteOp.put("a", "2"), WRITES.get(1), WRITES.get(2))),
        TxDigest.of(READS, List.of(WriteOp.append("a", "1"), WRITES.get(1), WRITES.get(2))),
        TxDigest.of(READS, List.of(WriteOp.put("A", "1"), WRITES.get(1), WRITES.get(2))),
        TxDigest.of(READS, WRITES.subList(0, 2)),
        TxDigest.of(List.of(), WRITES),
        TxDigest.of(READS, List.of()),
        // the same characters split differently between key and value
        TxDigest.of(READS, List.of(WriteOp.put("a1", ""), WRITES.get(1), WRITES.get(2))));

    assertThat(others).doesNotContain(D).doesNotHaveDuplicates();
  }

  @Test
  void aReadAndAWriteOfOneKey_areNotTakenForEachOther() {
    assertThat(TxDigest.of(List.of(new ReadItem("k", 0)), List.of()))
        .isNotEqualTo(TxDigest.of(List.of(), List.of(WriteOp.delete("k"))));
  }
}
