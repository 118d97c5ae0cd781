package io.ringtx.dist.cluster;

import java.util.concurrent.TimeUnit;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringtx.client.RingTx;
import io.ringtx.client.RingTxClient;
import io.ringtx.dist.Main;
import io.ringtx.dist.demo.BankClient;
import io.ringtx.dist.demo.BankDemo;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.protocol.message.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real node processes ({@code ringtx participant|coordinator}: real JVMs, RocksDB,
 * Hazelcast, SIGKILL), started by the cluster tooling. Skipped while this build has no node
 * commands.
 */
class RealProcessClusterIT {
  @TempDir Path tmp;

  // Per test, not @BeforeAll, so that the reports count the tests as skipped.
  @BeforeEach
  void nodeCommandsExist() {
    assumeTrue(Main.commandLine().getSubcommands().keySet()
            .containsAll(List.of("participant", "coordinator")),
        "ringtx participant|coordinator are not in this build yet");
  }

  private static List<String> accounts(int n) {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      a.add(BankDemo.accountKey(i));
    }
    return a;
  }

  /** The health of {@code node} as the coordinator's {@code GET /v1/cluster} reports it. */
  private static String healthOf(String coordinatorUrl, String node) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject c = WebClient.create(vertx).getAbs(coordinatorUrl + "/v1/cluster").send()
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject();
      for (Object o : c.getJsonArray("nodes")) {
        JsonObject n = (JsonObject) o;
        if (node.equals(n.getString("id"))) {
          return n.getString("health");
        }
      }
      return "ABSENT";
    } finally {
      vertx.close();
    }
  }

  private static Map<String, Long> balances(List<String> urls, List<String> accounts)
      throws Exception {
    try (BankClient client = RingTxBankClient.factory(urls).connect()) {
      return client.balances(accounts);
    }
  }

  // Issue 3, acceptance: transfers through both coordinators survive a stop and a start.
  @Test
  @Timeout(300)
  void transfersThroughTwoCoordinators_surviveAStopAndAStart() throws Exception {
    try (ProcessClusterFixture cluster = ProcessClusterFixture.start(tmp.resolve("c"), 3, 2)) {
      StringWriter out = new StringWriter();
      BankDemo.Options options = new BankDemo.Options(100, 4, Duration.ofSeconds(3), 100, 7);

      BankDemo.Result result = new BankDemo(options, RingTxBankClient.factory(cluster.urls()),
          new PrintWriter(out, true), new PrintWriter(out, true)).run();

      assertThat(result.conserved()).as(out.toString()).isTrue();
      assertThat(result.committed()).as(out.toString()).isPositive();
      // Transfers between two accounts of one shard went straight to that participant.
      assertThat(participantCounter(cluster.urls().get(0),
          "ringtx_participant_client_commits_total")).isPositive();
      Map<String, Long> before = balances(cluster.urls(), accounts(100));

      cluster.stop();
      cluster.start();

      assertThat(cluster.status().allUp()).isTrue();
      Map<String, Long> after = balances(cluster.urls(), accounts(100));
      assertThat(after).isEqualTo(before);
      assertThat(after.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000);

      // Once the client knows the ring (GET /v1/routing), it reads from the owners themselves,
      // and what they answer is what the coordinator answers.
      String coordinator = cluster.urls().get(0);
      try (RingTxClient client = RingTx.connect(coordinator)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          client.get(accounts(1).get(0));
          return clientReads(coordinator) > 0;
        });
        long direct = clientReads(coordinator);
        assertThat(balances(List.of(coordinator), accounts(100))).isEqualTo(before);
        Map<String, Long> read = new java.util.LinkedHashMap<>();
        client.run(tx -> {
          tx.getAll(accounts(100)).forEach((k, v) -> read.put(k, Long.parseLong(v.orElseThrow())));
          return null;
        });
        assertThat(read).isEqualTo(before);
        assertThat(clientReads(coordinator)).isGreaterThanOrEqualTo(direct + 100);

        // A one-key write is committed by its owner, sent there straight; a coordinator that
        // never saw it learns its outcome from the participants.
        String commits = "ringtx_participant_client_commits_total";
        long commitsBefore = participantCounter(coordinator, commits);
        String[] id = new String[1];
        client.run(tx -> {
          id[0] = tx.id();
          tx.put("direct-key", "v");
          return null;
        });
        assertThat(participantCounter(coordinator, commits)).isEqualTo(commitsBefore + 1);
        assertThat(client.outcome(id[0])).isEqualTo(Outcome.COMMITTED);
        assertThat(client.get("direct-key").orElseThrow().value()).isEqualTo("v");
      }
    }
  }

  /** Keys the participants have read straight for clients, from each one's {@code /metrics}. */
  private static long clientReads(String coordinatorUrl) throws Exception {
    return participantCounter(coordinatorUrl, "ringtx_participant_client_reads_total");
  }

  /** The sum of counter {@code name} over every participant's {@code /metrics}. */
  private static long participantCounter(String coordinatorUrl, String name) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WebClient web = WebClient.create(vertx);
      JsonObject routing = web.getAbs(coordinatorUrl + "/v1/routing").send()
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject();
      long sum = 0;
      for (Object url : routing.getJsonObject("participants").getMap().values()) {
        String text = web.getAbs(url + "/metrics").send().toCompletionStage()
            .toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsString();
        for (String line : text.split("\n")) {
          if (line.startsWith(name + " ")) {
            sum += (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
          }
        }
      }
      return sum;
    } finally {
      vertx.close();
    }
  }

  @Test
  @Timeout(300)
  void aKilledParticipant_isSeenGone_thenRestarts_rejoins_andServesItsKeysAgain() throws Exception {
    int detectSeconds = 3;
    try (ProcessClusterFixture cluster = ProcessClusterFixture.builder(tmp.resolve("c"))
        .participants(3).coordinators(1)
        .set("failureDetectionSeconds", Integer.toString(detectSeconds)).start()) {
      try (RingTxClient client = RingTx.connect(cluster.urls().get(0))) {
        client.run(tx -> {
          for (String k : accounts(30)) {
            tx.put(k, "1");
          }
          return null;
        });
      }

      String coordinator = cluster.urls().get(0);
      assertThat(healthOf(coordinator, "p2")).isEqualTo("UP");
      long killedAt = System.nanoTime();
      cluster.kill("p2");
      assertThat(cluster.status().nodes()).filteredOn(n -> !n.up()).extracting(NodeStatus::id)
          .containsExactly("p2");
      // Discovery: the others see it gone within the failure-detection time (plus slack for a
      // loaded machine), never as a decision about any transaction.
      await().atMost(Duration.ofSeconds(detectSeconds + 10))
          .until(() -> "DOWN".equals(healthOf(coordinator, "p2")));
      System.out.printf("p2 seen gone %d ms after SIGKILL (failureDetectionSeconds=%d)%n",
          (System.nanoTime() - killedAt) / 1_000_000, detectSeconds);

      cluster.restart("p2");

      assertThat(cluster.status().allUp()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(healthOf(coordinator, "p2")));
      assertThat(balances(cluster.urls(), accounts(30)).values()).hasSize(30).containsOnly(1L);
    }
  }
}
