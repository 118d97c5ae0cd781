package io.ringtx.client;

/**
 * The body of a transaction for {@link RingTxClient#run}. It may run several times (once per
 * attempt, after conflicts), so it should have no effects outside the {@link Tx} it is given.
 *
 * @param <T> what the transaction returns once committed
 */
@FunctionalInterface
public interface TxFunction<T> {
  /** Runs one attempt against {@code tx}; an exception aborts the attempt and propagates. */
  T apply(Tx tx);
}
