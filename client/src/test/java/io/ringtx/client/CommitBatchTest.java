package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.protocol.api.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Commits that a client's transactions reach in one turn of its event loop, while another commit
 * is under way, go to the coordinator together ({@code POST /v1/txns}), each still its own
 * transaction; a commit with nothing under way goes at once. The coordinator is the real
 * HTTP API over the in-memory fake; the client runs on a Vert.x of one event loop, and the test
 * starts every transaction in one task of that loop, so which commits share a turn is certain.
 */
class CommitBatchTest extends OneLoopClientTest {
  @Override
  Limits limits() {
    return new Limits(64, 1024, 100);
  }

  /** Starts a one-key put per key, all in one task of the client's event loop. */
  List<CompletableFuture<Void>> putAll(List<String> keys) throws Exception {
    CompletableFuture<List<CompletableFuture<Void>>> started = new CompletableFuture<>();
    clientVertx.runOnContext(v -> {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (String key : keys) {
        all.add(client.runAsync(tx -> {
          tx.put(key, "v-" + key);
          return null;
        }));
      }
      started.complete(all);
    });
    return started.get(10, TimeUnit.SECONDS);
  }

  static void awaitAll(List<CompletableFuture<Void>> all) throws Exception {
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .get(30, TimeUnit.SECONDS);
  }

  void assertStored(List<String> keys) {
    for (String k : keys) {
      assertThat(fake.stored(k).map(FakeTransactionService.Stored::value))
          .as("key %s", k).hasValue("v-" + k);
    }
  }

  /** The first commit finds nothing under way and goes at once; the 59 after it wait for it. */
  @Test
  void commitsOfOneTurn_goInOneRequest_andEachCommits() throws Exception {
    connect(ClientOptions.defaults());
    List<String> keys = keys("k", 60);
    List<CompletableFuture<Void>> all = putAll(keys);
    awaitAll(all);
    assertThat(all).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
    assertStored(keys);
    assertThat(fake.commits()).hasSize(60);
    assertThat(requests("/v1/txns")).isEqualTo(1);
    assertThat(requests("/v1/txn")).isEqualTo(1);
  }

  @Test
  void aLoneCommit_goesAtOnce_neverWaitingForABatch() throws Exception {
    connect(ClientOptions.defaults());
    for (int i = 0; i < 3; i++) {
      awaitAll(putAll(List.of("lone" + i)));
    }
    assertStored(List.of("lone0", "lone1", "lone2"));
    assertThat(requests("/v1/txns")).isZero();
    assertThat(requests("/v1/txn")).isEqualTo(3);
  }

  /**
   * With at most 4 per batch, 9 commits go as the first alone (nothing under way yet), then 4 +
   * 4; with batching off (1), each of 10 goes alone.
   */
  @ParameterizedTest
  @CsvSource({"4, 9, 2, 1", "1, 10, 0, 10"})
  void batchesHoldAtMostMaxCommitBatch_andACommitLeftAloneGoesAlone(
      int maxBatch, int commits, long batches, long alone) throws Exception {
    connect(ClientOptions.defaults().withMaxCommitBatch(maxBatch));
    List<String> keys = keys("m", commits);
    awaitAll(putAll(keys));
    assertStored(keys);
    assertThat(requests("/v1/txns")).isEqualTo(batches);
    assertThat(requests("/v1/txn")).isEqualTo(alone);
  }

  @Test
  void anAbortInABatch_isThatTransactionsAlone() throws Exception {
    connect(ClientOptions.defaults().withMaxAttempts(1));
    fake.thenAnswer(r -> CompletableFuture.completedFuture(fake.apply(r)))
        .thenAbort(io.ringtx.protocol.message.Reason.CONFLICT);
    List<CompletableFuture<Void>> all = putAll(keys("a", 5));
    awaitAll(all);
    assertThat(all.stream().filter(CompletableFuture::isCompletedExceptionally)).hasSize(1);
    assertThatThrownBy(() -> all.get(1).get()).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TxAbortedException.class);
    assertStored(List.of("a0", "a2", "a3", "a4"));
    assertThat(fake.stored("a1")).isEmpty();
    assertThat(requests("/v1/txns")).isEqualTo(1);
  }

  @Test
  void anItemWithoutOutcome_isSentAgainAlone_andCommits() throws Exception {
    connect(ClientOptions.defaults());
    // The first commit goes alone; the second is the first of the batch, and fails.
    fake.thenAnswer(r -> CompletableFuture.completedFuture(fake.apply(r)))
        .thenFail(new IllegalStateException("log write failed"));
    List<String> keys = keys("u", 5);
    List<CompletableFuture<Void>> all = putAll(keys);
    awaitAll(all);
    assertThat(all).allSatisfy(f -> assertThat(f).isNotCompletedExceptionally());
    assertStored(keys);
    assertThat(fake.commits()).as("the failed one twice").hasSize(6);
    assertThat(fake.commits().get(5).id()).isEqualTo(fake.commits().get(1).id());
    assertThat(requests("/v1/txns")).isEqualTo(1);
    assertThat(requests("/v1/txn")).as("the first, and the failed one again").isEqualTo(2);
  }

  @Test
  void aBatchRefusedForOneBadCommit_sendsEachAlone_andOnlyTheBadOneFails() throws Exception {
    connect(ClientOptions.defaults());
    List<String> keys = new ArrayList<>(keys("b", 4));
    keys.add(2, "k".repeat(65)); // longer than the coordinator's 64-byte limit
    List<CompletableFuture<Void>> all = putAll(keys);
    awaitAll(all);
    assertThatThrownBy(() -> all.get(2).get()).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RequestRejectedException.class);
    keys.remove(2);
    assertStored(keys);
    assertThat(fake.commits()).as("the batch applied nothing").hasSize(4);
    assertThat(requests("/v1/txns")).isEqualTo(1);
    assertThat(requests("/v1/txn")).isEqualTo(5);
  }

  @Test
  void maxCommitBatch_outsideItsRange_isRefused() {
    assertThatThrownBy(() -> ClientOptions.defaults().withMaxCommitBatch(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..1000");
    assertThatThrownBy(() -> ClientOptions.defaults().withMaxCommitBatch(1001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClientOptions.defaults().maxCommitBatch())
        .isEqualTo(ClientOptions.DEFAULT_MAX_COMMIT_BATCH);
  }
}
