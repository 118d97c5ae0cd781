package io.ringtx.bench.run;

import io.ringtx.bench.engine.Attempt;
import io.ringtx.bench.engine.TxBody;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.bench.engine.TxView;
import io.ringtx.bench.target.BenchTarget;
import io.ringtx.bench.target.NodeSample;
import io.ringtx.bench.target.PhaseBuckets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A target whose transactions take a fixed service time and always commit, applied to an
 * in-memory map without isolation (enough for the runner's own tests, not for the bank's).
 * Its one "node" counts a forced write and, every other one, a sync per transaction.
 */
final class FakeTarget implements BenchTarget {
  final Map<String, String> data = new ConcurrentHashMap<>();
  final AtomicLong executed = new AtomicLong();
  private final long serviceNanos;
  private final boolean asynchronous;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-target");
    t.setDaemon(true);
    return t;
  });

  FakeTarget(long serviceMillis) {
    this(serviceMillis, false);
  }

  /**
   * @param asynchronous whether the engine is {@link TxEngine#asynchronous}: its transactions
   *     then end on a timer rather than in the caller's thread
   */
  FakeTarget(long serviceMillis, boolean asynchronous) {
    this.serviceNanos = TimeUnit.MILLISECONDS.toNanos(serviceMillis);
    this.asynchronous = asynchronous;
  }

  @Override
  public String kind() {
    return "fake";
  }

  @Override
  public String description() {
    return "fake";
  }

  @Override
  public List<String> urls() {
    return List.of();
  }

  @Override
  public Map<String, NodeSample> nodeMetrics() {
    long n = executed.get();
    // Its coordinator timed every transaction's prepare at 0.3 ms.
    PhaseBuckets prepare = new PhaseBuckets(new double[] {0.0002, 0.0004}, new long[] {0, n},
        n * 0.0003, n);
    return Map.of("n1", new NodeSample(n, (n + 1) / 2, 0L, null, Map.of("prepare", prepare)));
  }

  @Override
  public TxEngine engine(int connections, int maxAttempts,
      java.util.function.UnaryOperator<io.ringtx.client.ClientOptions> client) {
    return new TxEngine() {
      @Override
      public boolean asynchronous() {
        return asynchronous;
      }

      @Override
      public CompletableFuture<Attempt> executeAsync(TxBody body) {
        long t0 = System.nanoTime();
        apply(body);
        long t1 = System.nanoTime();
        CompletableFuture<Attempt> done = new CompletableFuture<>();
        timer.schedule(() -> {
          executed.incrementAndGet();
          done.complete(Attempt.committed(t1 - t0, System.nanoTime() - t1));
        }, t0 + serviceNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        return done;
      }

      @Override
      public Attempt execute(TxBody body) {
        long t0 = System.nanoTime();
        apply(body);
        long t1 = System.nanoTime();
        long until = t0 + serviceNanos;
        while (System.nanoTime() < until) {
          LockSupport.parkNanos(until - System.nanoTime());
        }
        executed.incrementAndGet();
        return Attempt.committed(t1 - t0, System.nanoTime() - t1);
      }

      private void apply(TxBody body) {
        body.apply(new TxView() {
          @Override
          public String get(String key) {
            return data.get(key);
          }

          @Override
          public void put(String key, String value) {
            data.put(key, value);
          }
        });
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
