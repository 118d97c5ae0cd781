package io.ringtx.client;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt of an interactive, optimistic transaction, handed to a {@link TxFunction} by {@link
 * RingTxClient#run}. Reads go to the cluster on first access and record the version seen (0 for
 * an absent key); writes are buffered here and sent with the commit. A transaction reads its own
 * writes, and reading a key twice gives the same answer without asking the cluster again, so the
 * commit validates one version per key.
 *
 * <p>Not thread-safe, and valid only while its function runs: using it afterwards throws {@link
 * IllegalStateException}.
 */
public interface Tx {
  /** This attempt's transaction id, {@code <clientId>-<sequence>}; a retry has a new id. */
  String id();

  /**
   * The key's value as this transaction sees it: its own buffered writes applied over the value
   * read from the cluster, or empty if the key is absent (or deleted by this transaction).
   *
   * @throws RingTxException if the read fails (the function may let it propagate: nothing is
   *     committed then)
   */
  Optional<String> get(String key);

  /**
   * Several keys as this transaction sees them, as {@link #get} would give each, in the order of
   * {@code keys} (a key named twice once); the keys this transaction has not read yet are read
   * from the cluster in one request, each at its owning shard, in parallel. Faster than one
   * {@link #get} after another when the keys are known up front.
   *
   * @throws RingTxException if the read fails (nothing is committed then)
   */
  Map<String, Optional<String>> getAll(Collection<String> keys);

  /** Buffers a write of {@code value} to {@code key}. */
  void put(String key, String value);

  /** Buffers an append of {@code suffix} to the key's value (an absent key counts as ""). */
  void append(String key, String suffix);

  /** Buffers a delete of {@code key}. */
  void delete(String key);
}
