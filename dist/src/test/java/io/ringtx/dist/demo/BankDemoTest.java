package io.ringtx.dist.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class BankDemoTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private BankDemo demo(BankDemo.Options options, InMemoryBank bank) {
    return new BankDemo(
        options, bank.clients(), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static BankDemo.Options options(int accounts, int clients, Duration duration) {
    return new BankDemo.Options(accounts, clients, duration, 100, 42);
  }

  @Test
  void serializableBank_conservesTheTotal_andCountsEveryOutcome() throws Exception {
    InMemoryBank bank = InMemoryBank.serializable(7);

    BankDemo.Result result = demo(options(50, 4, Duration.ofMillis(300)), bank).run();

    assertThat(result.conserved()).isTrue();
    assertThat(result.expectedTotal()).isEqualTo(5_000);
    assertThat(result.actualTotal()).isEqualTo(5_000);
    assertThat(result.committed()).isPositive().isEqualTo(bank.committed.get());
    assertThat(result.aborted()).isPositive().isEqualTo(bank.aborted.get());
    assertThat(result.abortsRetried()).isPositive().isEqualTo(bank.retries.get());
    assertThat(result.errors()).isZero();
    assertThat(result.throughput()).isPositive();
    assertThat(result.report()).last().asString().endsWith("conserved");
  }

  @Test
  void lostUpdates_areCaught_asATotalThatIsNotConserved() throws Exception {
    // Few accounts and many clients make the lossy bank's lost updates near certain.
    InMemoryBank bank = InMemoryBank.lossy(11);

    BankDemo.Result result = demo(options(3, 8, Duration.ofMillis(500)), bank).run();

    assertThat(result.conserved()).isFalse();
    assertThat(result.report()).last().asString().contains("NOT CONSERVED");
  }

  @Test
  void transferErrors_areCounted_andOnlyTheFirstFewPrinted() throws Exception {
    InMemoryBank bank = InMemoryBank.failing(3, 0.5);

    BankDemo.Result result = demo(options(20, 2, Duration.ofMillis(200)), bank).run();

    assertThat(result.errors()).isPositive().isEqualTo(bank.errors.get());
    assertThat(result.conserved()).isTrue();
    assertThat(err.toString().lines()).hasSizeBetween(1, 5).allMatch(l -> l.contains("failed"));
  }

  @Test
  void zeroSeconds_runsNoTransfers_andStillChecksTheTotal() throws Exception {
    InMemoryBank bank = InMemoryBank.serializable(1);

    BankDemo.Result result = demo(options(10, 2, Duration.ZERO), bank).run();

    assertThat(result.committed()).isZero();
    assertThat(result.conserved()).isTrue();
  }

  @Test
  void accountsAreOpenedAndRead_inBatchesWithinTheKeyLimit() throws Exception {
    InMemoryBank bank = InMemoryBank.serializable(5);

    BankDemo.Result result = demo(options(2_500, 1, Duration.ZERO), bank).run();

    assertThat(result.actualTotal()).isEqualTo(250_000);
    assertThat(bank.openCalls.get()).isEqualTo(13); // ceil(2500 / 200)
    assertThat(bank.largestOpen.get()).isEqualTo(BankDemo.OPEN_BATCH);
    assertThat(bank.balanceCalls.get()).isEqualTo(3); // ceil(2500 / 1000)
    assertThat(bank.largestRead.get()).isEqualTo(BankDemo.READ_BATCH);
    assertThat(out.toString()).contains("opened 2500 accounts with 100 each (total 250000)");
  }

  @Test
  void progress_isPrintedOncePerSecond() throws Exception {
    InMemoryBank bank = InMemoryBank.serializable(9);

    demo(options(20, 2, Duration.ofMillis(1_300)), bank).run();

    assertThat(out.toString()).containsPattern("\\[  1s\\] committed \\d+  aborted \\d+ "
        + "\\(aborts retried \\d+\\)  \\d+ tx/s");
    assertThat(out.toString()).doesNotContain("[  2s]");
  }

  @Test
  void aMissingAccount_failsTheDemo() {
    InMemoryBank bank = InMemoryBank.serializable(2);
    BankClient.Factory clients = bank.clients();
    // Every connect loses account 3; the one for the final check comes after it was opened.
    BankClient.Factory losingOne =
        () -> {
          BankClient c = clients.connect();
          bank.remove(BankDemo.accountKey(3));
          return c;
        };

    BankDemo demo =
        new BankDemo(
            options(10, 1, Duration.ZERO),
            losingOne,
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    assertThatThrownBy(demo::run)
        .isInstanceOf(DemoFailedException.class)
        .hasMessage("account acct-000003 is missing");
  }

  @Test
  void amountPicker_movesBetweenOneAndTheWholeBalance() {
    long seed = ThreadLocalRandom.current().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    LongUnaryOperator picker = BankDemo.amountPicker(random);
    for (int i = 0; i < 10_000; i++) {
      long balance = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextLong(1_000_000);
      long amount = picker.applyAsLong(balance);
      long min = balance == 0 ? 0 : 1;
      assertThat(amount)
          .as("seed %d (replay: set seed to it in this test), balance %d", seed, balance)
          .isBetween(min, balance);
    }
  }

  @Test
  void options_refuseATotalThatOverflows() {
    assertThatThrownBy(
            () -> new BankDemo.Options(1_000, 1, Duration.ZERO, Long.MAX_VALUE / 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflows");
    assertThatThrownBy(() -> new BankDemo.Options(1, 1, Duration.ZERO, 100, 1))
        .hasMessageContaining("at least 2 accounts");
  }

  @Test
  void report_statesCountsThroughputAndVerdict() {
    var result = new BankDemo.Result(1_000, 3, 40, 0, Duration.ofSeconds(2), 100_000, 99_990);

    assertThat(result.report())
        .containsExactly(
            "transfers: 1000 committed, 3 aborted (40 aborts retried), 0 errors in 2.0 s: 500 tx/s",
            "total: expected 100000, actual 99990: NOT CONSERVED (difference -10)");
  }

  @Test
  void progressLine_showsErrorsOnlyWhenThereAreSome() {
    assertThat(BankDemo.progressLine(3, new Tally.Counts(4512, 3, 120, 0), 1504, 1.0))
        .isEqualTo("[  3s] committed 4512  aborted 3 (aborts retried 120)  1504 tx/s");
    assertThat(BankDemo.progressLine(3, new Tally.Counts(4512, 3, 120, 2), 750, 0.5))
        .isEqualTo("[  3s] committed 4512  aborted 3 (aborts retried 120)  errors 2  1500 tx/s");
  }

  @Test
  void transferOutcome_countsRetriedConflicts() {
    assertThat(TransferOutcome.committed(1).abortsRetried()).isZero();
    assertThat(TransferOutcome.aborted(4, "CONFLICT").abortsRetried()).isEqualTo(3);
    assertThatThrownBy(() -> new TransferOutcome(true, 1, "CONFLICT"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
