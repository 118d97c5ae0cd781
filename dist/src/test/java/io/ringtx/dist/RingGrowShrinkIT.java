package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.dist.cluster.ClusterLayout;
import io.ringtx.dist.cluster.PortAllocator;
import io.ringtx.dist.cluster.ProcessCluster;
import io.ringtx.dist.cluster.ProcessClusterFixture;
import io.ringtx.dist.crash.TransferLoad;
import io.ringtx.dist.demo.BankClient;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 4, acceptance: a running cluster of 3 participant processes grows to 5 ({@code ringtx
 * cluster add}) and shrinks back to 3 ({@code ringtx cluster leave}) while bank transfers run.
 * One of the old owners is SIGKILLed in the middle of a join's hand-offs and restarted, which
 * must finish them; the two participants that leave do so at once. Afterwards: the total is conserved; every key is held by exactly one
 * participant, which owns it, and which is its owner on the Chord ring that {@code ringtx ring}
 * shows; and {@code ringtx ring} reports that the owned ranges agree with the ring.
 */
class RingGrowShrinkIT {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int ACCOUNTS = 300;
  private static final long BALANCE = 1_000;
  private static final Duration STEP = Duration.ofSeconds(180);

  @TempDir Path tmp;

  @Test
  @Timeout(1200)
  void growsFrom3To5AndBack_whileTransfersRun_keysEndAtTheirOwners() throws Exception {
    try (ProcessClusterFixture f = ProcessClusterFixture.builder(tmp.resolve("cluster"))
        .participants(3).coordinators(1).set("failureDetectionSeconds", "3")
        .timeout(STEP).start()) {
      ProcessCluster cluster = f.cluster();
      String url = f.urls().get(0);
      List<String> accounts = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        accounts.add(String.format(Locale.ROOT, "acct-%04d", i));
      }
      try (BankClient c = RingTxBankClient.factory(url).connect()) {
        c.open(accounts, BALANCE);
      }
      TransferLoad load = new TransferLoad(url, accounts, 3, 41);
      load.start();
      try {
        // Grow: p4 joins while transfers run; they keep committing.
        long before = load.committed();
        ClusterLayout.Node p4 = add(cluster, "p4");
        assertThat(load.committed()).as("transfers committed while p4 joined").isGreaterThan(before);

        // p5 joins; one of its sources is killed mid-hand-off and restarted.
        long t0 = System.nanoTime();
        ClusterLayout.Node p5 = cluster.add(PortAllocator.loopback(), STEP);
        String source = awaitSendingHandoffs(cluster, List.of("p1", "p2", "p3"));
        f.kill(source);
        note("SIGKILLed %s during its hand-offs to p5, %.1f s after p5 was added", source,
            (System.nanoTime() - t0) / 1e9);
        cluster.restart(source, true, STEP);
        Duration joined = cluster.awaitRingStatus(p5.id(), "MEMBER", STEP);
        note("p5 joined the ring %.1f s after %s restarted", joined.toMillis() / 1e3, source);
        awaitAgreement(url);
        assertThat(activeParticipants(cluster)).containsExactly("p1", "p2", "p3", "p4", "p5");

        // Shrink: an initial member and an added one leave gracefully, at once (two commands,
        // as from two terminals), while transfers run.
        before = load.committed();
        ProcessCluster second = ProcessCluster.open(f.dir(),
            ProcessClusterFixture.ringtxLauncher(), line -> { });
        CompletableFuture<Duration> p5Left = CompletableFuture.supplyAsync(() -> {
          try {
            return second.leave("p5", STEP);
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
        note("p2 left: hand-offs %.1f s", cluster.leave("p2", STEP).toMillis() / 1e3);
        note("p5 left (at the same time): hand-offs %.1f s", p5Left.get().toMillis() / 1e3);
        assertThat(load.committed()).as("transfers committed while p2 and p5 left")
            .isGreaterThan(before);
        assertThat(p4.id()).isEqualTo("p4");
      } finally {
        load.stop();
        note("transfers: %s", load.describe());
      }
      // Both leaves are in cluster.json (each command wrote its own under the lock).
      ProcessCluster after = ProcessCluster.open(f.dir(), ProcessClusterFixture.ringtxLauncher(),
          line -> { });
      assertThat(activeParticipants(after)).containsExactly("p1", "p3", "p4");

      // The total is conserved.
      try (BankClient c = RingTxBankClient.factory(url).connect()) {
        Map<String, Long> balances = c.balances(accounts);
        assertThat(balances.values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(ACCOUNTS * BALANCE);
      }

      // ringtx ring agrees: owned ranges are exactly the virtual nodes' ranges.
      Map<String, Object> clusterJson = awaitAgreement(url);
      RingReport report = new RingReport(clusterJson);
      RingSnapshot chord = report.chord();
      assertThat(chord.participants()).extracting(NodeId::value)
          .containsExactly("p1", "p3", "p4");
      StringWriter text = new StringWriter();
      int exit = new CommandLine(new RingCommand()).setOut(new PrintWriter(text))
          .execute("--dir", f.dir().toString());
      assertThat(exit).as("ringtx ring --dir exit code; output:%n%s", text).isZero();
      assertThat(text.toString()).contains("placement agrees with the ring");

      // Every key is held by exactly one participant: its owner on the ring.
      Map<String, String> holder = new HashMap<>();
      IdSpace space = chord.space();
      for (ClusterLayout.Node n : after.layout().activeNodes()) {
        if (n.role() != io.ringtx.dist.config.NodeConfig.Role.PARTICIPANT) {
          continue;
        }
        for (Map<String, Object> k : keysOf(after.layout().url(n))) {
          String key = (String) k.get("key");
          String previous = holder.put(key, n.id());
          assertThat(previous).as("%s held by %s and %s", key, previous, n.id()).isNull();
          assertThat(k.get("owned")).as("%s at %s", key, n.id()).isEqualTo(true);
          assertThat(chord.ownerOf(key).value()).as("owner of %s (id %s)", key,
              space.ofKey(key)).isEqualTo(n.id());
        }
      }
      assertThat(holder.keySet()).containsAll(accounts);
      note("%d keys, each at its owner: %s", holder.size(), countBy(holder));
    }
  }

  private static ClusterLayout.Node add(ProcessCluster cluster, String expectedId)
      throws Exception {
    long t0 = System.nanoTime();
    ClusterLayout.Node n = cluster.add(PortAllocator.loopback(), STEP);
    double serving = (System.nanoTime() - t0) / 1e9;
    Duration joined = cluster.awaitRingStatus(n.id(), "MEMBER", STEP);
    note("%s added: serving after %.1f s, hand-offs done %.1f s later", n.id(), serving,
        joined.toMillis() / 1e3);
    assertThat(n.id()).isEqualTo(expectedId);
    return n;
  }

  /** Waits until one of {@code nodes} is sending a hand-off; returns it. */
  private static String awaitSendingHandoffs(ProcessCluster cluster, List<String> nodes) {
    String[] found = new String[1];
    await("a hand-off in progress").atMost(STEP).pollInterval(Duration.ofMillis(20)).until(() -> {
      for (String id : nodes) {
        Map<String, Object> ring = getJson(cluster.layout().url(cluster.layout().require(id))
            + "/v1/ring");
        if (ring != null && !((List<?>) ring.get("handoffs")).isEmpty()) {
          found[0] = id;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  /** Waits until the coordinator's view of the ring shows owned ranges agreeing with Chord. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitAgreement(String url) {
    Map<String, Object>[] last = new Map[1];
    List<String>[] why = new List[] {List.of("no answer from " + url + "/v1/cluster")};
    try {
      await("owned ranges agree with the ring").atMost(STEP).pollInterval(Duration.ofMillis(500))
          .until(() -> {
            Map<String, Object> c = getJson(url + "/v1/cluster");
            if (c == null) {
              return false;
            }
            last[0] = c;
            why[0] = new RingReport(c).disagreements();
            return why[0].isEmpty();
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("owned ranges never agreed with the ring; last: " + why[0], e);
    }
    return last[0];
  }

  private static List<String> activeParticipants(ProcessCluster cluster) {
    return cluster.layout().activeNodes().stream()
        .filter(n -> n.role() == io.ringtx.dist.config.NodeConfig.Role.PARTICIPANT)
        .map(ClusterLayout.Node::id).sorted().toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> keysOf(String participantUrl) {
    Map<String, Object> m = getJson(participantUrl + "/v1/keys");
    assertThat(m).as("keys of %s", participantUrl).isNotNull();
    return (List<Map<String, Object>>) m.get("keys");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> getJson(String url) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readValue(r.body(), Map.class) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static Map<String, Integer> countBy(Map<String, String> holder) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    holder.values().forEach(n -> out.merge(n, 1, Integer::sum));
    return out;
  }

  private static void note(String format, Object... args) {
    System.out.println("RingGrowShrinkIT: " + String.format(Locale.ROOT, format, args));
  }
}
