package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.TxResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client waits out a coordinator's 503 {@code overloaded} (its {@code Retry-After}, bounded)
 * and sends the same request again; after its allowed waits it gives up with {@link
 * CoordinatorOverloadedException}, having applied nothing. The coordinator is the real HTTP API
 * with a bound of one request in flight, held busy by a commit the fake never answers until told.
 */
class ClientOverloadBackoffTest {
  Vertx server;
  FakeTransactionService fake;
  HttpApi api;
  final CompletableFuture<TxResult> held = new CompletableFuture<>();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = Vertx.vertx();
    fake = new FakeTransactionService(new Limits(64, 1024, 100));
    api = await(HttpApi.start(server, fake, HttpApiOptions.of("127.0.0.1", 0)
        .withMaxInFlight(1)
        .withRetryAfter(Duration.ofMillis(50))));
    fake.put("x", "1");
    fake.thenAnswer(r -> held);
    // The one slot is taken by a commit that is not answered until the test says so.
    http.sendAsync(HttpRequest.newBuilder(URI.create(url() + "/v1/txn"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"busy\",\"reads\":[],"
                + "\"writes\":[{\"op\":\"put\",\"key\":\"b\",\"value\":\"1\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.inFlight() == 1);
  }

  @AfterEach
  void stop() throws Exception {
    held.complete(TxResult.committed(TxId.of("busy")));
    await(api.close());
    await(server.close());
  }

  String url() {
    return "http://127.0.0.1:" + api.port();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  long refusals() throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(url() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("ringtx_http_refused_total\\{error=\"overloaded\"} (\\d+)")
        .matcher(text);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aRefusedRead_isSentAgainAfterThePause_andSucceedsOnceTheCoordinatorHasRoom()
      throws Exception {
    try (RingTxClient client = RingTx.connect(url(), ClientOptions.defaults()
        .withOverloadBackoff(1_000, Duration.ofMillis(100)))) {
      CompletableFuture<Optional<KeyValue>> read = CompletableFuture.supplyAsync(() -> client.get("x"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refusals() >= 2);
      assertThat(read).isNotDone();
      held.complete(TxResult.committed(TxId.of("busy")));
      assertThat(read.get(10, TimeUnit.SECONDS)).map(KeyValue::value).hasValue("1");
    }
  }

  @Test
  void afterItsAllowedWaits_theClientGivesUp_andTheCommitWasNotApplied() throws Exception {
    try (RingTxClient client = RingTx.connect(url(), ClientOptions.defaults()
        .withOverloadBackoff(2, Duration.ofMillis(20)))) {
      assertThatThrownBy(() -> client.run(tx -> {
        tx.put("y", "1");
        return null;
      }))
          .isInstanceOfSatisfying(CoordinatorOverloadedException.class,
              e -> assertThat(e.error()).isEqualTo("overloaded"))
          .hasMessageContaining("3 times in a row");
      assertThat(refusals()).isEqualTo(3);
      assertThat(fake.commits()).as("only the commit holding the slot").hasSize(1);
      assertThat(fake.stored("y")).isEmpty();
    }
  }

  @Test
  void withNoWaitsAllowed_theFirstRefusalFails() throws Exception {
    try (RingTxClient client = RingTx.connect(url(), ClientOptions.defaults()
        .withOverloadBackoff(0, Duration.ofMillis(20)))) {
      assertThatThrownBy(() -> client.get("x")).isInstanceOf(CoordinatorOverloadedException.class);
      assertThat(refusals()).isEqualTo(1);
    }
  }
}
