package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.api.Limits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads that a client's transactions ask of one node in one turn of its event loop, while another
 * read is under way there, go together in one {@code POST /v1/read}; a read with nothing under
 * way goes at once. The coordinator is the real HTTP API over the in-memory fake (which publishes
 * no routing, so every read goes through it); the client runs on a Vert.x of one event loop, and
 * the test starts every transaction in one task of that loop, so which reads share a turn is
 * certain.
 */
class ReadBatchTest extends OneLoopClientTest {
  @Override
  Limits limits() {
    return new Limits(64, 1024, 1000);
  }

  /**
   * Starts one transaction per key list, all in one task of the client's event loop; each reads
   * its keys in one {@code getAll} and gives what it saw, writing nothing.
   */
  List<CompletableFuture<Map<String, Optional<String>>>> readAll(List<List<String>> reads)
      throws Exception {
    CompletableFuture<List<CompletableFuture<Map<String, Optional<String>>>>> started =
        new CompletableFuture<>();
    clientVertx.runOnContext(v -> {
      List<CompletableFuture<Map<String, Optional<String>>>> all = new ArrayList<>();
      for (List<String> keys : reads) {
        all.add(client.runAsync(tx -> tx.getAll(keys)));
      }
      started.complete(all);
    });
    List<CompletableFuture<Map<String, Optional<String>>>> all =
        started.get(10, TimeUnit.SECONDS);
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .get(30, TimeUnit.SECONDS);
    return all;
  }

  /** Stores {@code "v-" + key} for each key. */
  void store(List<String> keys) {
    keys.forEach(k -> fake.put(k, "v-" + k));
  }

  /** Each read of {@code keys(prefix, n)} as a list of its own: n transactions of one key. */
  static List<List<String>> each(List<String> keys) {
    return keys.stream().map(List::of).toList();
  }

  static void assertSawStored(CompletableFuture<Map<String, Optional<String>>> read,
      List<String> keys) {
    assertThat(read).isCompleted().isNotCompletedExceptionally();
    Map<String, Optional<String>> seen = read.join();
    assertThat(seen).containsOnlyKeys(keys);
    keys.forEach(k -> assertThat(seen.get(k)).as("key %s", k).hasValue("v-" + k));
  }

  /**
   * The first transaction's read finds nothing under way and goes at once (one key: {@code GET
   * /v1/kv/{key}}); the 59 after it wait for it and go together, each seeing its own key.
   */
  @Test
  void readsOfOneTurn_goInOneRequest_andEachSeesItsKeys() throws Exception {
    connect(ClientOptions.defaults());
    List<String> keys = keys("k", 60);
    store(keys);
    List<CompletableFuture<Map<String, Optional<String>>>> all = readAll(each(keys));
    for (int i = 0; i < keys.size(); i++) {
      assertSawStored(all.get(i), List.of(keys.get(i)));
    }
    assertThat(requests("/v1/kv/{key}")).isEqualTo(1);
    assertThat(requests("/v1/read")).isEqualTo(1);
    assertThat(fake.reads()).containsExactlyInAnyOrderElementsOf(keys);
  }

  /** A key that several transactions of one turn read is read once, and each sees it. */
  @Test
  void aKeyReadByManyInOneTurn_isReadOnce() throws Exception {
    connect(ClientOptions.defaults());
    store(List.of("first", "shared", "a", "b", "c"));
    List<CompletableFuture<Map<String, Optional<String>>>> all = readAll(List.of(
        List.of("first"), List.of("shared", "a"), List.of("shared", "b"), List.of("c", "shared")));
    assertSawStored(all.get(1), List.of("shared", "a"));
    assertSawStored(all.get(2), List.of("shared", "b"));
    assertSawStored(all.get(3), List.of("c", "shared"));
    assertThat(Collections.frequency(fake.reads(), "shared")).isEqualTo(1);
    assertThat(requests("/v1/read")).isEqualTo(1);
  }

  @Test
  void aLoneRead_goesAtOnce_neverWaitingForOthers() throws Exception {
    connect(ClientOptions.defaults());
    List<String> keys = keys("lone", 3);
    store(keys);
    for (String key : keys) {
      assertSawStored(readAll(List.of(List.of(key))).get(0), List.of(key));
    }
    assertThat(requests("/v1/kv/{key}")).isEqualTo(3);
    assertThat(requests("/v1/read")).isZero();
  }

  /**
   * With at most 4 reads per request, 9 transactions of two keys read as the first alone, then 4
   * + 4; with gathering off (1), each of 9 goes alone.
   */
  @ParameterizedTest
  @CsvSource({"4, 3", "1, 9"})
  void requestsHoldAtMostMaxReadBatchReads(int maxBatch, long requests) throws Exception {
    connect(ClientOptions.defaults().withMaxReadBatch(maxBatch));
    List<List<String>> reads = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      reads.add(List.of("x" + i, "y" + i));
      store(reads.get(i));
    }
    List<CompletableFuture<Map<String, Optional<String>>>> all = readAll(reads);
    for (int i = 0; i < reads.size(); i++) {
      assertSawStored(all.get(i), reads.get(i));
    }
    assertThat(requests("/v1/read")).isEqualTo(requests);
  }

  /**
   * Requests hold at most {@link ClientOptions#READ_BATCH_MAX_KEYS} keys: after the first alone,
   * two reads of 300 keys each go in two requests, not one of 600.
   */
  @Test
  void requestsHoldAtMostReadBatchMaxKeys() throws Exception {
    connect(ClientOptions.defaults());
    List<String> a = keys("a", 300);
    List<String> b = keys("b", 300);
    store(a);
    store(b);
    store(List.of("first"));
    List<CompletableFuture<Map<String, Optional<String>>>> all =
        readAll(List.of(List.of("first"), a, b));
    assertSawStored(all.get(1), a);
    assertSawStored(all.get(2), b);
    assertThat(requests("/v1/read")).isEqualTo(2);
  }

  /**
   * A request refused as invalid is sent again as one request per read: only the read with the
   * bad key fails, and the others see their keys.
   */
  @Test
  void aRequestRefusedForOneBadKey_readsEachAlone_andOnlyTheBadOneFails() throws Exception {
    connect(ClientOptions.defaults());
    List<String> keys = new ArrayList<>(keys("b", 4));
    store(keys);
    keys.add(2, "k".repeat(65)); // longer than the coordinator's 64-byte limit
    List<CompletableFuture<Map<String, Optional<String>>>> all = readAll(each(keys));
    assertThatThrownBy(() -> all.get(2).get()).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RequestRejectedException.class);
    for (int i : new int[] {0, 1, 3, 4}) {
      assertSawStored(all.get(i), List.of(keys.get(i)));
    }
    assertThat(requests("/v1/read")).as("the four after the first, together").isEqualTo(1);
    assertThat(requests("/v1/kv/{key}")).as("the first, then the four alone").isEqualTo(5);
  }

  /** A failed request is every read's failure: each transaction ends with the error. */
  @Test
  void aFailedRequest_failsEveryReadInIt() throws Exception {
    connect(ClientOptions.defaults().withMaxAttempts(1));
    store(keys("f", 5));
    fake.failReadsWith(new IllegalStateException("store unreadable"));
    List<CompletableFuture<Map<String, Optional<String>>>> all = readAll(each(keys("f", 5)));
    assertThat(all).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
    assertThat(requests("/v1/read")).isEqualTo(1);
    assertThat(fake.commits()).isEmpty();
  }

  @Test
  void maxReadBatch_outsideItsRange_isRefused() {
    assertThatThrownBy(() -> ClientOptions.defaults().withMaxReadBatch(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..1000");
    assertThatThrownBy(() -> ClientOptions.defaults().withMaxReadBatch(1001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClientOptions.defaults().maxReadBatch())
        .isEqualTo(ClientOptions.DEFAULT_MAX_READ_BATCH);
  }
}
