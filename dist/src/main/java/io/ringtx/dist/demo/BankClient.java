package io.ringtx.dist.demo;

import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * What the bank demo needs from one client of the store: three kinds of transaction over
 * accounts whose balances are decimal strings. {@link RingTxBankClient} implements it with the
 * RingTx Java client; tests use an in-memory bank, so the demo's bookkeeping is tested without a
 * cluster. One instance is used by one thread at a time.
 */
public interface BankClient extends AutoCloseable {

  /** In one transaction, sets every account of {@code accounts} to {@code balance}. */
  void open(List<String> accounts, long balance) throws Exception;

  /**
   * In one transaction: reads the balances of {@code from} and {@code to}, asks {@code amount}
   * how much to move given the balance of {@code from} (0 ≤ amount ≤ that balance), and writes
   * both new balances. Aborts that may pass (conflicts, passing failures) are retried; every attempt is counted in the outcome. An abort
   * for another reason is an outcome, not an exception.
   */
  TransferOutcome transfer(String from, String to, LongUnaryOperator amount) throws Exception;

  /** In one transaction, reads the balance of every account of {@code accounts}. */
  Map<String, Long> balances(List<String> accounts) throws Exception;

  /** Releases the client; failures are unchecked, there is nothing a caller could do. */
  @Override
  void close();

  /** Opens one client; the demo opens one per concurrent client. */
  @FunctionalInterface
  interface Factory {
    BankClient connect() throws Exception;
  }
}
