package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.message.ReadItem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads straight from the owning participant: the client learns the ring from the coordinator's
 * {@code GET /v1/routing} and sends each key to its owner (here two stand-in participants that
 * serve {@code POST /v1/read}), and reads through the coordinator whenever that cannot be done.
 */
class DirectReadsTest {
  /** A participant's read endpoint: answers from {@code data}, or refuses every key. */
  static final class Shard {
    final Map<String, String> data = new LinkedHashMap<>();
    final Map<String, Long> versions = new LinkedHashMap<>();
    final List<String> asked = new ArrayList<>();
    int requests;
    volatile boolean refuse;
    HttpServer server;

    synchronized List<String> asked() {
      return List.copyOf(asked);
    }

    /** Read requests answered or refused so far. */
    synchronized int requests() {
      return requests;
    }

    void start(Vertx vertx) throws Exception {
      server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
        JsonNode keys;
        try {
          keys = Json.MAPPER.readTree(b.getBytes()).get("keys");
        } catch (Exception e) {
          req.response().setStatusCode(400).end();
          return;
        }
        synchronized (this) {
          keys.forEach(k -> asked.add(k.asText()));
          requests++;
        }
        if (refuse || !req.path().equals("/v1/read")) {
          req.response().setStatusCode(409).putHeader("content-type", "application/json")
              .end("{\"error\":\"not_owner\",\"message\":\"moved\"}");
          return;
        }
        StringBuilder out = new StringBuilder("{\"items\":[");
        for (int i = 0; i < keys.size(); i++) {
          String k = keys.get(i).asText();
          out.append(i == 0 ? "" : ",").append("{\"key\":\"").append(k)
              .append("\",\"value\":\"").append(data.get(k))
              .append("\",\"version\":").append(versions.get(k)).append('}');
        }
        req.response().putHeader("content-type", "application/json").end(out + "]}");
      })).listen(0, "127.0.0.1"));
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
  /** A key of each participant. */
  private String k1;
  private String k2;

  @BeforeEach
  void start() throws Exception {
    for (int i = 0; k1 == null || k2 == null; i++) {
      String k = "key-" + i;
      if (TwoShardRing.RING.ownerOf(k).equals(TwoShardRing.P1) && k1 == null) {
        k1 = k;
      } else if (TwoShardRing.RING.ownerOf(k).equals(TwoShardRing.P2) && k2 == null) {
        k2 = k;
      }
    }
    s1.start(vertx);
    s2.start(vertx);
    s1.data.put(k1, "from-p1");
    s2.data.put(k2, "from-p2");
    fake = new FakeTransactionService(new Limits(64, 1024, 100));
    fake.put(k1, "via-coordinator");
    fake.put(k2, "via-coordinator");
    s1.versions.put(k1, fake.stored(k1).orElseThrow().version());
    s2.versions.put(k2, fake.stored(k2).orElseThrow().version());
    api = await(HttpApi.start(vertx, fake, HttpApiOptions.of("127.0.0.1", 0)));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private void publishRouting() {
    fake.routing = TwoShardRing.routing(s1.url(), s2.url());
  }

  /** A client whose commits all go to the coordinator: these stand-ins serve reads only. */
  private RingTxClient connect(ClientOptions options) {
    return RingTx.connect("http://127.0.0.1:" + api.port(),
        options.withRequestTimeout(Duration.ofSeconds(5)).withDirectCommits(false));
  }

  private static Optional<String> value(RingTxClient c, String key) {
    return c.get(key).map(KeyValue::value);
  }

  /** Reads {@code key} until the client reads it from its owner, i.e. has the ring. */
  private void awaitDirect(RingTxClient c, String key, String ownerValue) {
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> value(c, key).orElse("").equals(ownerValue));
  }

  @Test
  void withTheRingKnown_eachKeyIsReadAtItsOwner_andNotAtTheCoordinator() {
    publishRouting();
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitDirect(c, k1, "from-p1");
      int coordinatorReads = fake.reads().size();

      Map<String, String> seen = c.run(tx -> {
        Map<String, String> out = new LinkedHashMap<>();
        tx.getAll(List.of(k1, k2)).forEach((k, v) -> out.put(k, v.orElse(null)));
        tx.put(k1, "x");
        return out;
      });

      assertThat(seen).containsEntry(k1, "from-p1").containsEntry(k2, "from-p2");
      assertThat(s1.asked()).contains(k1).doesNotContain(k2);
      assertThat(s2.asked()).containsExactly(k2);
      assertThat(fake.reads()).hasSize(coordinatorReads);
      // The commit carries the versions the owners answered.
      assertThat(fake.commits().get(0).reads()).containsExactlyInAnyOrder(
          new ReadItem(k1, s1.versions.get(k1)), new ReadItem(k2, s2.versions.get(k2)));
    }
  }

  @Test
  void anOwnerThatRefuses_isReadThroughTheCoordinator_andTheRingIsAskedForAgain() {
    publishRouting();
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      awaitDirect(c, k2, "from-p2");
      int asked = fake.routingCalls.get();
      s2.refuse = true;

      assertThat(value(c, k2)).hasValue("via-coordinator");
      assertThat(fake.reads()).contains(k2);
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> value(c, k2).isPresent() && fake.routingCalls.get() > asked);
      s2.refuse = false;
      awaitDirect(c, k2, "from-p2");
    }
  }

  @Test
  void aCoordinatorWithoutRouting_servesEveryRead_andIsAskedForItOnce() {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      assertThat(value(c, k1)).hasValue("via-coordinator");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fake.routingCalls.get() == 1);
      // Past the client's pause between asks: it does not ask again.
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
      while (System.nanoTime() < until) {
        assertThat(value(c, k1)).hasValue("via-coordinator");
      }
    }
    assertThat(fake.routingCalls.get()).isEqualTo(1);
    assertThat(s1.asked()).isEmpty();
  }

  @Test
  void withDirectReadsOff_theRingIsNeverAsked_andEveryReadGoesThroughTheCoordinator() {
    publishRouting();
    try (RingTxClient c = connect(ClientOptions.defaults().withDirectReads(false))) {
      for (int i = 0; i < 5; i++) {
        assertThat(value(c, k1)).hasValue("via-coordinator");
      }
    }
    assertThat(fake.routingCalls.get()).isZero();
    assertThat(s1.asked()).isEmpty();
  }

  /**
   * Reads go to the owners however busy the client is, and the reads its transactions ask of
   * one owner in one turn of its event loop, while another is under way there, go together: the
   * first of five transactions started in one task reads alone, the four after it in one request
   * per owner.
   */
  @Test
  void aBusyClient_readsAtTheOwners_eachOwnersReadsOfOneTurnInOneRequest() throws Exception {
    publishRouting();
    Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try (RingTxClient c = connect(ClientOptions.defaults().withVertx(clientVertx))) {
      awaitDirect(c, k1, "from-p1");
      int before1 = s1.requests();
      int before2 = s2.requests();
      int coordinatorReads = fake.reads().size();
      CompletableFuture<List<CompletableFuture<Map<String, Optional<String>>>>> started =
          new CompletableFuture<>();
      clientVertx.runOnContext(v -> {
        List<CompletableFuture<Map<String, Optional<String>>>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          all.add(c.runAsync(tx -> tx.getAll(List.of(k1, k2))));
        }
        started.complete(all);
      });
      for (CompletableFuture<Map<String, Optional<String>>> f
          : started.get(10, TimeUnit.SECONDS)) {
        assertThat(f.get(10, TimeUnit.SECONDS))
            .containsEntry(k1, Optional.of("from-p1"))
            .containsEntry(k2, Optional.of("from-p2"));
      }
      assertThat(s1.requests() - before1).isEqualTo(2);
      assertThat(s2.requests() - before2).isEqualTo(2);
      assertThat(fake.reads()).hasSize(coordinatorReads);
    } finally {
      await(clientVertx.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
