package io.ringtx.participant.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.rpc.EventBusTransport;
import io.ringtx.protocol.security.BearerToken;
import io.ringtx.protocol.security.HttpSecurity;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A participant's HTTP endpoint with a bearer token: only /health is open. */
class ParticipantHttpAuthTest {
  private static final String TOKEN = "participant-test-token-42";
  private static final NodeId P1 = NodeId.of("p1");

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private RocksNodeStore store;
  private ParticipantNode node;
  private ParticipantHttp server;

  @BeforeEach
  void start() throws Exception {
    store = RocksNodeStore.open(dir.resolve("store"));
    node = await(ParticipantNode.start(vertx, P1, store, new EventBusTransport(vertx, P1),
        new ParticipantConfig(1_000, 2_000, k -> true), 1_000));
    server = await(ParticipantHttp.start(vertx, node, store, "127.0.0.1", 0,
        new HttpSecurity(null, BearerToken.of(TOKEN))));
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
    node.close();
    await(vertx.close());
    store.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/indoubt", "/metrics", "/elsewhere"})
  void withoutTheToken_401WithAChallenge_andWithItServed(String path) throws Exception {
    HttpResponse<String> refused = get(path, null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ringtx\"");
    assertThat(refused.body()).contains("\"error\":\"unauthorized\"");
    assertThat(get(path, "not-the-token-at-all").statusCode()).isEqualTo(401);

    assertThat(get(path, TOKEN).statusCode()).isEqualTo(path.equals("/elsewhere") ? 404 : 200);
  }

  @Test
  void health_staysOpen() throws Exception {
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
