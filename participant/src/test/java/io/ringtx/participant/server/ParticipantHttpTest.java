package io.ringtx.participant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteRequest;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A participant's {@code /v1/recovery/} endpoints and {@code POST /v1/read} on a real node
 * (RocksDB store, Vert.x event bus): bad input is refused with a clear error and changes nothing;
 * decisions are applied; reads answer what the node holds and refuse keys it does not own.
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
    // Keys starting with "other-" belong to another shard.
    node = await(ParticipantNode.start(vertx, id, store, new EventBusTransport(vertx, id),
        ParticipantConfig.defaults().withOwnership(k -> !k.startsWith("other-")), 1_000));
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
  void decide_withoutHeuristic_namesWhatIsRequired() throws Exception {
    Answer a = decide("t-1", "{\"decision\":\"ABORT\",\"operator\":\"ops\"}");

    assertThat(a.status()).as(a.text()).isEqualTo(400);
    assertThat(a.json().get("message").asText()).contains("heuristic (true or false)");
    assertThat(store.txState(io.ringtx.protocol.id.TxId.of("t-1"))).isEmpty();
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

  private boolean seeded;

  /** {@code POST /v1/read}, after a one-phase commit put "a" and "b" here. */
  Answer read(String contentType, String body) throws Exception {
    if (!seeded) {
      seeded = true;
      NodeId c1 = NodeId.of("c1");
      Message done = await(new EventBusTransport(vertx, c1).request(NodeId.of("p1"),
          new OnePhaseCommit(io.ringtx.protocol.id.TxId.of("w-1"), c1, List.of(),
              List.of(WriteOp.put("a", "1"), WriteOp.put("b", "two"))), 5_000));
      assertThat(done.toString()).contains("COMMIT");
    }
    HttpRequest.Builder b = at("/v1/read").POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
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

  /** Prepares {@code tx} (from coordinator c1, with peer p2) writing {@code key} here. */
  void prepare(String tx, String key, String value) throws Exception {
    NodeId c1 = NodeId.of("c1");
    Message vote = await(new EventBusTransport(vertx, c1).request(NodeId.of("p1"),
        new VoteRequest(TxId.of(tx), c1, List.of(NodeId.of("p1"), NodeId.of("p2")), List.of(),
            List.of(WriteOp.put(key, value))), 5_000));
    assertThat(vote).isEqualTo(Vote.ok(TxId.of(tx), NodeId.of("p1")));
  }

  CompletableFuture<Answer> readLater(String key) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return read("application/json", "{\"keys\":[\"" + key + "\"]}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void read_ofAKeyAPreparedTransactionWrites_waitsForTheDecision_andAnswersTheCommittedValue()
      throws Exception {
    read("application/json", "{\"keys\":[\"a\"]}"); // a = "1"
    prepare("p-1", "a", "new");

    CompletableFuture<Answer> reading = readLater("a");
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> await(node.inspect(ParticipantCore::queuedWork)) == 1);
    assertThat(reading).isNotDone();
    Message ack = await(new EventBusTransport(vertx, NodeId.of("c1")).request(NodeId.of("p1"),
        GlobalDecision.commit(TxId.of("p-1")), 5_000));
    assertThat(ack).isInstanceOf(Ack.class);

    Answer a = reading.get(10, TimeUnit.SECONDS);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("items").get(0).get("value").asText()).isEqualTo("new");
  }

  @Test
  void read_ofAKeyWhosePreparedWritersDecisionIsOverdue_is503InDoubt_andChangesNothing()
      throws Exception {
    read("application/json", "{\"keys\":[\"a\"]}");
    prepare("p-2", "b", "new");

    // c1 never decides: after the READY timeout (1 s here) the read is refused.
    Answer a = readLater("b").get(10, TimeUnit.SECONDS);

    assertThat(a.status()).as(a.text()).isEqualTo(503);
    assertThat(a.json().get("error").asText()).isEqualTo("in_doubt");
    assertThat(a.json().get("message").asText()).contains("key b").contains("p-2")
        .contains("ringtx recovery list");
    Set<String> held = await(node.inspect(c -> c.locksHeldBy(TxId.of("p-2"))));
    assertThat(held).containsExactly("b");
    Answer other = read("application/json", "{\"keys\":[\"a\"]}");
    assertThat(other.status()).isEqualTo(200);
    assertThat(get("/metrics").text()).contains("ringtx_participant_reads_in_doubt_total 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "xx", "[]", "{}", "{\"keys\":[]}", "{\"keys\":\"a\"}", "{\"keys\":[1]}",
      "{\"keys\":[\"a\"],\"more\":1}", "{\"keys\":[\"a\"]} {}"})
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
        "{\"keys\":[\"" + "x".repeat(io.ringtx.protocol.api.Limits.DEFAULT.maxKeyBytes() + 1) + "\"]}");
    Answer tooBig = read("application/json",
        "{\"keys\":[\"" + "x".repeat(ParticipantHttp.MAX_READ_BODY) + "\"]}");

    assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(400);
    assertThat(tooMany.json().get("message").asText()).contains("more than 1000 distinct keys");
    assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(400);
    assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(413);
  }

  @Test
  void read_ofAKeyWithinAConfiguredKeyLimitAboveTheDefault_isAnswered() throws Exception {
    // A node configured with maxKeyBytes 2048 takes commits of such keys; its reads must too.
    ParticipantHttp wide = await(ParticipantHttp.start(vertx, node, store, "127.0.0.1", 0,
        io.ringtx.protocol.security.HttpSecurity.NONE, req -> false,
        new io.ringtx.protocol.api.Limits(2048, 1024 * 1024, 10_000)));
    try {
      String key = "x".repeat(1500);
      Answer a = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + wide.port() + "/v1/read"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"keys\":[\"" + key + "\"]}")));
      assertThat(a.status()).as(a.text()).isEqualTo(200);
      assertThat(a.json().get("items").get(0).get("key").asText()).isEqualTo(key);
      Answer tooLong = send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + wide.port() + "/v1/read"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"keys\":[\"" + "x".repeat(2049) + "\"]}")));
      assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(400);
    } finally {
      await(wide.close());
    }
  }

  @Test
  void read_ofABodyAboveTheLimitSentWithoutALength_is413_andTheNodeKeepsServing()
      throws Exception {
    read("application/json", "{\"keys\":[\"a\"]}"); // seeds the data
    String big = "{\"keys\":[\"" + "x".repeat(ParticipantHttp.MAX_READ_BODY) + "\"]}";
    // No Content-Length: sent chunked, so only the bytes read tell the size.
    HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofString(big));

    Answer tooBig = send(at("/v1/read").header("Content-Type", "application/json")
        .POST(chunked));

    assertThat(tooBig.status()).as(tooBig.text()).isEqualTo(413);
    assertThat(tooBig.json().get("error").asText()).isEqualTo("body_too_large");
    assertThat(read("application/json", "{\"keys\":[\"a\"]}").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a\\q", "/a\\b", "/a\"b", "/a\u0001b"})
  void unknownPath_is404_withAJsonBodyNamingThePath(String path) throws Exception {
    String raw;
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", http.port())) {
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      raw = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(raw).startsWith("HTTP/1.1 404");
    JsonNode json = Json.MAPPER.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertThat(json.get("error").asText()).isEqualTo("not_found");
    assertThat(json.get("message").asText()).isEqualTo("no route " + path);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET /v1/kv/LONG HTTP/1.1\r\nHost: x\r\n\r\n|414|request_line_too_long",
      "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: LONG\r\n\r\n|431|headers_too_large",
      "GET /health HTTP/9.x\r\nHost: x\r\n\r\n|400|bad_request"})
  void aRequestTheHttpLayerCannotTakeApart_isAJsonError_andTheNodeKeepsServing(String c)
      throws Exception {
    String[] parts = c.split("\\|");
    String raw;
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", http.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(parts[0].replace("LONG", "x".repeat(9000))
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      // Read to the end of the stream: returns only because the node closed the connection.
      raw = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    // The status line is HTTP/1.0 where the request line itself could not be read.
    assertThat(raw.substring(0, 12)).matches("HTTP/1\\.[01] " + parts[1]);
    assertThat(raw.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
    JsonNode json = Json.MAPPER.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
    assertThat(json.get("error").asText()).isEqualTo(parts[2]);
    assertThat(json.get("message").asText()).isNotBlank();
    assertThat(read("application/json", "{\"keys\":[\"a\"]}").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/jsonfoo", "application/json; charset=latin1"})
  void read_withAnotherContentType_is415_asAtTheCoordinator(String type) throws Exception {
    Answer a = read(type, "{\"keys\":[\"a\"]}");

    assertThat(a.status()).isEqualTo(415);
    assertThat(a.json().get("error").asText()).isEqualTo("unsupported_media_type");
    assertThat(read("application/json; charset=UTF-8", "{\"keys\":[\"a\"]}").status())
        .isEqualTo(200);
  }

  @Test
  void read_ofAKeyThatIsNotUtf8OrEmpty_is400_asAtTheCoordinator() throws Exception {
    Answer a = read("application/json", "{\"keys\":[\"a\",\"\\ud800\"]}");

    assertThat(a.status()).as(a.text()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).isEqualTo("invalid_utf8");
    assertThat(a.json().get("message").asText()).contains("keys[1]");
    Answer empty = read("application/json", "{\"keys\":[\"\"]}");
    assertThat(empty.status()).as(empty.text()).isEqualTo(400);
    assertThat(empty.json().get("error").asText()).isEqualTo("invalid_key");
  }

  // ---- one-shard commits straight from clients (POST /v1/txn, /v1/txns) ----

  Answer post(String path, String body) throws Exception {
    return send(at(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The value and version of {@code key} here, read as a client reads it. */
  JsonNode item(String key) throws Exception {
    Answer a = post("/v1/read", "{\"keys\":[\"" + key + "\"]}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.json().get("items").get(0);
  }

  @Test
  void commit_appliesOnce_andASecondSendOfTheSameIdIsAnsweredFromTheLog() throws Exception {
    String body = "{\"id\":\"cl-1\",\"writes\":[{\"op\":\"append\",\"key\":\"log\","
        + "\"value\":\"x\"},{\"op\":\"put\",\"key\":\"k\",\"value\":\"v\"}]}";

    Answer first = post("/v1/txn", body);
    Answer again = post("/v1/txn", body);

    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(first.json().get("id").asText()).isEqualTo("cl-1");
    assertThat(first.json().get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(item("log").get("value").asText()).isEqualTo("x");
    assertThat(item("k").get("value").asText()).isEqualTo("v");
    assertThat(get("/metrics").text()).contains("ringtx_participant_client_commits_total 2");
  }

  @Test
  void commit_withAStaleRead_abortsAsConflict_andWritesNothing() throws Exception {
    post("/v1/txn", "{\"id\":\"cl-1\",\"writes\":[{\"op\":\"put\",\"key\":\"k\","
        + "\"value\":\"1\"}]}");
    long version = item("k").get("version").asLong();

    Answer stale = post("/v1/txn", "{\"id\":\"cl-2\",\"reads\":[{\"key\":\"k\",\"version\":"
        + (version - 1) + "}],\"writes\":[{\"op\":\"put\",\"key\":\"k\",\"value\":\"2\"}]}");
    Answer current = post("/v1/txn", "{\"id\":\"cl-3\",\"reads\":[{\"key\":\"k\","
        + "\"version\":" + version + "}],\"writes\":[{\"op\":\"put\",\"key\":\"k\","
        + "\"value\":\"3\"}]}");

    assertThat(stale.json().get("outcome").asText()).as(stale.text()).isEqualTo("ABORTED");
    assertThat(stale.json().get("reason").asText()).isEqualTo("CONFLICT");
    assertThat(current.json().get("outcome").asText()).as(current.text()).isEqualTo("COMMITTED");
    assertThat(item("k").get("value").asText()).isEqualTo("3");
    // The refusal is the decision: sent again, even without the stale read, cl-2 is answered
    // from the log.
    assertThat(post("/v1/txn", "{\"id\":\"cl-2\",\"writes\":[{\"op\":\"put\",\"key\":\"k\","
        + "\"value\":\"2\"}]}").json().get("outcome").asText()).isEqualTo("ABORTED");
    assertThat(item("k").get("value").asText()).isEqualTo("3");
  }

  @Test
  void commit_ofAKeyNotOwned_abortsAsNotOwner_andWritesNothing() throws Exception {
    Answer a = post("/v1/txn", "{\"id\":\"cl-1\",\"writes\":[{\"op\":\"put\",\"key\":\"a\","
        + "\"value\":\"1\"},{\"op\":\"put\",\"key\":\"other-x\",\"value\":\"1\"}]}");

    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("outcome").asText()).isEqualTo("ABORTED");
    assertThat(a.json().get("reason").asText()).isEqualTo("NOT_OWNER");
    assertThat(item("a").get("version").asLong()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "{", "[]", "{\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"}]}",
      "{\"id\":\"cl-1\",\"writes\":[{\"op\":\"move\",\"key\":\"a\"}]}",
      "{\"id\":\"cl-1\",\"writes\":[{\"op\":\"put\",\"key\":\"a\"}]}",
      "{\"id\":\"bad id!\",\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"}]}",
      "{\"id\":\"cl-1\",\"reads\":[{\"key\":\"a\",\"version\":-1}]}"})
  void commit_withABadBody_is400NamingTheProblem_andWritesNothing(String body) throws Exception {
    Answer a = post("/v1/txn", body);

    assertThat(a.status()).as(a.text()).isEqualTo(400);
    assertThat(a.json().get("error").asText()).isNotBlank();
    assertThat(a.json().get("message").asText()).isNotBlank();
    assertThat(item("a").get("version").asLong()).isZero();
    assertThat(get("/metrics").text()).contains("ringtx_participant_client_commits_total 0");
  }

  @Test
  void commit_withoutAnId_namesTheField_andAKeyAboveTheLimitIsRefused() throws Exception {
    Answer noId = post("/v1/txn", "{\"writes\":[{\"op\":\"delete\",\"key\":\"a\"}]}");
    Answer longKey = post("/v1/txn", "{\"id\":\"cl-1\",\"writes\":[{\"op\":\"delete\","
        + "\"key\":\"" + "k".repeat(1025) + "\"}]}");

    assertThat(noId.json().get("error").asText()).isEqualTo("missing_field");
    assertThat(noId.json().get("message").asText()).startsWith("id is required");
    assertThat(longKey.status()).isEqualTo(400);
    assertThat(longKey.json().get("error").asText()).isEqualTo("key_too_large");
  }

  @Test
  void commitBatch_answersEachInOrder_andABatchWithAnItemWithoutIdDoesNothing()
      throws Exception {
    Answer refused = post("/v1/txns", "{\"txns\":[{\"id\":\"b-1\",\"writes\":[{\"op\":\"put\","
        + "\"key\":\"a\",\"value\":\"1\"}]},{\"writes\":[{\"op\":\"put\",\"key\":\"b\","
        + "\"value\":\"1\"}]}]}");
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).startsWith("txns[1].id is required");
    assertThat(item("a").get("version").asLong()).isZero();

    Answer a = post("/v1/txns", "{\"txns\":[{\"id\":\"b-1\",\"writes\":[{\"op\":\"put\","
        + "\"key\":\"a\",\"value\":\"1\"}]},{\"id\":\"b-2\",\"writes\":[{\"op\":\"put\","
        + "\"key\":\"other-y\",\"value\":\"1\"}]},{\"id\":\"b-3\",\"writes\":[{\"op\":"
        + "\"append\",\"key\":\"b\",\"value\":\"z\"}]}]}");

    assertThat(a.status()).as(a.text()).isEqualTo(200);
    JsonNode results = a.json().get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("id").asText()).isEqualTo("b-1");
    assertThat(results.get(0).get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(results.get(1).get("outcome").asText()).isEqualTo("ABORTED");
    assertThat(results.get(1).get("reason").asText()).isEqualTo("NOT_OWNER");
    assertThat(results.get(2).get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(item("b").get("value").asText()).isEqualTo("z");
  }

  @Test
  void commit_withAnotherMethodOrContentType_isRefused() throws Exception {
    assertThat(get("/v1/txn").status()).isEqualTo(405);
    assertThat(send(at("/v1/txns").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{}"))).status()).isEqualTo(415);
  }
}
