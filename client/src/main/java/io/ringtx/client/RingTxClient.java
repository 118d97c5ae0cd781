package io.ringtx.client;

import io.ringtx.protocol.message.Outcome;
import java.util.Optional;

/**
 * A connection to a RingTx coordinator, made by {@link RingTx#connect}. Thread-safe: share one
 * per application. Its methods block the calling thread until the answer arrives (at most {@link
 * ClientOptions#requestTimeout()} per HTTP call) and therefore refuse to run on a Vert.x event
 * loop thread ({@link IllegalStateException}).
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
   * What is known of transaction {@code txId}: COMMITTED, ABORTED, or UNKNOWN when no node knows
   * it (yet).
   *
   * @throws IllegalArgumentException if {@code txId} is not a valid transaction id
   * @throws RingTxException if the call fails
   */
  Outcome outcome(String txId);

  /** This client's id: the prefix of the transaction ids it makes. */
  String clientId();

  /** Closes the HTTP connections, and the Vert.x instance if the client created it. */
  @Override
  void close();
}
