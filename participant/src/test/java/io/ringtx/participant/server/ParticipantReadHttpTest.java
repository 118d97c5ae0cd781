package io.ringtx.participant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.WriteOp;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A participant's {@code POST /v1/read} on a real node (RocksDB store, Vert.x event bus): it
 * answers what the node holds, refuses keys it does not own, and refuses bad input clearly
 * while it keeps serving.
 */
class ParticipantReadHttpTest {
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
    // Keys starting with "other-" belong to another shard.
    ParticipantConfig config =
        ParticipantConfig.defaults().withOwnership(k -> !k.startsWith("other-"));
    node = await(ParticipantNode.start(vertx, id, store, new EventBusTransport(vertx, id),
        config, 1_000));
    http = await(ParticipantHttp.start(vertx, node, store, "127.0.0.1", 0));
    Message done = await(new EventBusTransport(vertx, NodeId.of("c1")).request(id,
        new OnePhaseCommit(TxId.of("t-1"), NodeId.of("c1"), List.of(),
            List.of(WriteOp.put("a", "1"), WriteOp.put("b", "two"))), 5_000));
    assertThat(done.toString()).contains("COMMIT");
  }

  @AfterEach
  void stop() throws Exception {
    await(http.close());
    node.close();
    await(vertx.close());
    store.close();
  }

  Answer read(String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + http.port() + "/v1/read"))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()), r.body());
  }

  @Test
  void read_answersValuesAndVersions_inTheOrderNamed_aKeyNamedTwiceOnce() throws Exception {
    Answer a = read("application/json", "{\"keys\":[\"b\",\"missing\",\"a\",\"b\"]}");

    assertThat(a.status()).as(a.text()).isEqualTo(200);
    JsonNode items = a.json().get("items");
    assertThat(items).hasSize(3);
    assertThat(items.get(0).get("key").asText()).isEqualTo("b");
    assertThat(items.get(0).get("value").asText()).isEqualTo("two");
    assertThat(items.get(0).get("version").asLong()).isPositive();
    assertThat(items.get(1).get("key").asText()).isEqualTo("missing");
    assertThat(items.get(1).has("value")).isFalse();
    assertThat(items.get(1).get("version").asLong()).isZero();
    assertThat(items.get(2).get("value").asText()).isEqualTo("1");
  }

  @Test
  void read_ofAKeyNotOwned_is409NotOwner_namingIt() throws Exception {
    Answer a = read(null, "{\"keys\":[\"a\",\"other-x\"]}");

    assertThat(a.status()).as(a.text()).isEqualTo(409);
    assertThat(a.json().get("error").asText()).isEqualTo("not_owner");
    assertThat(a.json().get("keys").toString()).isEqualTo("[\"other-x\"]");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "xx", "[]", "{}", "{\"keys\":[]}", "{\"keys\":\"a\"}", "{\"keys\":[1]}",
      "{\"keys\":[\"\"]}", "{\"keys\":[\"a\"],\"more\":1}", "{\"keys\":[\"a\"]} {}"})
  void read_withABadBody_is400_andTheNodeKeepsServing(String body) throws Exception {
    Answer a = read("application/json", body);

    assertThat(a.status()).as(a.text()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).isEqualTo("bad_request");
    assertThat(read("application/json", "{\"keys\":[\"a\"]}").status()).isEqualTo(200);
  }

  @Test
  void read_ofTooManyOrTooLongKeys_isRefused() throws Exception {
    StringBuilder many = new StringBuilder("{\"keys\":[");
    for (int i = 0; i <= ReadKeys.MAX_KEYS; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append('"');
    }
    Answer tooMany = read("application/json", many.append("]}").toString());
    Answer tooLong = read("application/json",
        "{\"keys\":[\"" + "x".repeat(ReadKeys.MAX_KEY_BYTES + 1) + "\"]}");
    Answer tooBig = read("application/json",
        "{\"keys\":[\"" + "x".repeat(ParticipantHttp.MAX_READ_BODY) + "\"]}");

    assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(400);
    assertThat(tooMany.json().get("message").asText()).contains("more than 1000 distinct keys");
    assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(400);
    assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(413);
  }

  @Test
  void read_withAnotherContentType_is415() throws Exception {
    Answer a = read("text/plain", "{\"keys\":[\"a\"]}");

    assertThat(a.status()).isEqualTo(415);
    assertThat(a.json().get("error").asText()).isEqualTo("unsupported_media_type");
  }
}
