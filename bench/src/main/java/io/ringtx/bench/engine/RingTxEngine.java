package io.ringtx.bench.engine;

import io.ringtx.client.ClientOptions;
import io.ringtx.client.RequestRejectedException;
import io.ringtx.client.RingTx;
import io.ringtx.client.RingTxClient;
import io.ringtx.client.RingTxException;
import io.ringtx.client.TxAbortedException;
import io.ringtx.client.TxOutcomeUnknownException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    RingTxClient client = next();
    Phases phases = new Phases(client);
    try {
      client.run(tx -> phases.body(tx, body));
      return phases.committed();
    } catch (RuntimeException e) {
      return phases.ended(e);
    }
  }

  /**
   * As {@link #execute}, on the client's event loop ({@link RingTxClient#runAsync}): no thread
   * waits for the transaction, so a run of many clients costs no thread hand-offs.
   */
  @Override
  public CompletableFuture<Attempt> executeAsync(TxBody body) {
    RingTxClient client = next();
    Phases phases = new Phases(client);
    return client.runAsync(tx -> phases.body(tx, body)).handle((v, e) -> {
      if (e == null) {
        return phases.committed();
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null
          ? e.getCause() : e;
      if (cause instanceof RuntimeException r) {
        return phases.ended(r);
      }
      throw new CompletionException(cause);
    });
  }

  @Override
  public boolean asynchronous() {
    return true;
  }

  private RingTxClient next() {
    return clients.get(Math.floorMod(turn.getAndIncrement(), clients.size()));
  }

  /**
   * When the last attempt's body started and ended: the read phase and the commit call; and the
   * keys its last run read or wrote, to tell how many shards the commit spanned. With {@link
   * RingTxClient#runAsync} the body runs again after each round of reads, so an attempt starts
   * when a new transaction id is seen, not at every run.
   */
  private static final class Phases {
    private final RingTxClient client;
    private String attemptId;
    /** Start of the last attempt's body, and its end (0 while it runs or if it threw). */
    private long start;
    private long end;
    private Set<String> keys = Set.of();

    Phases(RingTxClient client) {
      this.client = client;
    }

    Void body(io.ringtx.client.Tx tx, TxBody body) {
      if (!tx.id().equals(attemptId)) {
        attemptId = tx.id();
        start = System.nanoTime();
      }
      end = 0;
      keys = new HashSet<>();
      body.apply(new View(tx, keys));
      end = System.nanoTime();
      return null;
    }

    Attempt committed() {
      long now = System.nanoTime();
      return withShards(Attempt.committed(end - start, now - end));
    }

    /** {@code a}, with the shards of the last run's keys where the client knows the ring. */
    private Attempt withShards(Attempt a) {
      return keys.isEmpty() ? a : a.withShards(client.ownerCount(keys).orElse(0));
    }

    /** How a transaction that threw {@code e} ended. */
    Attempt ended(RuntimeException e) {
      long now = System.nanoTime();
      long read = start == 0 ? 0 : (end == 0 ? now : end) - start;
      long commit = end == 0 ? 0 : now - end;
      if (e instanceof TxAbortedException a) {
        return Attempt.aborted(a.reason().map(Enum::name).orElse("UNSPECIFIED"), read, commit);
      }
      if (e instanceof TxOutcomeUnknownException) {
        return Attempt.failed("OUTCOME_UNKNOWN", read, commit);
      }
      if (e instanceof RequestRejectedException r) {
        return Attempt.failed("REJECTED_" + r.error().toUpperCase(Locale.ROOT), read, commit);
      }
      if (e instanceof RingTxException) {
        // The body did not finish: one of its reads failed. Otherwise the commit call did.
        return Attempt.failed(end == 0 ? "READ_ERROR" : "COMMIT_ERROR", read, commit);
      }
      throw e;
    }
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

  /** The client's {@code Tx} seen as a {@link TxView}, noting every key it reads or writes. */
  private record View(io.ringtx.client.Tx tx, Set<String> keys) implements TxView {
    @Override
    public String get(String key) {
      keys.add(key);
      return tx.get(key).orElse(null);
    }

    @Override
    public Map<String, String> getAll(List<String> keys) {
      this.keys.addAll(keys);
      Map<String, String> out = new LinkedHashMap<>();
      tx.getAll(keys).forEach((k, v) -> out.put(k, v.orElse(null)));
      return out;
    }

    @Override
    public void put(String key, String value) {
      keys.add(key);
      tx.put(key, value);
    }
  }
}
