package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §2 on a cluster started as {@code ringtx local} starts it: exact field names of every
 * call, and a 400 that changes nothing for every kind of bad input.
 */
class HttpApiEndToEndTest {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));
    http = WebClient.create(cluster.vertx());
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static HttpResponse<Buffer> get(String path) throws Exception {
    return http.getAbs(cluster.url() + path).send()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> post(String path, String body) throws Exception {
    return http.postAbs(cluster.url() + path).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /**
   * DESIGN §2: without an id the coordinator assigns one. A client may choose any id, so an
   * assigned id must not be one a client can foresee: before, assigned ids counted up, a client
   * that committed under the next one made the next id-less commit answer COMMITTED from that
   * outcome (commit is idempotent by id) while its own writes were never applied.
   */
  @Test
  void anIdlessCommit_neverTakesAnIdAClientCouldForesee() throws Exception {
    String assigned = post("/v1/txn", "{\"writes\":[{\"op\":\"put\",\"key\":\"auto:0\",\"value\":\"0\"}]}")
        .bodyAsJsonObject().getString("id");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)$").matcher(assigned);
    String next = m.find()
        ? assigned.substring(0, m.start()) + (Long.parseLong(m.group(1)) + 1)
        : assigned + "1";
    assertThat(post("/v1/txn", "{\"id\":\"" + next + "\",\"writes\":[{\"op\":\"put\","
        + "\"key\":\"auto:client\",\"value\":\"c\"}]}").bodyAsJsonObject().getString("outcome"))
        .isEqualTo("COMMITTED");

    JsonObject idless = post("/v1/txn",
        "{\"writes\":[{\"op\":\"put\",\"key\":\"auto:1\",\"value\":\"1\"}]}").bodyAsJsonObject();

    assertThat(idless.getString("outcome")).isEqualTo("COMMITTED");
    assertThat(idless.getString("id")).isNotEqualTo(next);
    assertThat(get("/v1/kv/auto:1").statusCode()).isEqualTo(200);
  }

  @Test
  void commitReadAndStatus_haveTheFieldsOfTheDesign() throws Exception {
    HttpResponse<Buffer> r = post("/v1/txn", """
        {"id":"http-1","reads":[{"key":"h:a","version":0}],
         "writes":[{"op":"put","key":"h:a","value":"1"},{"op":"append","key":"h:b","value":"x"},
                   {"op":"delete","key":"h:c"}]}""");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("id", "http-1").put("outcome", "COMMITTED"));

    JsonObject kv = get("/v1/kv/h:a").bodyAsJsonObject();
    assertThat(kv.fieldNames()).containsExactlyInAnyOrder("key", "value", "version");
    assertThat(kv.getString("key")).isEqualTo("h:a");
    assertThat(kv.getString("value")).isEqualTo("1");
    assertThat(kv.getLong("version")).isPositive();
    assertThat(get("/v1/kv/h:c").statusCode()).isEqualTo(404);

    JsonObject st = get("/v1/txn/http-1").bodyAsJsonObject();
    assertThat(st.fieldNames()).containsExactlyInAnyOrder("id", "outcome", "participants");
    assertThat(st.getString("outcome")).isEqualTo("COMMITTED");
    JsonArray ps = st.getJsonArray("participants");
    assertThat(ps).isNotEmpty();
    assertThat(ps.getJsonObject(0).fieldNames()).contains("node", "state");
    assertThat(get("/v1/txn/never-ran").statusCode()).isEqualTo(404);

    // A stale read aborts with its reason.
    HttpResponse<Buffer> stale = post("/v1/txn",
        "{\"reads\":[{\"key\":\"h:a\",\"version\":0}],\"writes\":[{\"op\":\"put\",\"key\":\"h:a\",\"value\":\"2\"}]}");
    assertThat(stale.bodyAsJsonObject().getString("outcome")).isEqualTo("ABORTED");
    assertThat(stale.bodyAsJsonObject().getString("reason")).isEqualTo("CONFLICT");
    assertThat(stale.bodyAsJsonObject().getString("id")).isNotBlank();

    HttpResponse<Buffer> cluster = get("/v1/cluster");
    assertThat(cluster.statusCode()).isEqualTo(200);
    // Every participant answered for its transactions in doubt: none, all decided.
    assertThat(cluster.bodyAsJsonObject().getJsonArray("inDoubt")).isEmpty();
    assertThat(cluster.bodyAsJsonObject().getJsonArray("blocked")).isEmpty();
    assertThat(cluster.bodyAsJsonObject().getJsonArray("nodes").stream()
            .map(n -> (JsonObject) n)
            .filter(n -> "participant".equals(n.getString("role"))))
        .hasSize(3)
        .allSatisfy(n -> assertThat(n.getJsonArray("inDoubt")).as(n.encode()).isEmpty());
    assertThat(get("/metrics").bodyAsString()).contains("ringtx_http_tx_committed_total");
  }

  /**
   * DESIGN §2: an id names one transaction. Sent again with the same reads and writes it is a
   * retry, answered with its outcome; with others it is another transaction under a used id,
   * refused ABORTED ID_REUSED with nothing applied (before session 25 it was answered COMMITTED
   * and its writes silently dropped), on the one-phase path and across shards alike.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 24})
  void anIdSentAgainWithOtherWrites_isAbortedIdReused_andChangesNothing(int keys)
      throws Exception {
    String id = "reuse-" + keys;
    String first = putAll(id, keys, "first");
    assertThat(post("/v1/txn", first).bodyAsJsonObject().getString("outcome"))
        .isEqualTo("COMMITTED");

    JsonObject reused = post("/v1/txn", putAll(id, keys, "second")).bodyAsJsonObject();

    assertThat(reused.getString("outcome")).as(reused.encode()).isEqualTo("ABORTED");
    assertThat(reused.getString("reason")).isEqualTo("ID_REUSED");
    for (int i = 0; i < keys; i++) {
      assertThat(get("/v1/kv/" + id + ":" + i).bodyAsJsonObject().getString("value"))
          .isEqualTo("first");
    }
    assertThat(post("/v1/txn", first).bodyAsJsonObject().getString("outcome"))
        .as("the first transaction sent again is a retry").isEqualTo("COMMITTED");
    assertThat(get("/v1/txn/" + id).bodyAsJsonObject().getString("outcome"))
        .isEqualTo("COMMITTED");
  }

  /** A commit under {@code id} that puts {@code value} into {@code keys} keys. */
  static String putAll(String id, int keys, String value) {
    StringBuilder writes = new StringBuilder();
    for (int i = 0; i < keys; i++) {
      writes.append(i == 0 ? "" : ",").append("{\"op\":\"put\",\"key\":\"").append(id)
          .append(':').append(i).append("\",\"value\":\"").append(value).append("\"}");
    }
    return "{\"id\":\"" + id + "\",\"writes\":[" + writes + "]}";
  }

  static List<String> badBodies() {
    String big = "v".repeat(1024 * 1024 + 1);
    String longKey = "k".repeat(1025);
    return List.of(
        "{not json",
        "[]",
        "{\"writes\":[{\"op\":\"upsert\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\"}]}",
        "{\"writes\":[{\"op\":\"put\",\"value\":\"x\"}]}",
        "{\"writes\":[{\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"writes\":[{\"op\":\"delete\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"reads\":[{\"key\":\"bad:k\"}],\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"reads\":[{\"key\":\"bad:k\",\"version\":-1}],\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"reads\":[{\"key\":\"bad:k\",\"version\":\"one\"}],\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"writes\":[{\"op\":\"put\",\"key\":\"" + longKey + "\",\"value\":\"x\"}]}",
        "{\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\",\"value\":\"" + big + "\"}]}",
        "{\"id\":\"has space\",\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"surprise\":1,\"writes\":[{\"op\":\"put\",\"key\":\"bad:k\",\"value\":\"x\"}]}",
        "{\"writes\":[{\"op\":\"put\",\"key\":\"\",\"value\":\"x\"}]}");
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void badInput_gets400WithANamedError_andChangesNothing(String body) throws Exception {
    HttpResponse<Buffer> r = post("/v1/txn", body);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject err = r.bodyAsJsonObject();
    assertThat(err.getString("error")).isNotBlank();
    assertThat(err.getString("message")).isNotBlank();
    assertThat(get("/v1/kv/bad:k").statusCode()).isEqualTo(404);
    // The node keeps serving.
    assertThat(post("/v1/txn", "{\"writes\":[{\"op\":\"append\",\"key\":\"ok:k\",\"value\":\".\"}]}")
        .bodyAsJsonObject().getString("outcome")).isEqualTo("COMMITTED");
  }

  @Test
  void tooManyKeys_gets400() throws Exception {
    StringBuilder b = new StringBuilder("{\"writes\":[");
    for (int i = 0; i <= 10_000; i++) {
      b.append(i == 0 ? "" : ",").append("{\"op\":\"put\",\"key\":\"many:").append(i).append("\",\"value\":\"x\"}");
    }
    HttpResponse<Buffer> r = post("/v1/txn", b.append("]}").toString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("too_many_keys");
    assertThat(get("/v1/kv/many:0").statusCode()).isEqualTo(404);
  }
}
