package io.ringtx.bench.run;

import io.ringtx.bench.engine.Attempt;
import io.ringtx.bench.engine.TxBody;
import io.ringtx.bench.engine.TxEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs transactions that must all commit — loading data, reading the bank's total — a few at a
 * time, retrying conflicts. Not measured.
 */
final class Batches {
  private static final int MAX_ATTEMPTS = 50;

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

  private static void commit(TxEngine engine, TxBody body, String what) {
    Attempt last = null;
    for (int i = 0; i < MAX_ATTEMPTS; i++) {
      last = engine.execute(body);
      if (last.committed()) {
        return;
      }
      if (!"CONFLICT".equals(last.reason())) {
        break;
      }
    }
    throw new BenchException("RTX-7001 " + what + ": a transaction did not commit: "
        + last.status() + " " + last.reason());
  }
}
