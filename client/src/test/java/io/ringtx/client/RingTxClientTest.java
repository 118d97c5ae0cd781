package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.WriteOp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;

/** The client against the real HTTP API on 127.0.0.1, port 0, in front of the in-memory fake. */
class RingTxClientTest {
  static Vertx server;

  FakeTransactionService fake;
  HttpApi api;
  RingTxClient client;

  @BeforeAll
  static void startVertx() {
    server = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(server.close());
  }

  @BeforeEach
  void start() throws Exception {
    fake = new FakeTransactionService(new Limits(64, 1024, 100));
    api = await(HttpApi.start(server, fake, "127.0.0.1", 0));
    client = RingTx.connect(url(), fastOptions());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(api.close());
  }

  static ClientOptions fastOptions() {
    return ClientOptions.defaults()
        .withRequestTimeout(Duration.ofSeconds(5))
        .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  /** Runs a transaction the way this class tests: {@link RingTxClient#run}. */
  <T> T run(TxFunction<T> fn) {
    return client.run(fn);
  }

  /** How often the function runs in one attempt that reads {@code rounds} times. */
  int runsPerAttempt(int rounds) {
    return 1;
  }

  String url() {
    return "http://127.0.0.1:" + api.port();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---- get --------------------------------------------------------------------------------

  @Test
  void get_present_returnsValueAndVersion() {
    fake.put("k", "a");
    fake.put("k", "b");
    assertThat(client.get("k")).hasValue(new KeyValue("k", "b", 2));
  }

  @Test
  void get_absent_isEmpty() {
    assertThat(client.get("nope")).isEmpty();
  }

  @Test
  void get_awkwardKeys_roundTrip() {
    List<String> keys =
        List.of("a/b", "..", ".", "/", "a b", "100%", "x?y#z", "é😀", "a+b", "tab\there", "q\"'");
    for (String k : keys) {
      fake.put(k, "v:" + k);
    }
    for (String k : keys) {
      assertThat(client.get(k)).as(k).hasValue(new KeyValue(k, "v:" + k, 1));
    }
    assertThat(fake.reads()).containsExactlyElementsOf(keys);
  }

  @Test
  void get_keyOverTheLimit_isRejectedWithTheApiCode() {
    assertThatThrownBy(() -> client.get("k".repeat(65)))
        .isInstanceOfSatisfying(
            RequestRejectedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.error()).isEqualTo("key_too_large");
            });
  }

  @Test
  void get_emptyKey_isRefusedLocally() {
    assertThatThrownBy(() -> client.get("")).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- run --------------------------------------------------------------------------------

  @Test
  void run_commitsTheWritesAndReturnsTheResult() {
    String result =
        run(
            tx -> {
              tx.put("a", "1");
              tx.append("log", "x");
              tx.delete("gone");
              return "done";
            });
    assertThat(result).isEqualTo("done");
    assertThat(fake.stored("a")).hasValue(new FakeTransactionService.Stored("1", 1));
    assertThat(fake.stored("log")).hasValue(new FakeTransactionService.Stored("x", 1));
    TxRequest sent = fake.commits().get(0);
    assertThat(sent.id().value()).isEqualTo(client.clientId() + "-1");
    assertThat(sent.reads()).isEmpty();
    assertThat(sent.writes())
        .containsExactly(WriteOp.put("a", "1"), WriteOp.append("log", "x"), WriteOp.delete("gone"));
  }

  @Test
  void run_idsAreClientIdDashSequence() {
    run(tx -> null);
    run(tx -> null);
    assertThat(fake.commits())
        .extracting(r -> r.id().value())
        .containsExactly(client.clientId() + "-1", client.clientId() + "-2");
    assertThat(TxId.isValid(client.clientId() + "-1")).isTrue();
  }

  @Test
  void run_conflictThenSuccess_retriesFromScratchWithANewId() {
    fake.put("counter", "41");
    fake.thenAbort(Reason.CONFLICT);
    AtomicInteger calls = new AtomicInteger();
    List<String> ids = new ArrayList<>();
    int result =
        run(
            tx -> {
              calls.incrementAndGet();
              ids.add(tx.id());
              int v = Integer.parseInt(tx.get("counter").orElseThrow()) + 1;
              tx.put("counter", Integer.toString(v));
              return v;
            });
    assertThat(result).isEqualTo(42);
    assertThat(calls).hasValue(runsPerAttempt(1) * 2);
    List<String> attempts = ids.stream().distinct().toList();
    assertThat(attempts).hasSize(2);
    assertThat(fake.commits()).extracting(r -> r.id().value())
        .containsExactlyElementsOf(attempts);
    assertThat(fake.stored("counter")).hasValue(new FakeTransactionService.Stored("42", 2));
  }

  @Test
  void run_concurrentWriterBetweenReadAndCommit_conflictsAndRetriesOnFreshData() {
    fake.put("x", "1");
    AtomicInteger calls = new AtomicInteger();
    String seen =
        run(
            tx -> {
              String v = tx.get("x").orElseThrow();
              if (calls.incrementAndGet() == 1) {
                fake.put("x", "2"); // another transaction commits after our read
              }
              tx.put("y", "saw " + v);
              return v;
            });
    assertThat(seen).isEqualTo("2");
    assertThat(fake.stored("y").map(FakeTransactionService.Stored::value)).hasValue("saw 2");
    assertThat(fake.commits()).hasSize(2);
    assertThat(fake.commits().get(0).reads()).containsExactly(new ReadItem("x", 1));
    assertThat(fake.commits().get(1).reads()).containsExactly(new ReadItem("x", 2));
  }

  @Test
  void run_conflictEveryTime_givesUpAfterMaxAttempts() throws Exception {
    client.close();
    client = RingTx.connect(url(), fastOptions().withMaxAttempts(3));
    for (int i = 0; i < 3; i++) {
      fake.thenAbort(Reason.CONFLICT);
    }
    assertThatThrownBy(() -> run(tx -> {
          tx.put("k", "v");
          return null;
        }))
        .isInstanceOfSatisfying(
            TxAbortedException.class,
            e -> {
              assertThat(e.reason()).hasValue(Reason.CONFLICT);
              assertThat(e.txId()).isEqualTo(client.clientId() + "-3");
            });
    assertThat(fake.commits()).hasSize(3);
    assertThat(fake.stored("k")).isEmpty();
  }

  @Test
  void run_passingFailureAbort_isRetriedWithANewId_andCommits() {
    fake.thenAbort(Reason.PARTICIPANT_FAILED).thenAbort(Reason.TIMEOUT);
    List<String> ids = new ArrayList<>();
    run(tx -> {
      ids.add(tx.id());
      tx.put("k", "v");
      return null;
    });
    assertThat(ids).containsExactly(
        client.clientId() + "-1", client.clientId() + "-2", client.clientId() + "-3");
    assertThat(fake.commits()).hasSize(3);
    assertThat(fake.stored("k")).isPresent();
  }

  @ParameterizedTest
  @EnumSource(value = Reason.class, names = {"INVALID", "ID_REUSED"})
  void run_invalidAbort_throwsWithIdAndReason_withoutRetrying(Reason reason) {
    fake.thenAbort(reason);
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> run(tx -> {
          calls.incrementAndGet();
          tx.put("k", "v");
          return null;
        }))
        .isInstanceOfSatisfying(
            TxAbortedException.class,
            e -> {
              assertThat(e.reason()).hasValue(reason);
              assertThat(e.txId()).isEqualTo(client.clientId() + "-1");
            });
    assertThat(calls).hasValue(1);
    assertThat(fake.commits()).hasSize(1);
    assertThat(fake.stored("k")).isEmpty();
  }

  @Test
  void run_exceptionInFn_sendsNothingAndPropagates() {
    IllegalStateException boom = new IllegalStateException("insufficient funds");
    fake.put("acct", "5");
    assertThatThrownBy(() -> run(tx -> {
          tx.get("acct");
          tx.put("acct", "-5");
          throw boom;
        }))
        .isSameAs(boom);
    assertThat(fake.commits()).isEmpty();
    assertThat(fake.stored("acct").map(FakeTransactionService.Stored::value)).hasValue("5");
  }

  @Test
  void run_readYourWrites_andOneVersionPerReadKey() {
    fake.put("r", "base");
    fake.put("a", "A");
    run(
        tx -> {
          assertThat(tx.get("r")).hasValue("base");
          assertThat(tx.get("r")).hasValue("base"); // cached: no second read
          tx.put("w", "new");
          assertThat(tx.get("w")).hasValue("new"); // blind write: no read at all
          tx.append("w", "+1");
          assertThat(tx.get("w")).hasValue("new+1");
          tx.append("a", "+x"); // append to a key not read yet
          assertThat(tx.get("a")).hasValue("A+x"); // reads the base through, once
          tx.append("a", "+y");
          assertThat(tx.get("a")).hasValue("A+x+y");
          tx.delete("r");
          assertThat(tx.get("r")).isEmpty();
          tx.append("r", "again");
          assertThat(tx.get("r")).hasValue("again");
          assertThat(tx.get("missing")).isEmpty();
          return null;
        });
    assertThat(fake.reads()).containsExactly("r", "a", "missing");
    TxRequest sent = fake.commits().get(0);
    assertThat(sent.reads())
        .containsExactly(new ReadItem("r", 1), new ReadItem("a", 1), new ReadItem("missing", 0));
    // One write per key, with the same effect as the sequence of calls.
    assertThat(sent.writes())
        .containsExactly(
            WriteOp.put("w", "new+1"), WriteOp.append("a", "+x+y"), WriteOp.put("r", "again"));
    assertThat(fake.stored("a").map(FakeTransactionService.Stored::value)).hasValue("A+x+y");
  }

  @Test
  void run_readOnly_stillCommitsItsReadSet() {
    fake.put("k", "v");
    String v = run(tx -> tx.get("k").orElseThrow());
    assertThat(v).isEqualTo("v");
    assertThat(fake.commits()).singleElement().satisfies(r -> {
      assertThat(r.reads()).containsExactly(new ReadItem("k", 1));
      assertThat(r.writes()).isEmpty();
    });
  }

  @Test
  void run_txUsedAfterItsFunction_isRefused() {
    AtomicReference<Tx> leaked = new AtomicReference<>();
    run(tx -> {
      leaked.set(tx);
      return null;
    });
    assertThatThrownBy(() -> leaked.get().put("k", "v")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void run_unknownOutcome_resendsTheSameId() {
    fake.thenUnknown();
    run(tx -> {
      tx.put("k", "v");
      return null;
    });
    assertThat(fake.commits()).hasSize(2);
    assertThat(fake.commits().get(0).id()).isEqualTo(fake.commits().get(1).id());
    assertThat(fake.stored("k").map(FakeTransactionService.Stored::value)).hasValue("v");
  }

  @Test
  void run_lostReply_resendIsAnsweredFromTheStoredOutcome_appliedOnce() {
    fake.thenApplyAndFail(); // applied, but the answer is a 500
    run(tx -> {
      tx.append("log", "x");
      return null;
    });
    assertThat(fake.commits()).hasSize(2);
    assertThat(fake.commits().get(0).id()).isEqualTo(fake.commits().get(1).id());
    assertThat(fake.stored("log")).hasValue(new FakeTransactionService.Stored("x", 1));
  }

  @Test
  void run_outcomeNeverLearned_throwsOutcomeUnknownWithTheId() {
    for (int i = 0; i < ClientOptions.DEFAULT_COMMIT_SENDS; i++) {
      fake.thenUnknown();
    }
    assertThatThrownBy(() -> run(tx -> {
          tx.put("k", "v");
          return null;
        }))
        .isInstanceOfSatisfying(
            TxOutcomeUnknownException.class,
            e -> assertThat(e.txId()).isEqualTo(client.clientId() + "-1"));
    assertThat(fake.commits()).hasSize(ClientOptions.DEFAULT_COMMIT_SENDS);
  }

  @Test
  void run_outcomeLearnedFromStatusAfterFailedSends() {
    // Every send is applied but its answer lost: the status query tells the client.
    for (int i = 0; i < ClientOptions.DEFAULT_COMMIT_SENDS; i++) {
      fake.thenApplyAndFail();
    }
    String r = run(tx -> {
      tx.put("k", "v");
      return "ok";
    });
    assertThat(r).isEqualTo("ok");
    assertThat(fake.stored("k")).hasValue(new FakeTransactionService.Stored("v", 1));
  }

  @Test
  void run_invalidTransaction_isRejectedAndNotRetried() {
    assertThatThrownBy(() -> run(tx -> {
          tx.put("k", "v".repeat(2000));
          return null;
        }))
        .isInstanceOfSatisfying(
            RequestRejectedException.class,
            e -> {
              assertThat(e.error()).isEqualTo("value_too_large");
              assertThat(e.getMessage()).contains("writes[0].value");
            });
    assertThat(fake.commits()).isEmpty();
  }

  @Test
  void run_coordinatorDown_commitOutcomeIsUnknown() throws Exception {
    await(api.close());
    assertThatThrownBy(() -> run(tx -> {
          tx.put("k", "v");
          return null;
        }))
        .isInstanceOf(TxOutcomeUnknownException.class);
    assertThatThrownBy(() -> client.get("k"))
        .isInstanceOf(RingTxException.class)
        .isNotInstanceOf(RequestRejectedException.class);
    api = await(HttpApi.start(server, fake, "127.0.0.1", 0)); // for @AfterEach
  }

  @Test
  void run_concurrentIncrements_areSerializable() throws Exception {
    client.close();
    client = RingTx.connect(url(), fastOptions().withMaxAttempts(200));
    int threads = 4;
    int perThread = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < perThread; i++) {
            run(tx -> {
              int v = Integer.parseInt(tx.get("n").orElse("0"));
              tx.put("n", Integer.toString(v + 1));
              return null;
            });
          }
        }, pool));
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(client.get("n").map(KeyValue::value)).hasValue(Integer.toString(threads * perThread));
  }

  // ---- outcome ----------------------------------------------------------------------------

  @Test
  void outcome_ofCommittedAbortedAndUnknownTransactions() {
    run(tx -> null);
    String committed = fake.commits().get(0).id().value();
    fake.thenAbort(Reason.INVALID);
    String aborted = client.clientId() + "-2";
    assertThatThrownBy(() -> run(tx -> null)).isInstanceOf(TxAbortedException.class);
    assertThat(client.outcome(committed)).isEqualTo(Outcome.COMMITTED);
    assertThat(client.outcome(aborted)).isEqualTo(Outcome.ABORTED);
    assertThat(client.outcome("nobody-knows-1")).isEqualTo(Outcome.UNKNOWN);
    assertThatThrownBy(() -> client.outcome("not valid"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- threading and lifecycle ------------------------------------------------------------

  @Test
  void calls_onAnEventLoop_areRefused() {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    server.runOnContext(v -> {
      try {
        client.get("k");
        thrown.set(new AssertionError("no exception"));
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> thrown.get() != null);
    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("event loop");
  }

  @Test
  void client_onACallersVertx_doesNotCloseIt() throws Exception {
    Vertx mine = Vertx.vertx();
    try {
      RingTxClient c = RingTx.connect(url(), fastOptions().withVertx(mine).withClientId("fixed"));
      c.run(tx -> {
        tx.put("k", "v");
        return null;
      });
      assertThat(fake.commits().get(0).id().value()).isEqualTo("fixed-1");
      c.close();
      assertThat(await(mine.timer(1, TimeUnit.MILLISECONDS))).isNull(); // still running
      assertThatThrownBy(() -> c.get("k")).isInstanceOf(IllegalStateException.class);
    } finally {
      await(mine.close());
    }
  }

  @Test
  void connect_refusesWhatIsNotAnHttpUrl() {
    assertThatThrownBy(() -> RingTx.connect("ftp://127.0.0.1:1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RingTx.connect("127.0.0.1:8080"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RingTx.connect("http://127.0.0.1:1/?x=1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void connect_withTrailingSlash_works() {
    try (RingTxClient c = RingTx.connect(url() + "/", fastOptions())) {
      assertThat(c.get("x")).isEqualTo(Optional.empty());
    }
  }
}
