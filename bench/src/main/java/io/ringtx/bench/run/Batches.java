package io.ringtx.bench.run;

import io.ringtx.bench.engine.Attempt;
import io.ringtx.bench.engine.TxBody;
import io.ringtx.bench.engine.TxEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs transactions that must all commit — loading data, reading the bank's total — a few at a
 * time, retrying conflicts. Not measured.
 */
final class Batches {
  private static final int MAX_ATTEMPTS = 100;
  private static final Duration RETRY_FOR = Duration.ofSeconds(60);

  private Batches() {}

  static void commitAll(TxEngine engine, List<TxBody> batches, int threads, String what)
      throws InterruptedException {
    if (batches.isEmpty()) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads,
        batches.size())), r -> {
          Thread t = new Thread(r, "bench-" + what);
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<?>> done = new ArrayList<>();
      for (TxBody b : batches) {
        done.add(pool.submit(() -> commit(engine, b, what)));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof BenchException be) {
            throw be;
          }
          throw new BenchException("RTX-7002 " + what + " failed: " + c, c);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Commits {@code body}, retrying any abort or error: these transactions only put fixed values
   * or read, so running one again is harmless, and a cluster that has just started may still be
   * settling (nodes discovering each other) when the first ones arrive.
   */
  private static void commit(TxEngine engine, TxBody body, String what) {
    Attempt last = null;
    long deadline = System.nanoTime() + RETRY_FOR.toNanos();
    for (int i = 1; i <= MAX_ATTEMPTS && System.nanoTime() < deadline; i++) {
      last = engine.execute(body);
      if (last.committed()) {
        return;
      }
      long pauseMillis = "CONFLICT".equals(last.reason()) ? i : Math.min(1_000, 100L * i);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
    }
    throw new BenchException("RTX-7001 " + what + ": a transaction did not commit after retries"
        + " for up to " + RETRY_FOR.toSeconds() + " s; last: " + last.status() + " "
        + last.reason());
  }
}
