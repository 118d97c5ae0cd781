package io.ringtx.dist.crash;

import io.ringtx.dist.demo.BankClient;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.dist.demo.TransferOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent bank transfers through one coordinator, from {@link #start} until {@link #stop}:
 * the load during which a node reaches its crash point. Each transfer moves a random amount
 * between two random accounts, so every transaction conserves the total. Failures (a node down,
 * an unknown outcome) are counted, not thrown: they are what the drill provokes.
 */
public final class TransferLoad {
  private final BankClient.Factory clients;
  private final List<String> accounts;
  private final int threads;
  private final SplittableRandom seeds;
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  public TransferLoad(String url, List<String> accounts, int threads, long seed) {
    this.clients = RingTxBankClient.factory(url);
    this.accounts = List.copyOf(accounts);
    this.threads = threads;
    this.seeds = new SplittableRandom(seed);
  }

  /** Starts the client threads; each opens its own client. */
  public void start() {
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("already running");
    }
    workers.clear();
    for (int i = 0; i < threads; i++) {
      SplittableRandom random = seeds.split();
      Thread t = new Thread(() -> run(random), "transfer-load-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Stops the threads after the transfer each has in flight, and waits for them. */
  public void stop() throws InterruptedException {
    running.set(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Thread t : workers) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not stop within 60 s");
      }
    }
  }

  private void run(SplittableRandom random) {
    try (BankClient client = clients.connect()) {
      int n = accounts.size();
      while (running.get()) {
        int from = random.nextInt(n);
        int to = random.nextInt(n - 1);
        if (to >= from) {
          to++;
        }
        try {
          TransferOutcome o = client.transfer(accounts.get(from), accounts.get(to),
              balance -> balance <= 0 ? 0 : 1 + random.nextLong(balance));
          (o.committed() ? committed : aborted).incrementAndGet();
        } catch (Exception e) {
          failed.incrementAndGet();
          // A node is down: pace the retries as a real client would, not a busy loop that
          // starves the restarting nodes of CPU.
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
      }
    } catch (Exception e) {
      failed.incrementAndGet();
    }
  }

  public String describe() {
    return String.format(Locale.ROOT, "%d committed, %d aborted, %d failed", committed.get(),
        aborted.get(), failed.get());
  }

  public long committed() {
    return committed.get();
  }
}
