package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.bench.target.PrometheusText;
import io.ringtx.client.ClientOptions;
import io.ringtx.client.RequestRejectedException;
import io.ringtx.client.RingTx;
import io.ringtx.client.RingTxClient;
import io.ringtx.client.RingTxException;
import io.ringtx.bench.report.ResultFiles;
import io.ringtx.dist.Main;
import io.ringtx.dist.certs.DevCerts;
import io.ringtx.dist.demo.BankClient;
import io.ringtx.dist.demo.BankDemo;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.protocol.codec.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, acceptance: with TLS and authentication on, a cluster of real node processes serves
 * transactions; a client without the token gets 401; a node with the wrong cluster secret is
 * refused — the running nodes log RTX-8101 naming it, it is not a member, and transactions that
 * need it do not commit — and is let in again with the right secret.
 */
class SecureClusterIT {
  /** Generous: the nodes of this test start while other builds load the machine. */
  private static final Duration START = Duration.ofSeconds(120);

  @TempDir Path tmp;

  private static List<String> keys(String prefix, int n) {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      a.add(prefix + i);
    }
    return a;
  }

  private static List<String> accounts(int n) {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      a.add(BankDemo.accountKey(i));
    }
    return a;
  }

  /** {@code GET url+path} over TLS trusting {@code ca}, with {@code token} unless null. */
  private static HttpResponse<String> get(Path ca, String url, String token) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(PrometheusText.trusting(ca))
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The health of {@code node} as the coordinator's {@code GET /v1/cluster} reports it. */
  private static String healthOf(Path ca, String coordinator, String token, String node)
      throws Exception {
    JsonNode c = Json.MAPPER.readTree(get(ca, coordinator + "/v1/cluster", token).body());
    for (JsonNode n : c.get("nodes")) {
      if (node.equals(n.get("id").asText())) {
        return n.get("health").asText();
      }
    }
    return "ABSENT";
  }

  private static boolean logged(ProcessClusterFixture cluster, String node, String text) {
    return cluster.logTail(node, 5_000).stream().anyMatch(l -> l.contains(text));
  }

  private static void putAll(RingTxClient client, List<String> keys, String value) {
    client.run(tx -> {
      for (String k : keys) {
        tx.put(k, value);
      }
      return null;
    });
  }

  @Test
  @Timeout(600)
  void withTlsTokenAndSecret_theClusterServesTheTokenHolder_refuses401_andKeepsOutAWrongSecret()
      throws Exception {
    Path certs = DevCerts.write(tmp.resolve("certs"), 30, false).dir();
    Path ca = certs.resolve("ca.pem");
    String token = Files.readString(certs.resolve("api-token")).strip();
    try (ProcessClusterFixture cluster = ProcessClusterFixture.builder(tmp.resolve("c"))
        .participants(2).coordinators(1).secure(certs)
        .set("failureDetectionSeconds", "3").timeout(START).start()) {
      String url = cluster.urls().get(0);
      assertThat(url).startsWith("https://127.0.0.1:");
      assertThat(cluster.status().allUp()).isTrue(); // the tooling probes /health over TLS
      for (String node : List.of("p1", "p2", "c1")) {
        assertThat(logged(cluster, node, "security: TLS on")).as(node).isTrue();
      }

      // 1. The Java client with the CA and the token: bank transfers over HTTPS, conserved.
      ClientOptions options = cluster.clientOptions();
      StringWriter out = new StringWriter();
      BankDemo.Result result = new BankDemo(
          new BankDemo.Options(100, 4, Duration.ofSeconds(3), 100, 11),
          RingTxBankClient.factory(cluster.urls(), options),
          new PrintWriter(out, true), new PrintWriter(out, true)).run();
      assertThat(result.conserved()).as(out.toString()).isTrue();
      assertThat(result.committed()).as(out.toString()).isPositive();

      // 2. Without the token: 401 with a challenge, for the Java client and for plain HTTP.
      try (RingTxClient noToken = RingTx.connect(url, ClientOptions.defaults().withTrustedCa(ca))) {
        assertThatThrownBy(() -> noToken.get(BankDemo.accountKey(0)))
            .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.error()).isEqualTo("unauthorized");
            });
      }
      HttpResponse<String> refused = get(ca, url + "/v1/kv/" + BankDemo.accountKey(0), null);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ringtx\"");
      assertThat(get(ca, url + "/v1/kv/" + BankDemo.accountKey(0), "wrong-token-0123456789")
          .statusCode()).isEqualTo(401);
      assertThat(get(ca, url + "/health", null).statusCode()).isEqualTo(200);
      String p1Url = cluster.cluster().layout().url(cluster.cluster().layout().require("p1"));
      assertThat(get(ca, p1Url + "/v1/indoubt", null).statusCode()).isEqualTo(401);
      assertThat(get(ca, p1Url + "/v1/indoubt", token).statusCode()).isEqualTo(200);
      // A client that does not trust the cluster's CA does not get as far as HTTP.
      try (RingTxClient untrusting = RingTx.connect(url, ClientOptions.defaults()
          .withBearerToken(token).withRequestTimeout(Duration.ofSeconds(5)))) {
        assertThatThrownBy(() -> untrusting.get(BankDemo.accountKey(0)))
            .isInstanceOf(RingTxException.class)
            .isNotInstanceOf(RequestRejectedException.class);
      }

      // The benchmark harness against the running cluster, with the CA and the token: it commits,
      // and reads the participant's store counters from its /metrics over TLS with the token.
      StringWriter benchOut = new StringWriter();
      int benchCode = Main.commandLine().setOut(new PrintWriter(benchOut, true))
          .setErr(new PrintWriter(benchOut, true))
          .execute("bench", "run", "--cluster", url, "--metrics-url", p1Url,
              "--ca-file", ca.toString(), "--token-file", certs.resolve("api-token").toString(),
              "--workload", "ycsb-a", "--keys", "40", "--concurrency", "2", "--duration", "1s",
              "--warmup", "200ms", "--out", tmp.resolve("bench").toString());
      assertThat(benchCode).as(benchOut.toString()).isZero();
      JsonNode bench = ResultFiles.read(tmp.resolve("bench"));
      assertThat(bench.path("summary").path("committed").asLong()).as(benchOut.toString())
          .isPositive();
      assertThat(bench.path("storeTotals").path("nodesNotReporting").toString())
          .doesNotContain(p1Url);

      // The recovery tooling on the live cluster, with the CA and the token; refused without.
      StringWriter recOut = new StringWriter();
      int recCode = Main.commandLine().setOut(new PrintWriter(recOut, true))
          .setErr(new PrintWriter(recOut, true))
          .execute("recovery", "list", "--cluster", url, "--ca-file", ca.toString(),
              "--token-file", certs.resolve("api-token").toString());
      assertThat(recCode).as(recOut.toString()).isZero();
      assertThat(recOut.toString()).contains("0 transactions");
      StringWriter recRefused = new StringWriter();
      assertThat(Main.commandLine().setOut(new PrintWriter(recRefused, true))
          .setErr(new PrintWriter(recRefused, true))
          .execute("recovery", "list", "--cluster", url, "--ca-file", ca.toString()))
          .as(recRefused.toString()).isNotZero();

      // The ring's operator calls over TLS with the token (issue 4): ringtx ring from the URL with
      // --ca-file and --token-file, and from the cluster's directory, which names both; the
      // participants' ring routes. Without the token each is refused, naming the token, and
      // changes nothing.
      String tokenFile = certs.resolve("api-token").toString();
      String[] ringArgs = {"ring", "--cluster", url, "--ca-file", ca.toString(),
          "--token-file", tokenFile};
      await().atMost(Duration.ofSeconds(60)).until(() -> ringtx(ringArgs).code() == 0);
      Run ring = ringtx(ringArgs);
      assertThat(ring.out()).contains("placement agrees with the ring").contains("p1")
          .contains("p2");
      Run ringFromDir = ringtx("ring", "--dir", cluster.dir().toString());
      assertThat(ringFromDir.code()).as(ringFromDir.out()).isZero();
      Run ringNoToken = ringtx("ring", "--cluster", url, "--ca-file", ca.toString());
      assertThat(ringNoToken.code()).as(ringNoToken.out()).isEqualTo(2);
      assertThat(ringNoToken.out()).contains("401").contains("--token-file");
      Run ringNoCa = ringtx("ring", "--cluster", url, "--token-file", tokenFile);
      assertThat(ringNoCa.code()).as(ringNoCa.out()).isEqualTo(2);
      assertThat(ringNoCa.out()).contains("--ca-file");
      System.out.printf("ringtx ring without the token: exit %d%n%sringtx ring without the CA:"
          + " exit %d%n%s", ringNoToken.code(), ringNoToken.out(), ringNoCa.code(), ringNoCa.out());
      for (String path : List.of("/v1/ring", "/v1/keys")) {
        assertThat(get(ca, p1Url + path, token).statusCode()).as(path).isEqualTo(200);
        assertThat(get(ca, p1Url + path, null).statusCode()).as(path).isEqualTo(401);
      }
      HttpResponse<String> leaveRefused = HttpClient.newBuilder()
          .sslContext(PrometheusText.trusting(ca)).build()
          .send(HttpRequest.newBuilder(URI.create(p1Url + "/v1/ring/leave"))
                  .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(leaveRefused.statusCode()).isEqualTo(401);
      assertThat(get(ca, p1Url + "/v1/ring", token).body()).contains("\"status\":\"MEMBER\"");

      // 3. p2 comes back with another cluster secret: refused by the running nodes.
      Path wrong = Files.writeString(tmp.resolve("wrong-secret"), "not-the-cluster-secret-at-all\n");
      int p2Hazelcast = cluster.cluster().layout().require("p2").hazelcastPort();
      cluster.configure("p2", Map.of("clusterSecretFile", wrong.toString()));
      cluster.kill("p2");
      await().atMost(Duration.ofSeconds(30))
          .until(() -> "DOWN".equals(healthOf(ca, url, token, "p2")));
      cluster.restart("p2", START); // it serves its own /health, alone in a cluster of its own

      String refusal = "RTX-8101 refused the node at [127.0.0.1]:" + p2Hazelcast;
      await().atMost(Duration.ofSeconds(60))
          .until(() -> logged(cluster, "p1", refusal) || logged(cluster, "c1", refusal));
      assertThat(healthOf(ca, url, token, "p2")).isEqualTo("DOWN");
      try (RingTxClient client = RingTx.connect(url, options.withMaxAttempts(1))) {
        // Forty keys spread over both participants: p2's share cannot be prepared.
        assertThatThrownBy(() -> putAll(client, keys("probe/", 40), "x"))
            .isInstanceOf(RingTxException.class);
      }
      assertThat(healthOf(ca, url, token, "p2")).isEqualTo("DOWN");

      // 4. With the right secret again, p2 rejoins and the same transaction commits.
      cluster.configure("p2", Map.of());
      cluster.restart("p2", START);
      await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(healthOf(ca, url, token, "p2")));
      try (RingTxClient client = RingTx.connect(url, options)) {
        putAll(client, keys("probe/", 40), "y");
        assertThat(client.get("probe/0").orElseThrow().value()).isEqualTo("y");
      }
      try (BankClient client = RingTxBankClient.factory(cluster.urls(), options).connect()) {
        assertThat(client.balances(accounts(100)).values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(100 * 100);
      }

      // 5. ringtx cluster leave over TLS with the token: p2 hands its keys to p1 and leaves; the
      // total is conserved and ringtx ring shows p1 owning the whole ring.
      Run leave = ringtx("cluster", "leave", "--dir", cluster.dir().toString(), "p2");
      assertThat(leave.code()).as(leave.out()).isZero();
      assertThat(leave.out()).contains("p2 left the ring");
      System.out.print("ringtx cluster leave over TLS with the token: " + leave.out());
      try (BankClient client = RingTxBankClient.factory(cluster.urls(), options).connect()) {
        assertThat(client.balances(accounts(100)).values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(100 * 100);
      }
      Run alone = await().atMost(Duration.ofSeconds(60))
          .until(() -> ringtx(ringArgs), r -> r.code() == 0);
      assertThat(alone.out()).contains("p1").contains("100.0%");
    }
  }

  /** What one {@code ringtx} command printed (standard output and error together). */
  private record Run(int code, String out) {}

  private static Run ringtx(String... args) {
    StringWriter out = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(out, true)).execute(args);
    return new Run(code, out.toString());
  }
}
