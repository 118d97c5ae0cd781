package io.ringtx.participant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.rpc.EventBusTransport;
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

/**
 * A participant's {@code /v1/recovery/} endpoints on a real node (RocksDB store, Vert.x event
 * bus): bad input is refused with a clear error and changes nothing; decisions are applied.
 */
class ParticipantHttpTest {
  @TempDir Path dir;

  Vertx vertx;
  RocksNodeStore store;
  ParticipantNode node;
  ParticipantHttp http;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Answer(int status, JsonNode json, String text) {}

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = RocksNodeStore.open(dir.resolve("store"));
    NodeId id = NodeId.of("p1");
    node = await(ParticipantNode.start(vertx, id, store, new EventBusTransport(vertx, id),
        ParticipantConfig.defaults(), 1_000));
    http = await(ParticipantHttp.start(vertx, node, store, "127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    await(http.close());
    node.close();
    await(vertx.close());
    store.close();
  }

  Answer send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.headers().firstValue("content-type").orElse("").contains("json")) {
      json = Json.MAPPER.readTree(r.body());
    }
    return new Answer(r.statusCode(), json, r.body());
  }

  HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path));
  }

  Answer get(String path) throws Exception {
    return send(at(path).GET());
  }

  Answer decide(String tx, String body) throws Exception {
    return send(at("/v1/recovery/tx/" + tx + "/decide").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{", "[]", "{\"decision\":\"MAYBE\",\"operator\":\"ops\",\"heuristic\":false}",
      "{\"operator\":\"ops\",\"heuristic\":false}",
      "{\"decision\":\"ABORT\",\"operator\":\"o p s\",\"heuristic\":false}",
      "{\"decision\":\"ABORT\",\"operator\":\"ops\",\"heuristic\":false,\"extra\":1}"})
  void decide_withABadBody_is400_andChangesNothing(String body) throws Exception {
    Answer a = decide("t-1", body);

    assertThat(a.status()).as(a.text()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).isEqualTo("bad_request");
    assertThat(store.txState(io.ringtx.protocol.id.TxId.of("t-1"))).isEmpty();
    assertThat(get("/health").status()).isEqualTo(200);
  }

  @Test
  void decide_commitOfATransactionNeverPrepared_isRefused409() throws Exception {
    Answer a = decide("t-1", "{\"decision\":\"COMMIT\",\"operator\":\"ops\",\"heuristic\":false}");

    assertThat(a.status()).isEqualTo(409);
    assertThat(a.json().get("error").asText()).isEqualTo("refused");
    assertThat(a.json().get("message").asText()).contains("never prepared at p1");
    assertThat(store.txState(io.ringtx.protocol.id.TxId.of("t-1"))).isEmpty();
  }

  @Test
  void decide_abortOfATransactionNeverPrepared_recordsAborted_shownByTxAndAudit()
      throws Exception {
    Answer a = decide("t-1", "{\"decision\":\"ABORT\",\"operator\":\"ops\",\"heuristic\":false}");

    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("decision").asText()).isEqualTo("ABORT");
    Answer tx = get("/v1/recovery/tx/t-1");
    assertThat(tx.json().get("state").asText()).isEqualTo("ABORT");
    assertThat(tx.json().get("records").get(0).get("record").get("type").asText())
        .isEqualTo("ABORTED");
    Answer audit = get("/v1/recovery/audit");
    assertThat(audit.json().get("latest").get("t-1").asText()).isEqualTo("ABORTED");
    assertThat(audit.json().get("decisions").get("t-1").asText()).isEqualTo("ABORT");
  }

  @Test
  void badIdsAndMethods_areRefused_andMetricsNameTheHeuristicCounters() throws Exception {
    assertThat(get("/v1/recovery/tx/bad!id").status()).isEqualTo(400);
    assertThat(send(at("/v1/recovery/tx/t-1").DELETE()).status()).isEqualTo(405);
    assertThat(get("/v1/recovery/nothing").status()).isEqualTo(404);
    assertThat(get("/v1/recovery/txs").json().get("txs").size()).isZero();
    assertThat(get("/metrics").text()).contains(
        "ringtx_participant_heuristic_decisions_total 0",
        "ringtx_participant_heuristic_mismatches_total 0");
  }
}
