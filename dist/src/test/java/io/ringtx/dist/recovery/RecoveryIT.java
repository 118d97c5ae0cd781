package io.ringtx.dist.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.dist.Main;
import io.ringtx.dist.cluster.ClusterLayout;
import io.ringtx.dist.cluster.PidFiles;
import io.ringtx.dist.cluster.ProcessClusterFixture;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.node.CrashPoint;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.RocksNodeStore;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ringtx recovery} on a real multi-process cluster (issue 6, acceptance): 3 participants
 * and 2 coordinators; c1 runs the transactions under test and is halted at its crash points,
 * the tool asks c2. Participants are told not to ask about READY transactions for a minute, so
 * that each situation stays as the crash left it until the tool acts on it. In order, on one
 * cluster: verify on a healthy cluster; a transaction in doubt waiting for a dead coordinator
 * whose outcome a peer knows (list, show, a contrary resolve refused, resolve); a blocked
 * all-READY transaction (refused without --force, heuristic abort with it) whose coordinator
 * comes back having committed it (heuristic mismatch reported by list, metrics and logs, and by
 * verify); offline commands on a stopped node's data and refused on a running one's; verify
 * after a contrary record was written by hand into a stopped participant's store.
 */
class RecoveryIT {
  /** Keys per transaction: enough that every participant writes some. */
  static final int KEYS = 24;

  @TempDir Path tmp;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What one run of {@code ringtx ...} printed and returned. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Run ringtx(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    Run r = new Run(exit, out.toString(), err.toString());
    // Kept in the test's output: the README's examples are pasted from it.
    System.out.println("$ ringtx " + String.join(" ", args) + "\n" + r.all() + "[exit " + exit
        + "]\n");
    return r;
  }

  @Test
  @Timeout(600)
  void recoveryCommands_onEachSituation_builtForRealWithCrashPoints() throws Exception {
    try (ProcessClusterFixture cluster = ProcessClusterFixture.builder(tmp.resolve("cluster"))
        .participants(3).coordinators(2)
        .set("readyTimeoutMillis", "60000").set("maxQueryBackoffMillis", "60000")
        .set("failureDetectionSeconds", "5")
        .create()) {
      cluster.configure("c1", Map.of("crashPoint", CrashPoint.AFTER_SOME_GLOBAL_COMMITS.name(),
          "crashAfter", "1"));
      cluster.start();
      ClusterLayout layout = cluster.cluster().layout();
      String c1 = layout.url(layout.require("c1"));
      String c2 = layout.url(layout.require("c2"));

      // ---- a healthy cluster verifies ----
      await("c2 commits").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> commit(c2, "it-ok-1", "ok1").contains("COMMITTED"));
      assertThat(commit(c2, "it-ok-2", "ok2")).contains("COMMITTED");
      Run healthy = ringtx("recovery", "verify", "--cluster", c2);
      assertThat(healthy.exit()).as(healthy.all()).isZero();
      assertThat(healthy.out()).contains("verify: OK", "atomicity: OK", "key-at-owner: OK");
      Run nothing = ringtx("recovery", "list", "--cluster", c2);
      assertThat(nothing.exit()).isZero();
      assertThat(nothing.out()).contains("0 transactions");

      // ---- in doubt, waiting for a dead coordinator; a peer committed ----
      CompletableFuture<String> t1 = commitAsync(c1, "it-t1", "t1");
      awaitHalted(cluster, "c1");
      Run list1 = ringtx("recovery", "list", "--cluster", c2);
      assertThat(list1.exit()).isZero();
      assertThat(list1.out()).contains("it-t1", "COORDINATOR_DOWN", "c1=DOWN", "=READY",
          "=COMMIT", "outcome learnable: COMMIT");
      Run show1 = ringtx("recovery", "show", "it-t1", "--cluster", c2);
      assertThat(show1.exit()).isZero();
      assertThat(show1.out()).contains("PREPARED tx=it-t1", "COMMITTED tx=it-t1",
          "GLOBAL-COMMIT to", "(written values hidden");
      Run contrary = ringtx("recovery", "resolve", "it-t1", "--abort", "--cluster", c2);
      assertThat(contrary.exit()).isEqualTo(1);
      assertThat(contrary.err()).contains("refused", "COMMIT", "--commit", "Nothing was changed");
      Run resolved = ringtx("recovery", "resolve", "it-t1", "--commit", "--cluster", c2);
      assertThat(resolved.exit()).as(resolved.all()).isZero();
      assertThat(resolved.out()).contains("finished with COMMIT");
      assertThat(ringtx("recovery", "list", "--cluster", c2).out()).doesNotContain("it-t1");
      assertThat(get(c2 + "/v1/kv/t1-k0")).contains("\"value\":\"t1\"");
      t1.cancel(true);

      // ---- blocked all-READY; heuristic abort; the coordinator comes back having committed ----
      cluster.configure("c1", Map.of("crashPoint", CrashPoint.AFTER_FORCING_COMMIT.name(),
          "crashAfter", "1"));
      cluster.restart("c1");
      CompletableFuture<String> t2 = commitAsync(c1, "it-t2", "t2");
      awaitHalted(cluster, "c1");
      Run list2 = ringtx("recovery", "list", "--cluster", c2, "--state", "BLOCKED");
      assertThat(list2.out()).contains("it-t2", "BLOCKED", "outcome cannot be learned");
      Run noForce = ringtx("recovery", "resolve", "it-t2", "--abort", "--cluster", c2);
      assertThat(noForce.exit()).isEqualTo(1);
      assertThat(noForce.err()).contains("blocked", "--force", "Nothing was changed");
      Run forced = ringtx("recovery", "resolve", "it-t2", "--abort", "--force", "--operator",
          "it-ops", "--cluster", c2);
      assertThat(forced.exit()).as(forced.all()).isZero();
      assertThat(forced.out()).contains("HEURISTIC ABORT", "HEURISTIC_ABORT recorded");
      Run heuristic = ringtx("recovery", "list", "--cluster", c2);
      assertThat(heuristic.out()).contains("it-t2", "HEURISTIC", "by it-ops");
      for (ClusterLayout.Node p : layout.participants()) {
        assertThat(metric(layout.url(p), "ringtx_participant_heuristic_decisions_total"))
            .as("%s heuristic decisions", p.id()).isEqualTo(1);
      }
      assertThat(get(c2 + "/v1/kv/t2-k0")).as("the abort applied nothing").contains("404");

      cluster.configure("c1", Map.of());
      cluster.restart("c1"); // resends its logged GLOBAL-COMMIT: the opposite decision
      await("every participant reports the heuristic mismatch")
          .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            long sum = 0;
            for (ClusterLayout.Node p : layout.participants()) {
              sum += metric(layout.url(p), "ringtx_participant_heuristic_mismatches_total");
            }
            return sum == layout.participants().size();
          });
      Run mismatch = ringtx("recovery", "list", "--cluster", c2);
      assertThat(mismatch.out()).contains("it-t2", "HEURISTIC_MISMATCH", "(MISMATCH)",
          "atomicity is broken");
      for (ClusterLayout.Node p : layout.participants()) {
        assertThat(String.join("\n", Files.readAllLines(cluster.cluster().dir().logFile(p.id()))))
            .contains("tx=it-t2 RTX-2006 HEURISTIC MISMATCH");
      }
      Run showMismatch = ringtx("recovery", "show", "it-t2", "--cluster", c2);
      assertThat(showMismatch.out()).contains("HEURISTIC_ABORTED tx=it-t2", "operator=it-ops",
          "HEURISTIC_MISMATCH tx=it-t2", "END tx=it-t2");
      Run verifyMismatch = ringtx("recovery", "verify", "--cluster", c2);
      assertThat(verifyMismatch.exit()).isEqualTo(1);
      assertThat(verifyMismatch.out()).contains("BREACH", "tx=it-t2");
      t2.cancel(true);

      // ---- offline: refused on a running node's data, read-only on a stopped one's ----
      Path p1Data = cluster.cluster().dir().dataDir("p1");
      Run locked = ringtx("recovery", "list", "--data-dir", p1Data.toString());
      assertThat(locked.exit()).isEqualTo(2);
      assertThat(locked.err()).contains("a running node holds it", "Nothing was read or changed");
      cluster.kill("p1");
      Run dump = ringtx("recovery", "dump", "--data-dir", p1Data.toString(), "--from", "7");
      assertThat(dump.exit()).isZero();
      assertThat(dump.out()).contains("HEURISTIC_ABORTED tx=it-t2", "HEURISTIC_MISMATCH tx=it-t2")
          .doesNotContain("seq=1 ");
      Run dumpJson = ringtx("recovery", "dump", "--data-dir", p1Data.toString(), "--json");
      assertThat(dumpJson.out()).contains("\"type\":\"HEURISTIC_ABORTED\"");
      Run offlineList = ringtx("recovery", "list", "--data-dir", p1Data.toString());
      assertThat(offlineList.out()).contains("it-t2", "HEURISTIC_MISMATCH");

      // ---- a stopped participant's store altered by hand: verify names the transaction ----
      try (RocksNodeStore store = RocksNodeStore.open(p1Data.resolve("store"))) {
        store.write(WriteSet.forced(new Aborted(TxId.of("it-ok-1"), Reason.TIMEOUT)))
            .get(10, TimeUnit.SECONDS);
      }
      cluster.restart("p1");
      Run broken = ringtx("recovery", "verify", "--cluster", c2);
      assertThat(broken.exit()).isEqualTo(1);
      assertThat(broken.out()).contains("BREACH atomicity tx=it-ok-1", "aborted at p1",
          "BREACH coordinator-agrees tx=it-ok-1", "verify: FAILED");

      // ---- the whole stopped cluster, offline: the same breaches from the logs alone ----
      cluster.stop();
      Path dir = cluster.dir();
      Run offline = ringtx("recovery", "verify", "--data-dir", dir.toString());
      assertThat(offline.exit()).isEqualTo(1);
      assertThat(offline.out()).contains("key-at-owner: SKIPPED",
          "BREACH atomicity tx=it-ok-1", "BREACH atomicity tx=it-t2");
      Run story = ringtx("recovery", "show", "it-ok-1", "--data-dir", dir.toString(), "--values");
      assertThat(story.out()).contains("INCONSISTENT", "ABORTED tx=it-ok-1", "=ok1");
    }
  }

  /** A transaction writing {@code KEYS} keys {@code prefix-k<i>} = {@code value}. */
  private String body(String id, String value) {
    List<String> writes = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      writes.add("{\"op\":\"put\",\"key\":\"" + value + "-k" + i + "\",\"value\":\"" + value
          + "\"}");
    }
    return "{\"id\":\"" + id + "\",\"reads\":[],\"writes\":[" + String.join(",", writes) + "]}";
  }

  private String commit(String url, String id, String value)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(post(url, id, value), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  /** Sent without waiting: the coordinator may halt before it answers. */
  private CompletableFuture<String> commitAsync(String url, String id, String value) {
    return http.sendAsync(post(url, id, value), HttpResponse.BodyHandlers.ofString())
        .thenApply(HttpResponse::body);
  }

  private HttpRequest post(String url, String id, String value) {
    return HttpRequest.newBuilder(URI.create(url + "/v1/txn"))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(id, value))).build();
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private long metric(String url, String name) throws IOException, InterruptedException {
    for (String line : get(url + "/metrics").split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError(url + " /metrics has no " + name);
  }

  private static void awaitHalted(ProcessClusterFixture cluster, String node) {
    await(node + " halting at its crash point").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> PidFiles.live(cluster.cluster().dir(), node).isEmpty());
  }
}
