package io.ringtx.bench.run;

import io.ringtx.bench.engine.Attempt;
import io.ringtx.bench.engine.TxBody;
import io.ringtx.bench.engine.TxEngine;
import io.ringtx.bench.workload.WorkloadDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The clients of one measured run, each running one transaction after another until the end.
 * Two ways to run a client, with the same rules: a thread per client that waits on each
 * transaction, or — for an {@link TxEngine#asynchronous} engine — a chain of callbacks
 * ({@link Chain}), each transaction started when the last one's future ends, so that no thread
 * waits and the harness costs the machine little besides its requests.
 *
 * <p>Closed loop: a client starts its next transaction when its last ends. Open loop (a {@link
 * OpenLoopSchedule}): clients take tickets, wait for the ticket's intended start if it is ahead,
 * and latency counts from that intended start.
 */
final class Clients {
  /** Nested completions before a chain continues on the scheduler instead (bounds the stack). */
  private static final int MAX_DEPTH = 32;

  private final TxEngine engine;
  private final WorkloadDriver driver;
  private final OpenLoopSchedule schedule;
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicLong begun = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicReference<Throwable> crash = new AtomicReference<>();
  private final long measureStart;
  private final long end;
  private final Sink warm;
  private final Sink measured;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Chain> chains = new ArrayList<>();
  private CountDownLatch chainsLeft;
  private ScheduledExecutorService scheduler;

  /**
   * @param schedule the open loop's, or null for a closed loop
   * @param measureStart when the measured window begins (System.nanoTime): earlier ends go to
   *     {@code warm}, later ones to {@code measured}
   * @param end when clients stop starting transactions
   */
  Clients(TxEngine engine, WorkloadDriver driver, OpenLoopSchedule schedule, long measureStart,
      long end, Sink warm, Sink measured) {
    this.engine = engine;
    this.driver = driver;
    this.schedule = schedule;
    this.measureStart = measureStart;
    this.end = end;
    this.warm = warm;
    this.measured = measured;
  }

  /**
   * Starts {@code concurrency} clients, each drawing its transactions from its own split of
   * {@code seeds}: chains of callbacks on an {@link TxEngine#asynchronous} engine, threads
   * otherwise.
   */
  void start(int concurrency, SplittableRandom seeds) {
    for (int i = 0; i < concurrency; i++) {
      if (engine.asynchronous()) {
        chains.add(new Chain(seeds.split()));
      } else {
        thread(seeds.split(), "bench-worker-" + i);
      }
    }
    if (!chains.isEmpty()) {
      chainsLeft = new CountDownLatch(chains.size());
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-clients");
        t.setDaemon(true);
        return t;
      });
      chains.forEach(c -> scheduler.execute(c::step));
    }
    threads.forEach(Thread::start);
  }

  /** What made a client fail (and every client stop), or null. */
  Throwable crash() {
    return crash.get();
  }

  /** Open-loop starts begun so far. */
  long begun() {
    return begun.get();
  }

  /** Adds a client run by a thread of its own. */
  private void thread(SplittableRandom random, String name) {
    Thread t = new Thread(() -> {
      try {
        long start;
        while ((start = nextStart()) >= 0) {
          if (schedule != null) {
            waitUntil(start);
            begun.incrementAndGet();
          }
          TxBody body = driver.next(random);
          long actual = System.nanoTime();
          record(engine.execute(body), start, actual);
        }
      } catch (Throwable e) {
        crashed(e);
      }
    }, name);
    t.setDaemon(true);
    threads.add(t);
  }

  /** Whether a client is still running. */
  boolean running() {
    return threads.stream().anyMatch(Thread::isAlive)
        || (chainsLeft != null && chainsLeft.getCount() > 0);
  }

  /** Waits for every client to end. */
  void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
    if (chainsLeft != null) {
      chainsLeft.await();
      scheduler.shutdown();
    }
  }

  /**
   * The start of a client's next transaction (System.nanoTime: now, or its open-loop ticket's
   * intended start), or -1 when the client is done.
   */
  private long nextStart() {
    if (stop.get()) {
      return -1;
    }
    if (schedule != null) {
      long start = schedule.intendedStart(tickets.getAndIncrement());
      // Past the end, an overloaded open loop stops too: the starts it never reached are
      // counted as missed rather than run for as long again as the backlog lasts.
      return start >= end || System.nanoTime() >= end ? -1 : start;
    }
    long start = System.nanoTime();
    return start >= end ? -1 : start;
  }

  private void record(Attempt a, long start, long actual) {
    long done = System.nanoTime();
    (start < measureStart ? warm : measured).record(a, done - start, done - actual);
  }

  private void crashed(Throwable e) {
    crash.compareAndSet(null, e);
    stop.set(true);
  }

  /** Parks until {@code deadline} (System.nanoTime), unless told to stop. */
  private void waitUntil(long deadline) {
    long left;
    while (!stop.get() && (left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
  }

  /** A client as a chain of callbacks: one transaction in flight at a time. */
  private final class Chain {
    private final SplittableRandom random;
    private int depth;

    Chain(SplittableRandom random) {
      this.random = random;
    }

    /** Starts the next transaction, or ends the chain. */
    void step() {
      long start = nextStart();
      if (start < 0) {
        chainsLeft.countDown();
        return;
      }
      long wait = start - System.nanoTime();
      if (schedule != null && wait > 0) {
        scheduler.schedule(() -> launch(start), wait, TimeUnit.NANOSECONDS);
      } else {
        launch(start);
      }
    }

    private void launch(long start) {
      if (schedule != null) {
        begun.incrementAndGet();
      }
      long actual = System.nanoTime();
      try {
        engine.executeAsync(driver.next(random)).whenComplete((a, e) -> {
          if (e != null) {
            crashed(e);
            chainsLeft.countDown();
            return;
          }
          record(a, start, actual);
          if (++depth > MAX_DEPTH) {
            depth = 0;
            scheduler.execute(this::step);
          } else {
            step();
            depth--;
          }
        });
      } catch (RuntimeException e) {
        crashed(e);
        chainsLeft.countDown();
      }
    }
  }
}
