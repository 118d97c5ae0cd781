package io.ringtx.dist.demo;

import io.ringtx.client.ClientOptions;
import io.ringtx.client.RingTx;
import io.ringtx.client.RingTxClient;
import io.ringtx.client.Tx;
import io.ringtx.client.TxAbortedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;

/** The bank demo's transactions on the RingTx Java client ({@code RingTxClient.run}). */
public final class RingTxBankClient implements BankClient {
  private final RingTxClient client;

  private RingTxBankClient(RingTxClient client) {
    this.client = client;
  }

  /** Each {@code connect()} opens a new client of the coordinator at {@code url}. */
  public static BankClient.Factory factory(String url) {
    return factory(List.of(url));
  }

  /**
   * Each {@code connect()} opens a new client of the next coordinator of {@code urls} in turn,
   * so that the demo's clients are spread over every coordinator.
   */
  public static BankClient.Factory factory(List<String> urls) {
    return factory(urls, ClientOptions.defaults());
  }

  /**
   * As {@link #factory(List)}, every client with {@code options} (a trusted CA and a bearer
   * token for a cluster with TLS and authentication on).
   */
  public static BankClient.Factory factory(List<String> urls, ClientOptions options) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no coordinator URL");
    }
    List<String> all = List.copyOf(urls);
    AtomicInteger next = new AtomicInteger();
    return () -> new RingTxBankClient(
        RingTx.connect(all.get(Math.floorMod(next.getAndIncrement(), all.size())), options));
  }

  @Override
  public void open(List<String> accounts, long balance) throws Exception {
    String value = Long.toString(balance);
    try {
      client.run(
          tx -> {
            for (String account : accounts) {
              tx.put(account, value);
            }
            return null;
          });
    } catch (TxAbortedException e) {
      throw new DemoFailedException("creating accounts aborted: " + e.reason(), e);
    }
  }

  @Override
  public TransferOutcome transfer(String from, String to, LongUnaryOperator amount)
      throws Exception {
    // run() retries aborts by calling the function again: counting the calls counts the
    // attempts without the client having to expose them.
    AtomicInteger attempts = new AtomicInteger();
    try {
      client.run(
          tx -> {
            attempts.incrementAndGet();
            long fromBalance = balance(tx, from);
            long toBalance = balance(tx, to);
            long moved = amount.applyAsLong(fromBalance);
            if (moved < 0 || moved > fromBalance) {
              throw new IllegalArgumentException(
                  "amount " + moved + " outside [0, " + fromBalance + "]");
            }
            if (moved > 0) {
              tx.put(from, Long.toString(fromBalance - moved));
              tx.put(to, Long.toString(Math.addExact(toBalance, moved)));
            }
            return null;
          });
      return TransferOutcome.committed(Math.max(1, attempts.get()));
    } catch (TxAbortedException e) {
      return TransferOutcome.aborted(Math.max(1, attempts.get()), String.valueOf(e.reason()));
    }
  }

  @Override
  public Map<String, Long> balances(List<String> accounts) throws Exception {
    try {
      return client.run(
          tx -> {
            // A fresh map per attempt: a retried attempt must not see the previous one's reads.
            Map<String, Long> balances = new LinkedHashMap<>();
            for (String account : accounts) {
              balances.put(account, balance(tx, account));
            }
            return balances;
          });
    } catch (TxAbortedException e) {
      throw new DemoFailedException("reading balances aborted: " + e.reason(), e);
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("closing the client failed", e);
    }
  }

  private static long balance(Tx tx, String account) {
    String value =
        tx.get(account)
            .orElseThrow(() -> new IllegalStateException("account " + account + " is missing"));
    return Long.parseLong(value);
  }
}
