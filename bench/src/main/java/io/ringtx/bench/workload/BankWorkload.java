package io.ringtx.bench.workload;

import io.ringtx.bench.engine.TxBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Transfers between two distinct accounts drawn from the key distribution: read both balances,
 * move a random amount (1-100, at most the payer's balance), write both. Every account starts
 * with {@link #INITIAL_BALANCE}; serializable transfers keep the total, which {@link #audit}
 * reads back.
 */
public final class BankWorkload implements WorkloadDriver {
  /** The balance every account is created with. */
  public static final long INITIAL_BALANCE = 1_000;

  private static final int MAX_AMOUNT = 100;

  private final WorkloadSettings settings;
  private final KeyChooser keys;

  BankWorkload(WorkloadSettings settings) {
    this.settings = settings;
    this.keys = settings.keyChooser();
  }

  /** The key of account {@code i}. */
  public static String account(int i) {
    return "acct-" + i;
  }

  /** The total when every account holds its initial balance. */
  public long expectedTotal() {
    return INITIAL_BALANCE * settings.keys();
  }

  @Override
  public List<TxBody> loadBatches() {
    String initial = Long.toString(INITIAL_BALANCE);
    return Loads.batches(settings.keys(), BankWorkload::account, i -> initial);
  }

  @Override
  public TxBody next(RandomGenerator random) {
    int from = keys.next(random);
    int to = keys.next(random);
    while (to == from) {
      // With a skewed distribution the second draw may repeat the hot key: draw uniformly then.
      to = random.nextInt(settings.keys());
    }
    String a = account(from);
    String b = account(to);
    long amount = 1 + random.nextInt(MAX_AMOUNT);
    return tx -> {
      Map<String, String> read = tx.getAll(List.of(a, b));
      long fromBalance = balance(read.get(a), a);
      long toBalance = balance(read.get(b), b);
      long moved = Math.min(amount, fromBalance);
      if (moved > 0) {
        tx.put(a, Long.toString(fromBalance - moved));
        tx.put(b, Long.toString(toBalance + moved));
      }
    };
  }

  /**
   * Read-only transactions that together read every account: batch {@code i} stores its sum in
   * {@code sums[i]} (overwritten if the engine runs it again). Their sums add up to the total if
   * no transfer runs meanwhile.
   */
  public List<TxBody> audit(long[] sums) {
    List<TxBody> batches = new ArrayList<>();
    int n = 0;
    for (int from = 0; from < settings.keys(); from += LOAD_BATCH, n++) {
      int start = from;
      int end = Math.min(settings.keys(), from + LOAD_BATCH);
      int slot = n;
      batches.add(tx -> {
        List<String> accounts = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
          accounts.add(account(i));
        }
        long sum = 0;
        for (Map.Entry<String, String> e : tx.getAll(accounts).entrySet()) {
          sum += balance(e.getValue(), e.getKey());
        }
        sums[slot] = sum;
      });
    }
    return batches;
  }

  /** How many batches {@link #audit} makes. */
  public int auditBatches() {
    return (settings.keys() + LOAD_BATCH - 1) / LOAD_BATCH;
  }

  private static long balance(String value, String key) {
    if (value == null) {
      throw new IllegalStateException("account " + key + " does not exist: was the bank loaded?");
    }
    return Long.parseLong(value);
  }
}
