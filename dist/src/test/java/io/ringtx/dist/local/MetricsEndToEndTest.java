package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.client.RingTx;
import io.ringtx.client.RingTxClient;
import io.ringtx.participant.server.ParticipantNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics of issue 8 on a running cluster: after cross-shard and single-shard transactions,
 * a conflict and reads, every family the coordinator and a participant serve is well-formed
 * Prometheus text, counts what happened, and is listed with its type in docs/operations.md.
 */
class MetricsEndToEndTest {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static String coordinatorText;
  static String participantText;

  static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? "
          + "(-?[0-9.eE+-]+|\\+Inf|NaN)");

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));
    try (RingTxClient client = RingTx.connect(cluster.url())) {
      client.run(tx -> {
        for (int i = 0; i < 12; i++) {
          tx.put("m:" + i, "1"); // spread over every shard: 2PC
        }
        return null;
      });
      for (int i = 0; i < 5; i++) {
        int n = i;
        client.run(tx -> {
          tx.put("single-" + n, "x"); // one shard: one phase
          return null;
        });
      }
      client.run(tx -> tx.get("m:1")); // read-only: validation
      assertThat(client.get("m:2")).isPresent();
    }
    HttpClient http = HttpClient.newHttpClient();
    coordinatorText = http.send(HttpRequest.newBuilder(URI.create(cluster.url() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    ParticipantNode p = cluster.participants().get(0);
    participantText = p.metrics(cluster.store(p.id()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Family name → type, from the {@code # TYPE} lines; every sample line parses and belongs. */
  static Map<String, String> families(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        assertThat(types.put(p[2], p[3])).as("family %s declared twice", p[2]).isNull();
      } else if (!line.startsWith("# HELP ") && !line.isEmpty()) {
        Matcher m = SAMPLE.matcher(line);
        assertThat(m.matches()).as("sample line '%s'", line).isTrue();
        String name = m.group(1);
        String family = name.replaceAll("_(bucket|sum|count)$", "");
        assertThat(types).as("TYPE before '%s'", line)
            .containsKey(types.containsKey(name) ? name : family);
      }
    }
    return types;
  }

  static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no series " + series + " in\n" + text);
  }

  @Test
  void coordinator_countsTransactionsByOutcome_andTimesEachPhase() {
    Map<String, String> f = families(coordinatorText);
    assertThat(f).containsEntry("ringtx_coordinator_phase_seconds", "histogram")
        .containsEntry("ringtx_coordinator_tx_begun_total", "counter")
        .containsEntry("ringtx_http_refused_total", "counter")
        .containsEntry("ringtx_rpc_retransmissions_total", "counter")
        .containsEntry("ringtx_store_sync_batch_size", "histogram");
    assertThat(value(coordinatorText, "ringtx_coordinator_tx_begun_total")).isEqualTo(7);
    assertThat(value(coordinatorText, "ringtx_coordinator_tx_committed_total")).isEqualTo(7);
    assertThat(value(coordinatorText,
        "ringtx_coordinator_phase_seconds_count{phase=\"prepare\"}")).isEqualTo(1);
    assertThat(value(coordinatorText,
        "ringtx_coordinator_phase_seconds_count{phase=\"decision\"}")).isEqualTo(1);
    assertThat(value(coordinatorText,
        "ringtx_coordinator_phase_seconds_count{phase=\"one_phase\"}")).isEqualTo(5);
    assertThat(value(coordinatorText,
        "ringtx_coordinator_phase_seconds_count{phase=\"validate\"}")).isEqualTo(1);
    assertThat(value(coordinatorText,
        "ringtx_coordinator_phase_seconds_bucket{phase=\"one_phase\",le=\"+Inf\"}")).isEqualTo(5);
    assertThat(value(coordinatorText, "ringtx_store_sync_batch_size_count"))
        .isEqualTo(value(coordinatorText, "ringtx_store_syncs_total"));
    assertThat(value(coordinatorText, "ringtx_store_forced_writes_total")).isPositive();
  }

  @Test
  void participant_reportsItsQueueLocksRpcAndStore() {
    Map<String, String> f = families(participantText);
    assertThat(f).containsEntry("ringtx_participant_in_doubt", "gauge")
        .containsEntry("ringtx_participant_lock_conflicts_total", "counter")
        .containsEntry("ringtx_participant_overload_refusals_total", "counter")
        .containsEntry("ringtx_participant_reads_in_doubt_total", "counter")
        .containsEntry("ringtx_participant_max_queued_work", "gauge")
        .containsEntry("ringtx_rpc_duplicates_answered_total", "counter")
        .containsEntry("ringtx_store_sync_batch_size", "histogram")
        .containsEntry("process_cpu_seconds_total", "counter")
        .containsEntry("ringtx_jvm_compile_seconds_total", "counter")
        .containsEntry("ringtx_jvm_gc_seconds_total", "counter");
    assertThat(value(participantText, "process_cpu_seconds_total")).isPositive();
    if (Files.isReadable(Path.of("/proc/self/task"))) {
      // Linux tells each thread's run-queue wait.
      assertThat(f).containsEntry("ringtx_process_cpu_wait_seconds_total", "counter");
      assertThat(value(participantText, "ringtx_process_cpu_wait_seconds_total"))
          .isNotNegative();
    }
    assertThat(value(participantText, "ringtx_participant_max_queued_work")).isEqualTo(1000);
    assertThat(value(participantText, "ringtx_store_sync_batch_size_count"))
        .isEqualTo(value(participantText, "ringtx_store_syncs_total"));
  }

  @Test
  void everyFamilyServed_isDocumentedWithItsType() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "operations.md"));
    List<String> missing = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>(families(coordinatorText));
    all.putAll(families(participantText));
    all.forEach((name, type) -> {
      if (!doc.contains("| `" + name + "` | " + type + " |")) {
        missing.add(name + " (" + type + ")");
      }
    });
    assertThat(missing).as("metrics not in docs/operations.md's reference").isEmpty();
  }
}
