package io.ringtx.dist.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;

/**
 * The bank demo: opens {@code accounts} accounts with the same balance, lets {@code clients}
 * concurrent clients move random amounts between random pairs of accounts for a while, then
 * reads every balance. Each transfer conserves the total, so serializable transactions leave
 * the total unchanged whatever the interleaving; a lost update or a half-applied transfer shows
 * up as a different total.
 */
public final class BankDemo {
  /** Accounts written per transaction when opening them. */
  static final int OPEN_BATCH = 200;

  /** Accounts read per transaction at the end (well under the 10,000 keys of DESIGN §2). */
  static final int READ_BATCH = 1_000;

  /** Unexpected errors printed in full; later ones are only counted. */
  private static final int ERRORS_SHOWN = 5;

  private final Options options;
  private final BankClient.Factory clients;
  private final PrintWriter out;
  private final PrintWriter err;
  private final AtomicInteger errorsShown = new AtomicInteger();

  /** What to run. */
  public record Options(
      int accounts, int clients, Duration duration, long initialBalance, long seed) {

    /** Validates the values; the CLI checks them first with friendlier messages. */
    public Options {
      if (accounts < 2) {
        throw new IllegalArgumentException("at least 2 accounts are needed, was " + accounts);
      }
      if (clients < 1) {
        throw new IllegalArgumentException("at least 1 client is needed, was " + clients);
      }
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative: " + duration);
      }
      if (initialBalance < 0) {
        throw new IllegalArgumentException("initial balance must not be negative");
      }
      expectedTotal(accounts, initialBalance); // throws if the total does not fit in a long
    }

    /** The total of all balances, which every transfer conserves. */
    public long expectedTotal() {
      return expectedTotal(accounts, initialBalance);
    }

    private static long expectedTotal(int accounts, long initialBalance) {
      try {
        return Math.multiplyExact(accounts, initialBalance);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            accounts + " accounts × " + initialBalance + " overflows a 64-bit total", e);
      }
    }
  }

  /** What happened, and whether the total was conserved. */
  public record Result(
      long committed,
      long aborted,
      long abortsRetried,
      long errors,
      Duration elapsed,
      long expectedTotal,
      long actualTotal) {

    /** The demo's verdict: the sum of all balances is what it was at the start. */
    public boolean conserved() {
      return expectedTotal == actualTotal;
    }

    /** Committed transfers per second of the transfer phase. */
    public double throughput() {
      long nanos = elapsed.toNanos();
      return nanos == 0 ? 0 : committed * 1e9 / nanos;
    }

    /** The summary printed at the end. */
    public List<String> report() {
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              Locale.ROOT,
              "transfers: %d committed, %d aborted (%d aborts retried), %d errors in %.1f s: %.0f tx/s",
              committed,
              aborted,
              abortsRetried,
              errors,
              elapsed.toNanos() / 1e9,
              throughput()));
      if (conserved()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "total: expected %d, actual %d: conserved",
                expectedTotal,
                actualTotal));
      } else {
        lines.add(
            String.format(
                Locale.ROOT,
                "total: expected %d, actual %d: NOT CONSERVED (difference %+d)",
                expectedTotal,
                actualTotal,
                actualTotal - expectedTotal));
      }
      return lines;
    }
  }

  /**
   * @param clients opens the clients: one for setup, one per concurrent client, one for the check
   * @param out progress lines and nothing else
   * @param err unexpected errors of individual transfers
   */
  public BankDemo(Options options, BankClient.Factory clients, PrintWriter out, PrintWriter err) {
    this.options = options;
    this.clients = clients;
    this.out = out;
    this.err = err;
  }

  /** The key of account {@code i}: zero-padded so that keys sort in account order. */
  public static String accountKey(int i) {
    return String.format(Locale.ROOT, "acct-%06d", i);
  }

  /** Opens the accounts, runs the transfers, and checks the total. */
  public Result run() throws Exception {
    List<String> accounts = new ArrayList<>(options.accounts());
    for (int i = 0; i < options.accounts(); i++) {
      accounts.add(accountKey(i));
    }
    try (BankClient setup = clients.connect()) {
      open(setup, accounts);
    }
    Tally tally = new Tally();
    Duration elapsed = transfer(accounts, tally);
    long actual;
    try (BankClient check = clients.connect()) {
      actual = total(check, accounts);
    }
    Tally.Counts c = tally.counts();
    return new Result(
        c.committed(),
        c.aborted(),
        c.abortsRetried(),
        c.errors(),
        elapsed,
        options.expectedTotal(),
        actual);
  }

  private void open(BankClient client, List<String> accounts) throws Exception {
    long start = System.nanoTime();
    long lastLine = start;
    for (int from = 0; from < accounts.size(); from += OPEN_BATCH) {
      client.open(accounts.subList(from, Math.min(from + OPEN_BATCH, accounts.size())),
          options.initialBalance());
      long now = System.nanoTime();
      if (now - lastLine >= TimeUnit.SECONDS.toNanos(1)) {
        line("  opened %d/%d accounts", Math.min(from + OPEN_BATCH, accounts.size()),
            accounts.size());
        lastLine = now;
      }
    }
    line(
        "opened %d accounts with %d each (total %d) in %.1f s",
        accounts.size(),
        options.initialBalance(),
        options.expectedTotal(),
        (System.nanoTime() - start) / 1e9);
  }

  /** Runs the concurrent transfers; returns the time from the start to the last one's end. */
  private Duration transfer(List<String> accounts, Tally tally) throws Exception {
    List<BankClient> connected = new ArrayList<>();
    try {
      for (int i = 0; i < options.clients(); i++) {
        connected.add(clients.connect());
      }
      line(
          "running %d clients for %d s: random transfers between %d accounts",
          options.clients(),
          options.duration().toSeconds(),
          accounts.size());
      CountDownLatch done = new CountDownLatch(connected.size());
      long start = System.nanoTime();
      long deadline = start + options.duration().toNanos();
      SplittableRandom seeds = new SplittableRandom(options.seed());
      for (int i = 0; i < connected.size(); i++) {
        BankClient client = connected.get(i);
        SplittableRandom random = seeds.split();
        Thread worker =
            new Thread(
                () -> {
                  try {
                    transferUntil(deadline, client, random, accounts, tally);
                  } finally {
                    done.countDown();
                  }
                },
                "bank-client-" + i);
        worker.setDaemon(true);
        worker.start();
      }
      progressUntilDone(start, done, tally);
      return Duration.ofNanos(System.nanoTime() - start);
    } finally {
      for (BankClient client : connected) {
        client.close();
      }
    }
  }

  private void transferUntil(
      long deadline,
      BankClient client,
      SplittableRandom random,
      List<String> accounts,
      Tally tally) {
    int n = accounts.size();
    while (System.nanoTime() - deadline < 0) {
      // Two distinct accounts, uniformly: draw the second from the n - 1 others.
      int from = random.nextInt(n);
      int to = random.nextInt(n - 1);
      if (to >= from) {
        to++;
      }
      try {
        tally.record(client.transfer(accounts.get(from), accounts.get(to), amountPicker(random)));
      } catch (Exception e) {
        // Unknown outcome (e.g. a timeout): the transfer may or may not have happened, and
        // either way it conserved the total, so count it and go on.
        tally.error();
        if (errorsShown.getAndIncrement() < ERRORS_SHOWN) {
          synchronized (err) {
            err.println("transfer " + accounts.get(from) + " -> " + accounts.get(to)
                + " failed: " + e);
            err.flush();
          }
        }
      }
    }
  }

  /** Any amount from 1 to the source's balance; nothing from an empty account. */
  static LongUnaryOperator amountPicker(SplittableRandom random) {
    return balance -> balance <= 0 ? 0 : 1 + random.nextLong(balance);
  }

  /** Prints one progress line per second until every client has finished. */
  private void progressUntilDone(long start, CountDownLatch done, Tally tally)
      throws InterruptedException {
    long tick = TimeUnit.SECONDS.toNanos(1);
    long nextLine = start + tick;
    long committedBefore = 0;
    long lineBefore = start;
    while (!done.await(Math.max(0, nextLine - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      long now = System.nanoTime();
      Tally.Counts c = tally.counts();
      double seconds = (now - lineBefore) / 1e9;
      line("%s", progressLine((now - start) / tick, c, c.committed() - committedBefore, seconds));
      committedBefore = c.committed();
      lineBefore = now;
      nextLine += tick;
    }
  }

  /** {@code [  3s] committed 4512  aborted 3 (aborts retried 120)  1504 tx/s}. */
  static String progressLine(long second, Tally.Counts c, long committedInInterval, double seconds) {
    return String.format(
        Locale.ROOT,
        "[%3ds] committed %d  aborted %d (aborts retried %d)%s  %.0f tx/s",
        second,
        c.committed(),
        c.aborted(),
        c.abortsRetried(),
        c.errors() == 0 ? "" : "  errors " + c.errors(),
        seconds <= 0 ? 0.0 : committedInInterval / seconds);
  }

  /** Reads every balance after all transfers ended, in transactions of READ_BATCH accounts. */
  private long total(BankClient client, List<String> accounts) throws Exception {
    // Reading in transactions, not with plain gets: a transfer whose commit is decided may still
    // be applying at a shard; a transactional read of a locked or outdated key conflicts and is
    // retried until the shard has applied it. No new transfer starts, so the batches add up to
    // one consistent total.
    long total = 0;
    for (int from = 0; from < accounts.size(); from += READ_BATCH) {
      List<String> batch = accounts.subList(from, Math.min(from + READ_BATCH, accounts.size()));
      Map<String, Long> balances = client.balances(batch);
      for (String account : batch) {
        Long balance = balances.get(account);
        if (balance == null) {
          throw new DemoFailedException("account " + account + " is missing");
        }
        total = Math.addExact(total, balance);
      }
    }
    return total;
  }

  private void line(String format, Object... args) {
    synchronized (out) {
      out.println(String.format(Locale.ROOT, format, args));
      out.flush();
    }
  }
}
