package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.ApiErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.coordinator.api.InDoubtException;
import io.ringtx.coordinator.api.OverloadedException;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.message.TxResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's bound on commits and reads in flight, and draining for a graceful stop: a
 * request beyond the bound, or after {@link HttpApi#drain}, is answered at once with 503, a
 * {@code Retry-After} and a JSON error, and never reaches the service.
 */
class HttpApiOverloadTest {
  static final int MAX_IN_FLIGHT = 2;

  Vertx vertx;
  FakeTransactionService fake;
  HttpApi api;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Commits the fake holds until the test completes them. */
  final List<CompletableFuture<TxResult>> held = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeTransactionService(new Limits(64, 64, 8));
    api = await(HttpApi.start(vertx, fake,
        HttpApiOptions.of("127.0.0.1", 0)
            .withMaxInFlight(MAX_IN_FLIGHT)
            .withRetryAfter(Duration.ofMillis(1500))));
  }

  @AfterEach
  void stop() throws Exception {
    held.forEach(f -> f.complete(null));
    await(api.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The next commit is held: it takes a slot until {@code f} completes. */
  void holdNextCommit() {
    fake.thenAnswer(r -> {
      CompletableFuture<TxResult> f = new CompletableFuture<>();
      held.add(f);
      return f;
    });
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .timeout(Duration.ofSeconds(10));
  }

  static String commitBody(String id) {
    return "{\"id\":\"" + id + "\",\"reads\":[],\"writes\":[{\"op\":\"put\",\"key\":\"k-" + id
        + "\",\"value\":\"v\"}]}";
  }

  CompletableFuture<HttpResponse<String>> commitAsync(String id) {
    return http.sendAsync(request("/v1/txn").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(commitBody(id))).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpResponse<String> commit(String id) throws Exception {
    return commitAsync(id).get(10, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static void assertRefused(HttpResponse<String> r, ApiErrorCode code) throws Exception {
    assertThat(r.statusCode()).as("answer %s", r.body()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo(code.wire());
    assertThat(body.get("message").asText()).contains("nothing was done");
    assertThat(body.get("retryAfterMillis").asLong()).isEqualTo(1500);
  }

  /** Fills every slot with a held commit; returns their pending answers. */
  List<CompletableFuture<HttpResponse<String>>> fill() {
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < MAX_IN_FLIGHT; i++) {
      holdNextCommit();
      pending.add(commitAsync("held-" + i));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.inFlight() == MAX_IN_FLIGHT);
    return pending;
  }

  @Test
  void beyondTheBound_commitsAndReadsAre503OverloadedAtOnce_andNeverReachTheService()
      throws Exception {
    fill();
    assertRefused(commit("refused-1"), ApiErrorCode.OVERLOADED);
    assertRefused(get("/v1/kv/x"), ApiErrorCode.OVERLOADED);
    assertThat(fake.commits()).hasSize(MAX_IN_FLIGHT);
    assertThat(fake.reads()).isEmpty();
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("ringtx_http_refused_total{error=\"overloaded\"} 2")
        .contains("ringtx_http_in_flight " + MAX_IN_FLIGHT)
        .contains("ringtx_http_max_in_flight " + MAX_IN_FLIGHT)
        .contains("ringtx_http_requests_total{route=\"/v1/txn\",method=\"POST\",status=\"503\"} 1");
  }

  @Test
  void aSlotFreedByAnAnswer_admitsTheNextRequest() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> pending = fill();
    assertRefused(commit("refused"), ApiErrorCode.OVERLOADED);
    // Either held commit may be the first the fake took: answer that one, whichever it is.
    held.get(0).complete(TxResult.committed(io.ringtx.protocol.id.TxId.of("held-x")));
    Object answered = CompletableFuture.anyOf(pending.toArray(new CompletableFuture<?>[0]))
        .get(10, TimeUnit.SECONDS);
    assertThat(((HttpResponse<?>) answered).statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.inFlight() == MAX_IN_FLIGHT - 1);
    HttpResponse<String> next = commit("admitted");
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(next.body()).get("outcome").asText()).isEqualTo("COMMITTED");
  }

  @Test
  void drain_refusesNewWorkWithShuttingDown_andCompletesOnceInFlightRequestsAreAnswered()
      throws Exception {
    holdNextCommit();
    CompletableFuture<HttpResponse<String>> first = commitAsync("before-drain");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.inFlight() == 1);

    Future<Integer> drained = api.drain(Duration.ofSeconds(30));
    assertRefused(commit("after-drain"), ApiErrorCode.SHUTTING_DOWN);
    assertRefused(get("/v1/kv/x"), ApiErrorCode.SHUTTING_DOWN);
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("DRAINING");
    assertThat(drained.isComplete()).as("drain waits for the request in flight").isFalse();

    held.get(0).complete(TxResult.committed(io.ringtx.protocol.id.TxId.of("before-drain")));
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(await(drained)).isZero();
    assertThat(fake.commits()).hasSize(1);
  }

  @Test
  void drain_givesUpAfterItsBound_reportingWhatIsStillInFlight() throws Exception {
    holdNextCommit();
    commitAsync("never-answered");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.inFlight() == 1);
    assertThat(await(api.drain(Duration.ofMillis(100)))).isEqualTo(1);
  }

  @Test
  void aReadRefusedByAnOverloadedParticipant_is503Overloaded() throws Exception {
    fake.failReadsWith(new OverloadedException("participant p1 has 1000 queued"));
    HttpResponse<String> r = get("/v1/kv/x");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(Json.MAPPER.readTree(r.body()).get("error").asText()).isEqualTo("overloaded");
    assertThat(api.inFlight()).isZero();
  }

  @Test
  void aReadRefusedInDoubtByAParticipant_is503InDoubt_withItsReason() throws Exception {
    fake.failReadsWith(new InDoubtException("read of x refused by p1: key x is written by"
        + " transaction t9, prepared 1500 ms ago and still without a decision"));
    HttpResponse<String> r = get("/v1/kv/x");
    assertThat(r.statusCode()).isEqualTo(503);
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo("in_doubt");
    assertThat(body.get("message").asText()).contains("transaction t9");
    assertThat(api.inFlight()).isZero();
  }

  @Test
  void aBatchItemRefusedByAnOverloadedParticipant_isCountedAsARefusal() throws Exception {
    fake.thenFail(new OverloadedException("participant p1 has 1000 queued"));
    HttpResponse<String> r = http.send(request("/v1/txns")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"txns\":[" + commitBody("b-1") + ","
                + commitBody("b-2") + "]}")).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    var results = Json.MAPPER.readTree(r.body()).get("results");
    assertThat(results.get(0).get("error").asText()).isEqualTo("overloaded");
    assertThat(results.get(1).get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(get("/metrics").body())
        .contains("ringtx_http_refused_total{error=\"overloaded\"} 1");
  }
}
