package io.ringtx.protocol.message;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A 64-bit fingerprint of what a transaction reads and writes, kept beside its outcome so that a
 * later request with the same id can be told apart: the same transaction sent again (a retry,
 * answered with the outcome) or another one under a used id (refused {@link Reason#ID_REUSED},
 * where it used to be answered with the first one's outcome and not applied).
 *
 * <p>The digest does not depend on the order of the reads, nor on the order of writes to
 * different keys: a coordinator splits a transaction by shard and a client may list it in
 * another order on a retry, and neither changes what it does. Writes to one key keep their order
 * (a put then an append is not an append then a put). It is FNV-1a over the keys, versions, ops
 * and values with their lengths: not a defence against someone who crafts collisions (who could
 * only get today's answer for their own id), but two different transactions agree by chance with
 * a probability of about 2^-64.
 */
public final class TxDigest {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;
  private static final Comparator<ReadItem> BY_READ_KEY = Comparator.comparing(ReadItem::key);
  private static final Comparator<WriteOp> BY_WRITE_KEY = Comparator.comparing(WriteOp::key);

  private TxDigest() {}

  /** The digest of a transaction that reads {@code reads} and writes {@code writes}. */
  public static long of(List<ReadItem> reads, List<WriteOp> writes) {
    long h = OFFSET;
    h = mix(h, reads.size());
    for (ReadItem r : sorted(reads, BY_READ_KEY)) {
      h = string(h, r.key());
      h = mix(h, r.version());
    }
    h = mix(h, writes.size());
    for (WriteOp w : sorted(writes, BY_WRITE_KEY)) {
      h = mix(h, w.op().ordinal());
      h = string(h, w.key());
      h = w.value() == null ? mix(h, -1) : string(h, w.value());
    }
    return h;
  }

  /** {@code items} in the order of {@code by}, equal items in their order (a stable sort). */
  private static <T> List<T> sorted(List<T> items, Comparator<T> by) {
    if (items.size() < 2) {
      return items;
    }
    List<T> copy = new ArrayList<>(items);
    copy.sort(by); // List.sort is stable
    return copy;
  }

  private static long string(long h, String s) {
    int n = s.length();
    h = mix(h, n);
    for (int i = 0; i < n; i++) {
      h = (h ^ s.charAt(i)) * PRIME;
    }
    return h;
  }

  private static long mix(long h, long x) {
    for (int i = 0; i < 8; i++) {
      h = (h ^ (x & 0xff)) * PRIME;
      x >>>= 8;
    }
    return h;
  }
}
