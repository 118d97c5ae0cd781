package io.ringtx.bench.engine;

import io.ringtx.client.ClientOptions;
import io.ringtx.client.RequestRejectedException;
import io.ringtx.client.RingTx;
import io.ringtx.client.RingTxClient;
import io.ringtx.client.RingTxException;
import io.ringtx.client.TxAbortedException;
import io.ringtx.client.TxOutcomeUnknownException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transactions through the Java client ({@link RingTxClient#run}) against one or more
 * coordinators, taken in turn. Each client pools as many HTTP connections as there are workers,
 * so that no worker waits for a connection: the harness, not the pool, sets the concurrency.
 */
public final class RingTxEngine implements TxEngine {
  private final List<RingTxClient> clients;
  private final AtomicInteger turn = new AtomicInteger();

  private RingTxEngine(List<RingTxClient> clients) {
    this.clients = clients;
  }

  /**
   * Connects to every URL in {@code urls}.
   *
   * @param connections HTTP connections per coordinator
   * @param maxAttempts attempts per transaction: 1 counts every conflict as an abort; more lets
   *     the client retry conflicts (with its backoff) inside one measured transaction
   */
  public static RingTxEngine connect(List<String> urls, int connections, int maxAttempts) {
    return connect(urls, connections, maxAttempts, ClientOptions.defaults());
  }

  /**
   * As {@link #connect(List, int, int)}, on top of {@code base} (a trusted CA and a bearer token
   * for a cluster with TLS and authentication on).
   */
  public static RingTxEngine connect(
      List<String> urls, int connections, int maxAttempts, ClientOptions base) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no coordinator URL to connect to");
    }
    ClientOptions options =
        base.withMaxConnections(connections).withMaxAttempts(maxAttempts);
    List<RingTxClient> clients = new ArrayList<>();
    try {
      for (String url : urls) {
        clients.add(RingTx.connect(url, options));
      }
    } catch (RuntimeException e) {
      clients.forEach(RingTxClient::close);
      throw e;
    }
    return new RingTxEngine(List.copyOf(clients));
  }

  @Override
  public Attempt execute(TxBody body) {
    RingTxClient client = clients.get(Math.floorMod(turn.getAndIncrement(), clients.size()));
    // [0] start of the last attempt's body, [1] its end (0 while it runs or if it threw).
    long[] phase = new long[2];
    long end;
    try {
      client.run(tx -> {
        phase[0] = System.nanoTime();
        phase[1] = 0;
        body.apply(new View(tx));
        phase[1] = System.nanoTime();
        return null;
      });
      end = System.nanoTime();
      return Attempt.committed(phase[1] - phase[0], end - phase[1]);
    } catch (TxAbortedException e) {
      end = System.nanoTime();
      String reason = e.reason().map(Enum::name).orElse("UNSPECIFIED");
      return Attempt.aborted(reason, readNanos(phase, end), commitNanos(phase, end));
    } catch (TxOutcomeUnknownException e) {
      end = System.nanoTime();
      return Attempt.failed("OUTCOME_UNKNOWN", readNanos(phase, end), commitNanos(phase, end));
    } catch (RequestRejectedException e) {
      end = System.nanoTime();
      return Attempt.failed("REJECTED_" + e.error().toUpperCase(Locale.ROOT),
          readNanos(phase, end), commitNanos(phase, end));
    } catch (RingTxException e) {
      end = System.nanoTime();
      // The body did not finish: one of its reads failed. Otherwise the commit call did.
      String reason = phase[1] == 0 ? "READ_ERROR" : "COMMIT_ERROR";
      return Attempt.failed(reason, readNanos(phase, end), commitNanos(phase, end));
    }
  }

  private static long readNanos(long[] phase, long end) {
    if (phase[0] == 0) {
      return 0;
    }
    return (phase[1] == 0 ? end : phase[1]) - phase[0];
  }

  private static long commitNanos(long[] phase, long end) {
    return phase[1] == 0 ? 0 : end - phase[1];
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (RingTxClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The client's {@code Tx} seen as a {@link TxView}. */
  private record View(io.ringtx.client.Tx tx) implements TxView {
    @Override
    public String get(String key) {
      return tx.get(key).orElse(null);
    }

    @Override
    public Map<String, String> getAll(List<String> keys) {
      Map<String, String> out = new LinkedHashMap<>();
      tx.getAll(keys).forEach((k, v) -> out.put(k, v.orElse(null)));
      return out;
    }

    @Override
    public void put(String key, String value) {
      tx.put(key, value);
    }
  }
}
