package io.ringtx.client;

import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.protocol.api.Limits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A coordinator that is the real HTTP API over the in-memory fake, and a client on a Vert.x of
 * one event loop: a test that starts transactions in one task of that loop knows which of their
 * requests share a turn, and counts the requests per route from the coordinator's metrics.
 */
abstract class OneLoopClientTest {
  Vertx server;
  Vertx clientVertx;
  FakeTransactionService fake;
  HttpApi api;
  RingTxClient client;
  final HttpClient http = HttpClient.newHttpClient();

  /** The fake coordinator's limits. */
  abstract Limits limits();

  @BeforeEach
  void start() throws Exception {
    server = Vertx.vertx();
    clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    fake = new FakeTransactionService(limits());
    api = await(HttpApi.start(server, fake, "127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    await(api.close());
    await(server.close());
    await(clientVertx.close());
  }

  void connect(ClientOptions options) {
    client = RingTx.connect("http://127.0.0.1:" + api.port(), options.withVertx(clientVertx)
        .withRequestTimeout(Duration.ofSeconds(5))
        .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static List<String> keys(String prefix, int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(prefix + i);
    }
    return keys;
  }

  /** Requests the coordinator answered on {@code route}, any status (from its /metrics). */
  long requests(String route) throws Exception {
    String text = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile(
        "ringtx_http_requests_total\\{route=\"" + Pattern.quote(route) + "\",[^}]*} (\\d+)")
        .matcher(text);
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }
}
