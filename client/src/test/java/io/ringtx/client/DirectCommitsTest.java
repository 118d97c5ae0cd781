package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One-shard commits sent straight to the owning participant ({@link
 * ClientOptions#withDirectCommits}): here two stand-in participants that serve {@code POST
 * /v1/txn} and {@code POST /v1/txns} the way a participant does, beside a coordinator on a fake
 * service that publishes the ring.
 */
class DirectCommitsTest {
  /** A participant's commit endpoints: answers each transaction with {@link #answer}. */
  static final class Shard {
    /** Ids of the transactions received, in order; and the size of every request. */
    final List<String> ids = new ArrayList<>();
    final List<Integer> requestSizes = new ArrayList<>();
    /** The answer to every transaction: an outcome ("COMMITTED", "ABORTED:REASON") or a status. */
    volatile String answer = "COMMITTED";
    /** How long each request waits for its answer; 0 answers at once. */
    volatile long answerDelayMillis;
    /** Requests received and not yet answered; the most there were at once. */
    int unanswered;
    int mostUnanswered;
    HttpServer server;

    synchronized int mostUnanswered() {
      return mostUnanswered;
    }

    synchronized List<String> ids() {
      return List.copyOf(ids);
    }

    synchronized List<Integer> requestSizes() {
      return List.copyOf(requestSizes);
    }

    void start(Vertx vertx) throws Exception {
      server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        boolean batch = req.path().equals("/v1/txns");
        if (!batch && !req.path().equals("/v1/txn")) {
          req.response().setStatusCode(404).end();
          return;
        }
        JsonNode body;
        try {
          body = Json.MAPPER.readTree(b.getBytes());
        } catch (Exception e) {
          req.response().setStatusCode(400).end();
          return;
        }
        List<JsonNode> txns = new ArrayList<>();
        (batch ? body.get("txns") : List.of(body)).forEach(txns::add);
        synchronized (this) {
          txns.forEach(t -> ids.add(t.get("id").asText()));
          requestSizes.add(txns.size());
          mostUnanswered = Math.max(mostUnanswered, ++unanswered);
        }
        long delay = answerDelayMillis;
        if (delay == 0) {
          respond(req, batch, txns);
        } else {
          vertx.setTimer(delay, t -> respond(req, batch, txns));
        }
      })).listen(0, "127.0.0.1"));
    }

    private void respond(HttpServerRequest req, boolean batch, List<JsonNode> txns) {
      synchronized (this) {
        unanswered--;
      }
      String a = answer;
      if (Character.isDigit(a.charAt(0))) {
        req.response().setStatusCode(Integer.parseInt(a)).putHeader("content-type",
            "application/json").end("{\"error\":\"internal\",\"message\":\"scripted\"}");
        return;
      }
      List<String> items = new ArrayList<>();
      for (JsonNode t : txns) {
        String[] parts = a.split(":");
        items.add("{\"id\":\"" + t.get("id").asText() + "\",\"outcome\":\"" + parts[0] + "\""
            + (parts.length > 1 ? ",\"reason\":\"" + parts[1] + "\"" : "") + "}");
      }
      req.response().putHeader("content-type", "application/json").end(
          batch ? "{\"results\":[" + String.join(",", items) + "]}" : items.get(0));
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final Shard s1 = new Shard();
  private final Shard s2 = new Shard();
  private FakeTransactionService fake;
  private HttpApi api;
  /** Keys of each participant. */
  private final List<String> p1Keys = new ArrayList<>();
  private String k2;

  @BeforeEach
  void start() throws Exception {
    for (int i = 0; p1Keys.size() < 40 || k2 == null; i++) {
      String k = "key-" + i;
      if (TwoShardRing.RING.ownerOf(k).equals(TwoShardRing.P1)) {
        p1Keys.add(k);
      } else if (k2 == null) {
        k2 = k;
      }
    }
    s1.start(vertx);
    s2.start(vertx);
    fake = new FakeTransactionService(new Limits(64, 1024, 100));
    api = await(HttpApi.start(vertx, fake, HttpApiOptions.of("127.0.0.1", 0)));
    fake.routing = TwoShardRing.routing(s1.url(), s2.url());
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private RingTxClient connect(ClientOptions options) {
    return RingTx.connect("http://127.0.0.1:" + api.port(),
        options.withRequestTimeout(Duration.ofSeconds(5))
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  private static void put(RingTxClient c, String... keys) {
    c.run(tx -> {
      for (String k : keys) {
        tx.put(k, "v");
      }
      return null;
    });
  }

  /** Commits a put of {@code key} until one goes to its owner: the client then has the ring. */
  private void awaitRing(RingTxClient c, Shard owner, String key) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      put(c, key);
      return !owner.ids().isEmpty();
    });
  }

  private List<String> coordinatorIds() {
    return fake.commits().stream().map(r -> r.id().value()).toList();
  }

  @Test
  void aOneShardCommit_goesToItsOwner_andOthersToTheCoordinator() {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitRing(c, s1, p1Keys.get(0));
      int atCoordinator = fake.commits().size();
      int atP1 = s1.ids().size();

      put(c, p1Keys.get(1), p1Keys.get(2));
      put(c, p1Keys.get(3), k2);
      c.run(tx -> tx.get(p1Keys.get(4))); // read-only: validated by the coordinator

      assertThat(s1.ids()).hasSize(atP1 + 1);
      assertThat(s2.ids()).isEmpty();
      List<TxRequest> later = fake.commits().subList(atCoordinator, fake.commits().size());
      assertThat(later).hasSize(2);
      assertThat(later.get(0).writes()).hasSize(2);
      assertThat(later.get(1).writes()).isEmpty();
    }
  }

  @Test
  void ownerCount_isEmptyUntilTheRingIsKnown_thenCountsTheOwnersOfTheKeys() {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      // The first call asks for the ring; until it comes there is nothing to count by.
      assertThat(c.ownerCount(List.of(p1Keys.get(0)))).isEmpty();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> c.ownerCount(List.of(p1Keys.get(0))).isPresent());

      assertThat(c.ownerCount(List.of(p1Keys.get(0)))).hasValue(1);
      assertThat(c.ownerCount(List.of(p1Keys.get(0), p1Keys.get(1), p1Keys.get(2)))).hasValue(1);
      assertThat(c.ownerCount(List.of(k2))).hasValue(1);
      assertThat(c.ownerCount(List.of(p1Keys.get(0), k2))).hasValue(2);
      assertThatThrownBy(() -> c.ownerCount(List.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no keys");
      assertThatThrownBy(() -> c.ownerCount(List.of("")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
  }

  @Test
  void ownerCount_staysEmpty_whenTheClientRoutesNothingToOwners() {
    try (RingTxClient c = connect(
        ClientOptions.defaults().withDirectCommits(false).withDirectReads(false))) {
      // Asked once before and once after some round trips: a ring asked for would be in by then.
      assertThat(c.ownerCount(List.of(p1Keys.get(0), k2))).isEmpty();
      for (int i = 0; i < 3; i++) {
        put(c, p1Keys.get(i), k2);
      }
      assertThat(c.ownerCount(List.of(p1Keys.get(0), k2))).isEmpty();
    }
  }

  @Test
  void withDirectCommitsOff_everyCommitGoesToTheCoordinator() {
    try (RingTxClient c = connect(ClientOptions.defaults().withDirectCommits(false))) {
      for (int i = 0; i < 5; i++) {
        put(c, p1Keys.get(i));
      }
    }
    assertThat(fake.commits()).hasSize(5);
    assertThat(s1.ids()).isEmpty();
    assertThat(fake.routingCalls.get()).isZero();
  }

  @Test
  void anOwnerWithoutCommits_sendsThatCommitAndLaterOnesToTheCoordinator_underTheSameId() {
    s1.answer = "404";
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitRing(c, s1, p1Keys.get(0));
      String refusedId = s1.ids().get(0);

      put(c, p1Keys.get(1));

      assertThat(coordinatorIds()).contains(refusedId);
      assertThat(s1.ids()).containsExactly(refusedId);
    }
  }

  @Test
  void anOwnerThatTellsNoOutcome_isFollowedByReSendsToTheCoordinator_underTheSameId() {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitRing(c, s1, p1Keys.get(0));
      s1.answer = "500";
      int atP1 = s1.ids().size();
      int atCoordinator = fake.commits().size();
      int asked = fake.routingCalls.get();

      put(c, p1Keys.get(1));

      String sentToOwner = s1.ids().get(atP1);
      assertThat(s1.ids()).hasSize(atP1 + 1);
      assertThat(coordinatorIds().subList(atCoordinator, fake.commits().size()))
          .containsExactly(sentToOwner);
      // Asked for again by a later commit (at most once a second).
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
        put(c, p1Keys.get(2));
        return fake.routingCalls.get() > asked;
      });
    }
  }

  @Test
  void aNotOwnerAbort_isRetriedUnderANewId_andTheRingIsAskedForAgain() {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitRing(c, s1, p1Keys.get(0));
      s1.answer = "ABORTED:NOT_OWNER";
      int atP1 = s1.ids().size();
      int atCoordinator = fake.commits().size();
      int asked = fake.routingCalls.get();

      put(c, p1Keys.get(1));

      // The owner refused the first attempt; the retry, under a new id, went to the coordinator
      // while the client had no ring.
      assertThat(s1.ids()).hasSize(atP1 + 1);
      assertThat(fake.commits()).hasSize(atCoordinator + 1);
      assertThat(coordinatorIds().get(atCoordinator)).isNotEqualTo(s1.ids().get(atP1));
      // Asked for again by a later commit (at most once a second).
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
        put(c, p1Keys.get(2));
        return fake.routingCalls.get() > asked;
      });
    }
  }

  @Test
  void commitsUnderWayTogether_goToTheOwnerInBatches() throws Exception {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitRing(c, s1, p1Keys.get(0));
      int atP1 = s1.ids().size();
      int atCoordinator = fake.commits().size();
      putP1KeysAtOnce(c, 5);

      assertThat(s1.ids()).hasSize(atP1 + 5 * p1Keys.size());
      assertThat(s1.requestSizes()).anyMatch(n -> n > 1);
      assertThat(fake.commits()).hasSize(atCoordinator);
    }
  }

  @Test
  void commitsThatComeWhileARequestIsUnderWay_waitForItsAnswer_andGoAsOneBatch()
      throws Exception {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitRing(c, s1, p1Keys.get(0));
      int atP1 = s1.ids().size();
      int requestsBefore = s1.requestSizes().size();
      s1.answerDelayMillis = 20;
      putP1KeysAtOnce(c, 2);

      // Fewer than a batch holds (ClientOptions.DEFAULT_MAX_COMMIT_BATCH): one request at a time.
      int commits = 2 * p1Keys.size();
      assertThat(s1.ids()).hasSize(atP1 + commits);
      assertThat(s1.mostUnanswered()).isEqualTo(1);
      // Every commit after the first waited for the answer before it: a handful of batches.
      assertThat(s1.requestSizes().size() - requestsBefore).isLessThan(commits / 4);
    }
  }

  /** Commits a put of every key of p1, {@code rounds} times, all at once; waits for them all. */
  private void putP1KeysAtOnce(RingTxClient c, int rounds) throws Exception {
    List<CompletableFuture<Object>> all = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (String k : p1Keys) {
        all.add(c.runAsync(tx -> {
          tx.put(k, "v");
          return null;
        }));
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
