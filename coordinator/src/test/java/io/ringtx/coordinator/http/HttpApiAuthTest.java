package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.ApiErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.security.BearerToken;
import io.ringtx.protocol.security.HttpSecurity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client API with a bearer token: 401 without it, everything as usual with it. */
class HttpApiAuthTest {
  private static final String TOKEN = "a-test-token-of-some-length";

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FakeTransactionService fake;
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeTransactionService(HttpApiTest.LIMITS);
    fake.put("k", "v");
    api = await(HttpApi.start(vertx, fake, HttpApiOptions.of("127.0.0.1", 0)
        .withSecurity(new HttpSecurity(null, BearerToken.of(TOKEN)))));
  }

  @AfterEach
  void stop() throws Exception {
    await(api.close());
    await(vertx.close());
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/kv/k", "/v1/txn/t1", "/v1/cluster", "/metrics", "/v1/nothing-here"})
  void withoutTheToken_everyPathButHealthAnswers401WithAChallenge(String path) throws Exception {
    HttpResponse<String> r = get(path, null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ringtx\"");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo(ApiErrorCode.UNAUTHORIZED.wire());
    assertThat(body.get("message").asText()).contains("Authorization: Bearer");
    assertThat(fake.reads()).isEmpty();
  }

  @Test
  void aWrongToken_answers401InvalidToken_andReadsNothing() throws Exception {
    HttpResponse<String> r = get("/v1/kv/k", "Bearer " + TOKEN + "-not");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    assertThat(fake.reads()).isEmpty();
  }

  @Test
  void aCommitWithoutTheToken_neverReachesTheService() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/txn"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"writes\":[{\"key\":\"a\",\"op\":\"put\",\"value\":\"1\"}]}"))
        .build();

    assertThat(http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(fake.commits()).isEmpty();
  }

  @Test
  void theRightToken_isServed() throws Exception {
    HttpResponse<String> r = get("/v1/kv/k", "Bearer " + TOKEN);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(r.body()).get("value").asText()).isEqualTo("v");
    assertThat(get("/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void health_staysOpen() throws Exception {
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }

  // A path that only normalises to /health must not open the API: the raw path is a key read.
  @Test
  void aPathThatNormalisesToHealth_stillNeedsTheToken() throws Exception {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      s.getOutputStream().write(("GET /v1/kv/../../health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(raw.substring(9, 12)).isEqualTo("401");
      assertThat(raw.toLowerCase(Locale.ROOT)).contains("www-authenticate");
    }
    assertThat(fake.reads()).isEmpty();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
