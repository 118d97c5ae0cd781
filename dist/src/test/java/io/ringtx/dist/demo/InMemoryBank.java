package io.ringtx.dist.demo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * A bank in memory for testing the demo's bookkeeping without a cluster. Transfers are atomic
 * (one lock) unless the bank is built {@link #lossy}: then a transfer reads, releases the lock
 * and writes later, so concurrent transfers lose updates exactly as a non-serializable store
 * would. It also plays out conflicts (extra attempts), aborts and errors, and counts them.
 */
final class InMemoryBank {
  private final Map<String, Long> balances = new HashMap<>();
  private final boolean lossy;
  private final double conflictRate;
  private final double abortRate;
  private final double errorRate;
  private final long seed;

  final AtomicLong openCalls = new AtomicLong();
  final AtomicLong largestOpen = new AtomicLong();
  final AtomicLong balanceCalls = new AtomicLong();
  final AtomicLong largestRead = new AtomicLong();
  final AtomicLong committed = new AtomicLong();
  final AtomicLong aborted = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  private final AtomicLong clientsOpened = new AtomicLong();

  private InMemoryBank(
      boolean lossy, double conflictRate, double abortRate, double errorRate, long seed) {
    this.lossy = lossy;
    this.conflictRate = conflictRate;
    this.abortRate = abortRate;
    this.errorRate = errorRate;
    this.seed = seed;
  }

  static InMemoryBank serializable(long seed) {
    return new InMemoryBank(false, 0.2, 0.05, 0.0, seed);
  }

  static InMemoryBank lossy(long seed) {
    return new InMemoryBank(true, 0.0, 0.0, 0.0, seed);
  }

  static InMemoryBank failing(long seed, double errorRate) {
    return new InMemoryBank(false, 0.0, 0.0, errorRate, seed);
  }

  BankClient.Factory clients() {
    return () -> new Client(new SplittableRandom(seed + clientsOpened.incrementAndGet()));
  }

  synchronized void remove(String account) {
    balances.remove(account);
  }

  private final class Client implements BankClient {
    private final SplittableRandom random;

    Client(SplittableRandom random) {
      this.random = random;
    }

    @Override
    public void open(List<String> accounts, long balance) {
      openCalls.incrementAndGet();
      largestOpen.accumulateAndGet(accounts.size(), Math::max);
      synchronized (InMemoryBank.this) {
        accounts.forEach(a -> balances.put(a, balance));
      }
    }

    @Override
    public TransferOutcome transfer(String from, String to, LongUnaryOperator amount) {
      if (random.nextDouble() < errorRate) {
        errors.incrementAndGet();
        throw new IllegalStateException("connection reset (simulated)");
      }
      int attempts = 1;
      while (random.nextDouble() < conflictRate) {
        attempts++;
      }
      retries.addAndGet(attempts - 1);
      if (random.nextDouble() < abortRate) {
        aborted.incrementAndGet();
        return TransferOutcome.aborted(attempts, "TIMEOUT");
      }
      if (lossy) {
        long fromBalance;
        long toBalance;
        synchronized (InMemoryBank.this) {
          fromBalance = balances.get(from);
          toBalance = balances.get(to);
        }
        long moved = amount.applyAsLong(fromBalance);
        Thread.yield(); // widen the window in which another transfer's update gets lost
        synchronized (InMemoryBank.this) {
          balances.put(from, fromBalance - moved);
          balances.put(to, toBalance + moved);
        }
      } else {
        synchronized (InMemoryBank.this) {
          long fromBalance = balances.get(from);
          long moved = amount.applyAsLong(fromBalance);
          if (moved < 0 || moved > fromBalance) {
            throw new AssertionError("amount " + moved + " outside [0, " + fromBalance + "]");
          }
          balances.put(from, fromBalance - moved);
          balances.put(to, balances.get(to) + moved);
        }
      }
      committed.incrementAndGet();
      return TransferOutcome.committed(attempts);
    }

    @Override
    public Map<String, Long> balances(List<String> accounts) {
      balanceCalls.incrementAndGet();
      largestRead.accumulateAndGet(accounts.size(), Math::max);
      Map<String, Long> result = new LinkedHashMap<>();
      synchronized (InMemoryBank.this) {
        for (String a : accounts) {
          Long b = balances.get(a);
          if (b != null) {
            result.put(a, b);
          }
        }
      }
      return result;
    }

    @Override
    public void close() {}
  }
}
