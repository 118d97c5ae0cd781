package io.ringtx.client;

import io.ringtx.protocol.message.Outcome;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a RingTx coordinator, made by {@link RingTx#connect}. Thread-safe: share one
 * per application. Its methods block the calling thread until the answer arrives (at most {@link
 * ClientOptions#requestTimeout()} per HTTP call) and therefore refuse to run on a Vert.x event
 * loop thread ({@link IllegalStateException}) — except {@link #runAsync}, which never blocks.
 */
public interface RingTxClient extends AutoCloseable {
  /**
   * The key's last committed value and version, or empty if the key is absent. Outside any
   * transaction: nothing is validated.
   *
   * @throws IllegalArgumentException if the key is empty
   * @throws RequestRejectedException if the coordinator refuses the key (for example too long)
   * @throws RingTxException if the call fails
   */
  Optional<KeyValue> get(String key);

  /**
   * Runs {@code fn} as a serializable transaction and returns its result once committed.
   *
   * <p>Each attempt gets a fresh {@link Tx} and id. When {@code fn} returns, its reads (key,
   * version) and buffered writes are sent to the coordinator as one commit — also when it only
   * read, so that what it read is validated. When the attempt aborts for a reason that may pass —
   * a conflict, a late vote, an unreachable participant, a moved key, a restarted coordinator —
   * it is discarded (nothing of it was applied) and {@code fn} runs again after a randomized
   * exponential backoff, up to {@link ClientOptions#maxAttempts()} attempts. If {@code fn} throws, nothing is sent and the
   * exception propagates.
   *
   * @throws TxAbortedException if the transaction was invalid, or every attempt aborted
   * @throws TxOutcomeUnknownException if the outcome of the commit could not be learned; it may
   *     have committed
   * @throws RequestRejectedException if the coordinator refused the transaction as invalid
   * @throws RingTxException if a read fails (nothing is committed then)
   */
  <T> T run(TxFunction<T> fn);

  /**
   * Runs {@code fn} as {@link #run} does, without blocking any thread: the returned future ends
   * with the result once committed, or with the exception {@link #run} would throw. Any thread
   * may call it, an event loop's too; {@code fn} runs on the client's event loop and must not
   * block.
   *
   * <p>A read of a key {@code fn} has not read before in this attempt cannot be answered at once,
   * so it ends that run of {@code fn} (by throwing an exception {@code fn} must let pass); the
   * keys are read in one request, and {@code fn} runs again from the start, answered from those
   * reads. {@code fn} therefore runs once per round of new reads, and once per attempt: like every
   * transaction function it must have no effect outside its {@link Tx}, and it must make the
   * same reads given the same values. Read several keys together with {@link Tx#getAll} to need
   * one round for them all. Only the last run's reads and writes are committed.
   */
  <T> CompletableFuture<T> runAsync(TxFunction<T> fn);

  /**
   * What is known of transaction {@code txId}: COMMITTED, ABORTED, or UNKNOWN when no node knows
   * it (yet).
   *
   * @throws IllegalArgumentException if {@code txId} is not a valid transaction id
   * @throws RingTxException if the call fails
   */
  Outcome outcome(String txId);

  /**
   * How many participants own {@code keys}, by the ring this client last learned from its
   * coordinator ({@code GET /v1/routing}): 1 for a transaction that commits in one phase, more
   * for one that takes two-phase commit. Empty when the client knows no ring yet (it then asks
   * for one, without waiting) or never asks for one ({@link ClientOptions#directReads} and {@link
   * ClientOptions#directCommits} both off). While the ring moves the answer can be stale: it is
   * for reporting, not for deciding anything. Never blocks.
   *
   * @throws IllegalArgumentException if {@code keys} is empty
   */
  OptionalInt ownerCount(Collection<String> keys);

  /** This client's id: the prefix of the transaction ids it makes. */
  String clientId();

  /** Closes the HTTP connections, and the Vert.x instance if the client created it. */
  @Override
  void close();
}
