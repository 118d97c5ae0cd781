package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.ApiErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP API over a real server on 127.0.0.1, port 0, in front of the in-memory fake. */
class HttpApiTest {
  /** Key ≤ 16 bytes, value ≤ 32 bytes, ≤ 4 keys per transaction. */
  static final Limits LIMITS = new Limits(16, 32, 4);

  static final int BODY_LIMIT = 4096;

  static Vertx vertx;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  FakeTransactionService fake;
  HttpApi api;

  record Answer(int status, String contentType, String body) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(body);
    }

    List<String> fieldNames() throws Exception {
      List<String> names = new ArrayList<>();
      json().fieldNames().forEachRemaining(names::add);
      return names;
    }
  }

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void start() throws Exception {
    fake = new FakeTransactionService(LIMITS);
    api =
        await(
            HttpApi.start(
                vertx,
                fake,
                HttpApiOptions.of("127.0.0.1", 0)
                    .withMaxBodyBytes(BODY_LIMIT)
                    .withRequestTimeout(Duration.ofMillis(500))));
  }

  @AfterEach
  void stop() throws Exception {
    await(api.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  Answer send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
  }

  Answer get(String path) throws Exception {
    return send(request(path).GET());
  }

  /** A GET sent over a plain socket, for request lines that java.net.URI refuses to build. */
  Answer rawGet(String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(raw.substring(9, 12));
      int headersEnd = raw.indexOf("\r\n\r\n");
      String headers = raw.substring(0, headersEnd).toLowerCase(java.util.Locale.ROOT);
      int ct = headers.indexOf("content-type: ");
      String type = ct < 0 ? "" : headers.substring(ct + 14, headers.indexOf("\r\n", ct));
      return new Answer(status, type, raw.substring(headersEnd + 4));
    }
  }

  Answer post(String path, String body) throws Exception {
    return postBytes(path, body.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  Answer postBytes(String path, byte[] body, String contentType) throws Exception {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  static void assertError(Answer a, int status, ApiErrorCode code) throws Exception {
    assertThat(a.status()).as("answer %s", a).isEqualTo(status);
    assertThat(a.contentType()).startsWith("application/json");
    assertThat(a.json().get("error").asText()).as("answer %s", a).isEqualTo(code.wire());
    assertThat(a.json().get("message").asText()).isNotBlank();
  }

  // ---- happy paths -----------------------------------------------------------------------

  @Test
  void start_onPortZero_bindsAFreePortOnLoopback() {
    assertThat(api.port()).isPositive();
    assertThat(api.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void health_isUp() throws Exception {
    Answer a = get("/health");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.contentType()).isEqualTo("application/json; charset=utf-8");
    assertThat(a.json()).isEqualTo(Json.MAPPER.readTree("{\"status\":\"UP\"}"));
  }

  @Test
  void getKey_present_answersKeyValueVersion() throws Exception {
    fake.put("k", "v1");
    fake.put("k", "v2");
    Answer a = get("/v1/kv/k");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.fieldNames()).containsExactly("key", "value", "version");
    assertThat(a.json().get("key").asText()).isEqualTo("k");
    assertThat(a.json().get("value").asText()).isEqualTo("v2");
    assertThat(a.json().get("version").asLong()).isEqualTo(2);
  }

  @Test
  void postRead_severalKeys_answersEachInOrder_absentWithoutValue() throws Exception {
    fake.put("a", "1");
    fake.put("b", "2");
    fake.put("b", "3");
    Answer a = post("/v1/read", "{\"keys\":[\"b\",\"nope\",\"a\",\"b\"]}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json()).isEqualTo(Json.MAPPER.readTree("{\"items\":["
        + "{\"key\":\"b\",\"value\":\"3\",\"version\":2},"
        + "{\"key\":\"nope\",\"version\":0},"
        + "{\"key\":\"a\",\"value\":\"1\",\"version\":1}]}"));
    assertThat(fake.reads()).containsExactlyInAnyOrder("b", "nope", "a");
  }

  @Test
  void postRead_badBodies_answer400_andReadNothing() throws Exception {
    assertError(post("/v1/read", ""), 400, ApiErrorCode.MALFORMED_JSON);
    assertError(post("/v1/read", "{\"keys\":"), 400, ApiErrorCode.MALFORMED_JSON);
    assertError(post("/v1/read", "[\"a\"]"), 400, ApiErrorCode.NOT_AN_OBJECT);
    assertError(post("/v1/read", "{}"), 400, ApiErrorCode.MISSING_FIELD);
    assertError(post("/v1/read", "{\"keys\":[]}"), 400, ApiErrorCode.MISSING_FIELD);
    assertError(post("/v1/read", "{\"keys\":\"a\"}"), 400, ApiErrorCode.WRONG_TYPE);
    assertError(post("/v1/read", "{\"keys\":[\"a\",7]}"), 400, ApiErrorCode.WRONG_TYPE);
    assertError(post("/v1/read", "{\"keys\":[\"a\"],\"x\":1}"), 400,
        ApiErrorCode.UNKNOWN_FIELD);
    assertError(post("/v1/read", "{\"keys\":[\"\"]}"), 400, ApiErrorCode.INVALID_KEY);
    assertError(post("/v1/read", "{\"keys\":[\"" + "k".repeat(17) + "\"]}"), 400,
        ApiErrorCode.KEY_TOO_LARGE);
    assertError(post("/v1/read", "{\"keys\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"), 400,
        ApiErrorCode.TOO_MANY_KEYS);
    assertThat(fake.reads()).isEmpty();
    // Still serving.
    assertThat(post("/v1/read", "{\"keys\":[\"a\",\"a\",\"b\",\"c\",\"d\"]}").status())
        .isEqualTo(200);
  }

  @Test
  void getKey_absent_answers404WithVersion() throws Exception {
    Answer a = get("/v1/kv/nope");
    assertError(a, 404, ApiErrorCode.KEY_NOT_FOUND);
    assertThat(a.json().get("key").asText()).isEqualTo("nope");
    assertThat(a.json().get("version").asLong()).isZero();
  }

  @Test
  void getKey_withSlash_literalOrPercentEncoded() throws Exception {
    fake.put("a/b/c", "x");
    assertThat(get("/v1/kv/a/b/c").json().get("value").asText()).isEqualTo("x");
    assertThat(get("/v1/kv/a%2Fb%2Fc").json().get("value").asText()).isEqualTo("x");
    assertThat(fake.reads()).containsExactly("a/b/c", "a/b/c");
  }

  @Test
  void getKey_dotSegments_areKeysNotPathSteps() throws Exception {
    for (String k : List.of("..", ".", "a/../b", "./x", "x/..", "a//b", "/a", "a/")) {
      fake.put(k, "v:" + k);
    }
    assertThat(rawGet("/v1/kv/..").json().get("key").asText()).isEqualTo("..");
    assertThat(rawGet("/v1/kv/%2E%2E").json().get("key").asText()).isEqualTo("..");
    assertThat(rawGet("/v1/kv/%2e").json().get("key").asText()).isEqualTo(".");
    assertThat(rawGet("/v1/kv/a/../b").json().get("key").asText()).isEqualTo("a/../b");
    assertThat(rawGet("/v1/kv/a%2F%2E%2E%2Fb").json().get("key").asText()).isEqualTo("a/../b");
    assertThat(rawGet("/v1/kv/%2E%2Fx").json().get("key").asText()).isEqualTo("./x");
    assertThat(rawGet("/v1/kv/x/..").json().get("key").asText()).isEqualTo("x/..");
    assertThat(rawGet("/v1/kv/a//b").json().get("key").asText()).isEqualTo("a//b");
    assertThat(rawGet("/v1/kv//a").json().get("key").asText()).isEqualTo("/a");
    assertThat(rawGet("/v1/kv/a%2F").json().get("value").asText()).isEqualTo("v:a/");
  }

  @Test
  void getKey_unicodeSpacesAndPlus_arePercentDecoded() throws Exception {
    fake.put("é 😀+", "x");
    Answer a = get("/v1/kv/%C3%A9%20%F0%9F%98%80+");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("key").asText()).isEqualTo("é 😀+");
  }

  @Test
  void postTxn_committed_answersIdAndOutcomeOnly() throws Exception {
    Answer a = post("/v1/txn",
        "{\"id\":\"c1-1\",\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"}]}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.contentType()).isEqualTo("application/json; charset=utf-8");
    assertThat(a.fieldNames()).containsExactly("id", "outcome");
    assertThat(a.json().get("id").asText()).isEqualTo("c1-1");
    assertThat(a.json().get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(fake.stored("a")).hasValue(new FakeTransactionService.Stored("1", 1));
  }

  @Test
  void postTxn_conflict_answersAbortedWithReason() throws Exception {
    fake.put("a", "x");
    Answer a = post("/v1/txn", "{\"id\":\"c1-2\",\"reads\":[{\"key\":\"a\",\"version\":0}]}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.fieldNames()).containsExactly("id", "outcome", "reason");
    assertThat(a.json().get("outcome").asText()).isEqualTo("ABORTED");
    assertThat(a.json().get("reason").asText()).isEqualTo("CONFLICT");
  }

  @Test
  void postTxn_emptyTransactionWithoutId_commitsWithAnAssignedId() throws Exception {
    Answer a = post("/v1/txn", "{}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(TxId.isValid(a.json().get("id").asText())).isTrue();
    assertThat(fake.commits()).singleElement().satisfies(r -> {
      assertThat(r.id()).isNull();
      assertThat(r.reads()).isEmpty();
      assertThat(r.writes()).isEmpty();
    });
  }

  @Test
  void postTxn_contentTypeAbsentOrJsonUtf8_isAccepted() throws Exception {
    assertThat(postBytes("/v1/txn", "{}".getBytes(StandardCharsets.UTF_8), null).status())
        .isEqualTo(200);
    assertThat(postBytes("/v1/txn", "{}".getBytes(StandardCharsets.UTF_8),
        "application/json; charset=UTF-8").status()).isEqualTo(200);
    assertThat(postBytes("/v1/txn", "{}".getBytes(StandardCharsets.UTF_8),
        "Application/JSON;charset=\"utf-8\"").status()).isEqualTo(200);
  }

  @Test
  void getTxn_known_answersIdOutcomeParticipants() throws Exception {
    post("/v1/txn", "{\"id\":\"c1-3\",\"writes\":[{\"op\":\"delete\",\"key\":\"a\"}]}");
    Answer a = get("/v1/txn/c1-3");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.fieldNames()).containsExactly("id", "outcome", "participants");
    assertThat(a.json())
        .isEqualTo(Json.MAPPER.readTree(
            "{\"id\":\"c1-3\",\"outcome\":\"COMMITTED\","
                + "\"participants\":[{\"node\":\"p1\",\"state\":\"COMMIT\"}]}"));
  }

  @Test
  void getTxn_dotIds_areIdsNotPathSteps() throws Exception {
    post("/v1/txn", "{\"id\":\"..\"}");
    assertThat(rawGet("/v1/txn/..").json().get("id").asText()).isEqualTo("..");
    assertThat(rawGet("/v1/txn/%2E%2E").json().get("id").asText()).isEqualTo("..");
    assertError(rawGet("/v1/txn/a/b"), 400, ApiErrorCode.INVALID_ID);
  }

  @Test
  void metrics_nonStandardMethods_shareOneLabel() throws Exception {
    send(request("/health").method("BREW", HttpRequest.BodyPublishers.noBody()));
    send(request("/health").method("FETCH", HttpRequest.BodyPublishers.noBody()));
    assertThat(get("/metrics").body().lines())
        .contains("ringtx_http_requests_total{route=\"unmatched\",method=\"other\",status=\"405\"} 2");
  }

  @Test
  void getTxn_unknown_answers404() throws Exception {
    assertError(get("/v1/txn/never-seen"), 404, ApiErrorCode.TX_NOT_FOUND);
  }

  @Test
  void getTxn_invalidId_answers400() throws Exception {
    assertError(get("/v1/txn/bad%20id"), 400, ApiErrorCode.INVALID_ID);
    assertError(get("/v1/txn/" + "a".repeat(129)), 400, ApiErrorCode.INVALID_ID);
  }

  @Test
  void getTxn_idThatIsNotUtf8_isRefusedAsSuch_notAsAnEmptyId() throws Exception {
    Answer a = get("/v1/txn/ab%FF");
    assertError(a, 400, ApiErrorCode.INVALID_UTF8);
    assertThat(a.json().get("message").asText()).doesNotContain("''");
  }

  @Test
  void cluster_answersTheServiceMap_builtOffTheEventLoop() throws Exception {
    Answer a = get("/v1/cluster");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("coordinator").asText()).isEqualTo("c1");
    assertThat(a.json().get("nodes").get(0).get("role").asText()).isEqualTo("participant");
    assertThat(fake.clusterCalledOnEventLoop()).isFalse();
  }

  @Test
  void routing_answersTheServiceRouting_or404WhenItHasNone() throws Exception {
    Answer none = get("/v1/routing");
    fake.routing = java.util.Map.of("bits", 64, "virtualNodes", java.util.List.of(),
        "participants", java.util.Map.of("p1", "http://127.0.0.1:1"));
    Answer some = get("/v1/routing");

    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().get("error").asText()).isEqualTo("not_found");
    assertThat(some.status()).isEqualTo(200);
    assertThat(some.json().get("bits").asInt()).isEqualTo(64);
    assertThat(some.json().get("participants").get("p1").asText()).isEqualTo("http://127.0.0.1:1");
  }

  @Test
  void metrics_countRequestsByRouteAndStatus_andOutcomesByReason() throws Exception {
    post("/v1/txn", "{\"id\":\"m-1\"}");
    fake.thenAbort(Reason.CONFLICT).thenAbort(Reason.CONFLICT).thenAbort(Reason.TIMEOUT);
    post("/v1/txn", "{\"id\":\"m-2\"}");
    post("/v1/txn", "{\"id\":\"m-3\"}");
    post("/v1/txn", "{\"id\":\"m-4\"}");
    post("/v1/txn", "{\"bad\":1}");
    get("/v1/kv/x");
    get("/v1/kv/a/b");
    get("/nowhere");
    Answer a = get("/metrics");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(a.body().lines())
        .contains(
            "# TYPE ringtx_http_requests_total counter",
            "ringtx_http_requests_total{route=\"/v1/txn\",method=\"POST\",status=\"200\"} 4",
            "ringtx_http_requests_total{route=\"/v1/txn\",method=\"POST\",status=\"400\"} 1",
            "ringtx_http_requests_total{route=\"/v1/kv/{key}\",method=\"GET\",status=\"404\"} 2",
            "ringtx_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
            "ringtx_http_tx_committed_total 1",
            "ringtx_http_tx_aborted_total{reason=\"CONFLICT\"} 2",
            "ringtx_http_tx_aborted_total{reason=\"TIMEOUT\"} 1",
            "ringtx_http_tx_aborted_total{reason=\"INVALID\"} 0",
            "ringtx_http_tx_unknown_total 0");
    // Text format 0.0.4: every sample line is "name{labels} value" and ends with a newline.
    assertThat(a.body()).endsWith("\n");
    a.body().lines().filter(l -> !l.startsWith("#")).forEach(l ->
        assertThat(l).matches("[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? [0-9]+"));
  }

  // ---- bad input: 400, and the service is never called -----------------------------------

  static Stream<Arguments> badTransactions() {
    return Stream.of(
        Arguments.of("{\"reads\":[", ApiErrorCode.MALFORMED_JSON),
        Arguments.of("", ApiErrorCode.MALFORMED_JSON),
        Arguments.of("[1,2]", ApiErrorCode.NOT_AN_OBJECT),
        Arguments.of("{\"reeds\":[]}", ApiErrorCode.UNKNOWN_FIELD),
        Arguments.of("{\"id\":\"a\",\"id\":\"b\"}", ApiErrorCode.DUPLICATE_FIELD),
        Arguments.of("{\"writes\":[{\"op\":\"incr\",\"key\":\"a\"}]}", ApiErrorCode.UNKNOWN_OP),
        Arguments.of("{\"writes\":[{\"op\":\"put\",\"key\":\"a\"}]}", ApiErrorCode.MISSING_FIELD),
        Arguments.of("{\"writes\":[{\"op\":\"append\",\"value\":\"a\"}]}",
            ApiErrorCode.MISSING_FIELD),
        Arguments.of("{\"writes\":[{\"key\":\"a\",\"value\":\"a\"}]}", ApiErrorCode.MISSING_FIELD),
        Arguments.of("{\"reads\":[{\"key\":\"a\"}]}", ApiErrorCode.MISSING_FIELD),
        Arguments.of("{\"reads\":[{\"version\":3}]}", ApiErrorCode.MISSING_FIELD),
        Arguments.of("{\"writes\":[{\"op\":\"delete\",\"key\":\"a\",\"value\":\"v\"}]}",
            ApiErrorCode.VALUE_NOT_ALLOWED),
        Arguments.of("{\"reads\":[{\"key\":\"a\",\"version\":\"3\"}]}", ApiErrorCode.WRONG_TYPE),
        Arguments.of("{\"reads\":[{\"key\":\"a\",\"version\":3.5}]}", ApiErrorCode.WRONG_TYPE),
        Arguments.of("{\"reads\":[{\"key\":\"a\",\"version\":-3}]}", ApiErrorCode.INVALID_VERSION),
        Arguments.of("{\"writes\":[{\"op\":\"put\",\"key\":\"\",\"value\":\"v\"}]}",
            ApiErrorCode.INVALID_KEY),
        Arguments.of("{\"writes\":[{\"op\":\"put\",\"key\":\"" + "k".repeat(17)
            + "\",\"value\":\"v\"}]}", ApiErrorCode.KEY_TOO_LARGE),
        Arguments.of("{\"writes\":[{\"op\":\"put\",\"key\":\"k\",\"value\":\"" + "v".repeat(33)
            + "\"}]}", ApiErrorCode.VALUE_TOO_LARGE),
        Arguments.of("{\"writes\":[{\"op\":\"delete\",\"key\":\"a\"},{\"op\":\"delete\",\"key\":\"b\"},"
            + "{\"op\":\"delete\",\"key\":\"c\"},{\"op\":\"delete\",\"key\":\"d\"},"
            + "{\"op\":\"delete\",\"key\":\"e\"}]}", ApiErrorCode.TOO_MANY_KEYS),
        Arguments.of("{\"reads\":[{\"key\":\"a\",\"version\":1},{\"key\":\"a\",\"version\":1}]}",
            ApiErrorCode.DUPLICATE_READ),
        Arguments.of("{\"id\":\"no spaces allowed\"}", ApiErrorCode.INVALID_ID));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badTransactions")
  void postTxn_badInput_answers400AndNeverCallsTheService(String body, ApiErrorCode code)
      throws Exception {
    Answer a = post("/v1/txn", body);
    assertError(a, 400, code);
    assertThat(a.json().get("errors").isArray()).isTrue();
    assertThat(a.json().get("errors").get(0).get("error").asText()).isEqualTo(code.wire());
    assertThat(fake.commits()).isEmpty();
    assertThat(get("/health").status()).isEqualTo(200);
  }

  @Test
  void postTxn_messageNamesTheField() throws Exception {
    Answer a = post("/v1/txn",
        "{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"v\"},{\"op\":\"put\",\"key\":\"b\"}]}");
    assertThat(a.json().get("message").asText()).isEqualTo("writes[1].value is required for put");
  }

  @Test
  void postTxn_invalidUtf8_answers400() throws Exception {
    byte[] body = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xFF, '"', '}'};
    assertError(postBytes("/v1/txn", body, "application/json"), 400, ApiErrorCode.INVALID_UTF8);
    assertThat(fake.commits()).isEmpty();
  }

  @Test
  void postTxn_wrongContentType_answers415() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertError(postBytes("/v1/txn", body, "text/plain"), 415, ApiErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertError(postBytes("/v1/txn", body, "application/x-www-form-urlencoded"), 415,
        ApiErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertError(postBytes("/v1/txn", body, "application/json; charset=iso-8859-1"), 415,
        ApiErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertThat(fake.commits()).isEmpty();
  }

  @Test
  void postTxn_bodyOverTheLimit_answers413() throws Exception {
    String body = "{\"id\":\"" + "a".repeat(BODY_LIMIT) + "\"}";
    assertError(post("/v1/txn", body), 413, ApiErrorCode.BODY_TOO_LARGE);
    assertThat(fake.commits()).isEmpty();
    assertThat(get("/health").status()).isEqualTo(200);
  }

  @Test
  void getKey_badKeys_answer400AndNeverCallTheService() throws Exception {
    assertError(get("/v1/kv/"), 400, ApiErrorCode.INVALID_KEY);
    assertError(get("/v1/kv"), 400, ApiErrorCode.INVALID_KEY);
    assertError(get("/v1/kv/" + "k".repeat(17)), 400, ApiErrorCode.KEY_TOO_LARGE);
    // Vert.x refuses a malformed percent-escape before routing: still a JSON 400.
    assertError(rawGet("/v1/kv/%zz"), 400, ApiErrorCode.BAD_REQUEST);
    assertError(get("/v1/kv/%C3%28"), 400, ApiErrorCode.INVALID_UTF8);
    assertThat(fake.reads()).isEmpty();
  }

  // ---- routing errors --------------------------------------------------------------------

  @Test
  void unknownRoute_answers404Json() throws Exception {
    assertError(get("/v2/anything"), 404, ApiErrorCode.NOT_FOUND);
    assertError(get("/"), 404, ApiErrorCode.NOT_FOUND);
  }

  @Test
  void wrongMethod_answers405Json() throws Exception {
    assertError(send(request("/v1/txn").DELETE()), 405, ApiErrorCode.METHOD_NOT_ALLOWED);
    assertError(send(request("/v1/txn").GET()), 405, ApiErrorCode.METHOD_NOT_ALLOWED);
    assertError(post("/health", "{}"), 405, ApiErrorCode.METHOD_NOT_ALLOWED);
    assertError(send(request("/v1/kv/x").PUT(HttpRequest.BodyPublishers.ofString("v"))), 405,
        ApiErrorCode.METHOD_NOT_ALLOWED);
    assertThat(fake.commits()).isEmpty();
  }

  // ---- service failures ------------------------------------------------------------------

  @Test
  void serviceFutureFails_answers500WithTheMessage() throws Exception {
    fake.thenFail(new IllegalStateException("log write failed"));
    Answer a = post("/v1/txn", "{\"id\":\"f-1\"}");
    assertError(a, 500, ApiErrorCode.INTERNAL);
    assertThat(a.json().get("message").asText()).contains("tx=f-1").contains("log write failed");
  }

  @Test
  void serviceThrows_answers500() throws Exception {
    fake.thenThrow(new IllegalArgumentException("boom"));
    Answer a = post("/v1/txn", "{}");
    assertError(a, 500, ApiErrorCode.INTERNAL);
    assertThat(a.json().get("message").asText()).contains("boom");
  }

  @Test
  void serviceNeverAnswers_answers503AfterTheTimeout() throws Exception {
    fake.thenNeverAnswer();
    Answer a = post("/v1/txn", "{\"id\":\"slow-1\"}");
    assertError(a, 503, ApiErrorCode.TIMEOUT);
    assertThat(a.json().get("message").asText()).contains("slow-1");
    assertThat(post("/v1/txn", "{}").status()).isEqualTo(200);
  }

  @Test
  void serviceAnswersFromAnotherThread_isAnsweredOnce() throws Exception {
    fake.thenAnswer(r -> java.util.concurrent.CompletableFuture.supplyAsync(
        () -> io.ringtx.protocol.message.TxResult.committed(r.id())));
    Answer a = post("/v1/txn", "{\"id\":\"async-1\"}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("outcome").asText()).isEqualTo("COMMITTED");
  }

  // ---- robustness ------------------------------------------------------------------------

  @Test
  void garbage_onTheSocketAndInBodies_theServerKeepsServing() throws Exception {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {0, 1, 2, (byte) 0xff, '\r', '\n', '\r', '\n'});
      out.write("GARBAGE / HTTP/9.9\r\nContent-Length: -5\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    java.util.Random rnd = new java.util.Random(7);
    for (int i = 0; i < 50; i++) {
      byte[] junk = new byte[rnd.nextInt(200)];
      rnd.nextBytes(junk);
      int status = postBytes("/v1/txn", junk, "application/json").status();
      assertThat(status).isEqualTo(400);
    }
    assertThat(fake.commits()).isEmpty();
    assertThat(get("/health").status()).isEqualTo(200);
    assertThat(post("/v1/txn", "{}").status()).isEqualTo(200);
  }

  // ---- operator tools (ringtx recovery) ----

  /** Key owners by their first letter; everything else fails the test if asked. */
  static final class OwnersOnly implements io.ringtx.coordinator.api.RecoveryService {
    @Override
    public CompletableFuture<io.ringtx.protocol.inspect.TxReport> tx(
        io.ringtx.protocol.id.TxId id) {
      return CompletableFuture.completedFuture(new io.ringtx.protocol.inspect.TxReport("c1",
          "coordinator", id, io.ringtx.protocol.message.TxState.UNKNOWN, null, false, "c1",
          List.of(), List.of(), List.of(), List.of()));
    }

    @Override
    public CompletableFuture<io.ringtx.protocol.inspect.NodeReport> unfinished() {
      return CompletableFuture.completedFuture(
          new io.ringtx.protocol.inspect.NodeReport("c1", "coordinator", List.of(), 0, 0));
    }

    @Override
    public CompletableFuture<io.ringtx.protocol.inspect.NodeAudit> audit() {
      throw new AssertionError("not asked");
    }

    @Override
    public java.util.Map<String, String> owners(List<String> keys) {
      java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
      keys.forEach(k -> m.put(k, k.startsWith("a") ? "p1" : "p2"));
      return m;
    }
  }

  @Test
  void recoveryRoutes_onAServiceWithoutThem_are404() throws Exception {
    Answer a = get("/v1/recovery/txs");
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("error").asText()).isEqualTo("not_found");
  }

  @Test
  void recoveryOwners_answersEachKeysOwner_andRefusesBadBodies() throws Exception {
    fake.recovery = new OwnersOnly();

    Answer ok = post("/v1/recovery/owners", "{\"keys\":[\"apple\",\"berry\"]}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("owners").toString()).isEqualTo("{\"apple\":\"p1\",\"berry\":\"p2\"}");

    assertThat(post("/v1/recovery/owners", "{\"keys\":").json().get("error").asText())
        .isEqualTo("malformed_json");
    assertThat(post("/v1/recovery/owners", "{\"keys\":\"apple\"}").status()).isEqualTo(400);
    assertThat(post("/v1/recovery/owners", "{\"keys\":[],\"x\":1}").status()).isEqualTo(400);
    assertThat(post("/v1/recovery/owners", "{\"keys\":[1]}").json().get("error").asText())
        .isEqualTo("wrong_type");
    // Keys no transaction could have written are refused as the client API refuses them.
    assertError(post("/v1/recovery/owners", "{\"keys\":[\"apple\",\"\"]}"), 400,
        ApiErrorCode.INVALID_KEY);
    assertError(post("/v1/recovery/owners", "{\"keys\":[\"" + "k".repeat(1025) + "\"]}"), 400,
        ApiErrorCode.KEY_TOO_LARGE);
    assertError(post("/v1/recovery/owners", "{\"keys\":[\"\\ud800\"]}"), 400,
        ApiErrorCode.INVALID_UTF8);
    assertError(postBytes("/v1/recovery/owners", "{\"keys\":[\"apple\"]}".getBytes(
        StandardCharsets.UTF_8), "text/plain"), 415, ApiErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertThat(get("/health").status()).as("still serving").isEqualTo(200);
  }

  @Test
  void recoveryTx_answersTheReport_orRefusesABadId() throws Exception {
    fake.recovery = new OwnersOnly();

    Answer ok = get("/v1/recovery/tx/t-1");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("state").asText()).isEqualTo("UNKNOWN");
    assertThat(get("/v1/recovery/txs").json().get("txs").size()).isZero();
    Answer bad = get("/v1/recovery/tx/bad!id");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asText()).isEqualTo("invalid_id");
  }

  // ---- POST /v1/txns ---------------------------------------------------------------------

  static String put(String id, String key, String value) {
    return "{\"id\":\"" + id + "\",\"writes\":[{\"op\":\"put\",\"key\":\"" + key
        + "\",\"value\":\"" + value + "\"}]}";
  }

  @Test
  void postTxns_commitsEachOnItsOwn_andAnswersEachInOrder() throws Exception {
    fake.put("a", "0");
    fake.thenAnswer(r -> CompletableFuture.completedFuture(fake.apply(r)))
        .thenAbort(Reason.CONFLICT)
        .thenFail(new IllegalStateException("log write failed"));
    Answer a = post("/v1/txns", "{\"txns\":[" + put("b1", "a", "1") + ","
        + put("b2", "b", "2") + "," + put("b3", "c", "3") + "," + put("b4", "d", "4") + "]}");
    assertThat(a.status()).as("answer %s", a).isEqualTo(200);
    JsonNode results = a.json().get("results");
    assertThat(results).hasSize(4);
    assertThat(results.get(0).toString()).isEqualTo("{\"id\":\"b1\",\"outcome\":\"COMMITTED\"}");
    assertThat(results.get(1).toString())
        .isEqualTo("{\"id\":\"b2\",\"outcome\":\"ABORTED\",\"reason\":\"CONFLICT\"}");
    assertThat(results.get(2).get("id").asText()).isEqualTo("b3");
    assertThat(results.get(2).get("error").asText()).isEqualTo("internal");
    assertThat(results.get(2).get("message").asText()).contains("b3", "log write failed");
    assertThat(results.get(3).toString()).isEqualTo("{\"id\":\"b4\",\"outcome\":\"COMMITTED\"}");
    assertThat(fake.stored("a").map(FakeTransactionService.Stored::value)).hasValue("1");
    assertThat(fake.stored("b")).isEmpty();
    assertThat(fake.stored("c")).isEmpty();
    assertThat(fake.stored("d").map(FakeTransactionService.Stored::value)).hasValue("4");
    assertThat(api.inFlight()).as("every slot given back").isZero();
  }

  @Test
  void postTxns_anItemThatTimesOut_isAnsweredAsSuch_andTheOthersStillAre() throws Exception {
    fake.thenAnswer(r -> CompletableFuture.completedFuture(fake.apply(r))).thenNeverAnswer();
    Answer a = post("/v1/txns", "{\"txns\":[" + put("s1", "a", "1") + ","
        + put("s2", "b", "2") + "]}");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().get("results").get(0).get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(a.json().get("results").get(1).get("error").asText()).isEqualTo("timeout");
  }

  @Test
  void postTxns_anInvalidItem_refusesTheBatch_andCommitsNothing() throws Exception {
    Answer a = post("/v1/txns", "{\"txns\":[" + put("ok", "a", "1") + ","
        + put("bad", "k".repeat(17), "1") + "]}");
    assertError(a, 400, ApiErrorCode.KEY_TOO_LARGE);
    assertThat(a.json().get("message").asText()).startsWith("txns[1]: ");
    assertError(post("/v1/txns", "{\"txns\":[]}"), 400, ApiErrorCode.MISSING_FIELD);
    assertError(postBytes("/v1/txns", "{}".getBytes(StandardCharsets.UTF_8), "text/plain"),
        415, ApiErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertThat(fake.commits()).isEmpty();
    assertThat(post("/v1/txns", "{\"txns\":[" + put("ok", "a", "1") + "]}").status())
        .as("still serving").isEqualTo(200);
  }
}
