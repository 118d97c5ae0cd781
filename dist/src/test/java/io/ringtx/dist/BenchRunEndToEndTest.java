package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.bench.report.ResultFiles;
import io.ringtx.dist.local.LocalCluster;
import io.ringtx.dist.local.LocalClusterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code ringtx bench run} end to end: every workload for about a second on an embedded cluster,
 * tiny, checking what the result file says — fields present, commits counted, the bank's total
 * conserved — not how fast it was.
 */
class BenchRunEndToEndTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(List<String> args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args.toArray(String[]::new));
  }

  private String output() {
    return "output:\n" + out + "\nerrors:\n" + err;
  }

  private static List<String> run(String workload, Path dir, String... more) {
    List<String> args = new ArrayList<>(List.of("bench", "run", "--workload", workload,
        "--keys", "40", "--concurrency", "2", "--duration", "1s", "--warmup", "200ms",
        "--value-size", "16", "--ops-per-txn", "3", "--dir", dir.resolve("data").toString(),
        "--out", dir.resolve("out").toString()));
    args.addAll(List.of(more));
    return args;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bank", "ycsb-a", "ycsb-b", "ycsb-c", "ycsb-f", "single", "read-only"})
  @Timeout(120)
  void everyWorkload_onAnEmbeddedCluster_writesAResultWithCommits(String workload,
      @TempDir Path dir) throws Exception {
    List<String> args = run(workload, dir, "--embedded");
    if (workload.equals("ycsb-b")) {
      args.addAll(List.of("--dist", "zipfian"));
    }
    assertThat(execute(args)).as(output()).isZero();

    JsonNode r = ResultFiles.read(dir.resolve("out"));
    assertThat(r.path("format").asInt()).isEqualTo(1);
    assertThat(r.path("options").path("workload").asText()).isEqualTo(workload);
    assertThat(r.path("target").path("kind").asText()).isEqualTo("embedded");
    assertThat(r.path("machine").path("cores").asInt()).isPositive();
    JsonNode s = r.path("summary");
    assertThat(s.path("committed").asLong()).as(output()).isPositive();
    assertThat(s.path("committedPerSecond").asDouble()).isPositive();
    assertThat(s.has("abortsByReason")).isTrue();
    JsonNode total = r.path("latencyMs").path("total");
    for (String f : new String[] {"p50", "p90", "p99", "p999", "max"}) {
      assertThat(total.path(f).asDouble()).as(f).isPositive();
    }
    assertThat(r.path("latencyMs").path("readPhase").path("count").asLong()).isPositive();
    assertThat(r.path("latencyMs").path("commitCall").path("count").asLong()).isPositive();
    // The commit call split by the shards a transaction spanned, for every transaction that
    // ended after the client learned the ring: a single put spans one shard, a transfer one or
    // two.
    JsonNode lat = r.path("latencyMs");
    long oneShard = lat.path("commitOneShard").path("count").asLong();
    long crossShard = lat.path("commitCrossShard").path("count").asLong();
    assertThat(oneShard + crossShard).as(lat.toString()).isPositive()
        .isLessThanOrEqualTo(lat.path("commitCall").path("count").asLong());
    if (workload.equals("single")) {
      assertThat(lat.has("commitCrossShard")).as(lat.toString()).isFalse();
    }
    if (workload.equals("bank")) {
      assertThat(crossShard).as(lat.toString()).isPositive();
      assertThat(out.toString()).contains("  cross-shard ");
    }
    assertThat(r.path("timeline").size()).isPositive();
    // Every node's store counters, read from the stores themselves.
    assertThat(r.path("nodes").has("p1")).isTrue();
    assertThat(r.path("nodes").has("c1")).isTrue();
    assertThat(r.path("nodes").path("p1").has("forcedWrites")).isTrue();
    boolean writes = !workload.equals("ycsb-c") && !workload.equals("read-only");
    if (writes) {
      assertThat(r.path("storeTotals").path("forcedWrites").asLong()).isPositive();
      assertThat(r.path("storeTotals").path("syncs").asLong()).isPositive();
    }
    // The coordinator's own timing of the commit's phases, from its metrics.
    JsonNode phases = r.path("latencyMs").path("coordinatorPhases");
    long timed = 0;
    for (JsonNode p : phases) {
      timed += p.path("count").asLong();
    }
    assertThat(timed).as(phases.toString()).isPositive();
    if (workload.equals("bank")) {
      assertThat(phases.path("prepare").path("count").asLong()).isPositive();
      assertThat(phases.path("decision").path("p50").asDouble()).isPositive();
    }
    assertThat(r.path("benchJvm").path("cpuSeconds").asDouble()).isPositive();
    assertThat(r.path("histograms").path("total").asText()).isNotEmpty();
    if (workload.equals("bank")) {
      assertThat(r.path("bank").path("conserved").asBoolean()).as(output()).isTrue();
      assertThat(r.path("bank").path("totalAfter").asLong()).isEqualTo(40_000);
    } else {
      assertThat(r.has("bank")).isFalse();
    }
    assertThat(Files.readString(dir.resolve("out").resolve(ResultFiles.REPORT))).contains("<svg");
    assertThat(out.toString()).contains("commit/s").contains("latency (ms)");
  }

  @Test
  @Timeout(120)
  void openLoop_onAnEmbeddedCluster_startsOnSchedule_withoutAThreadPerClient(@TempDir Path dir)
      throws Exception {
    // RingTx's clients run as callbacks (runAsync); an open loop schedules their starts.
    assertThat(execute(run("bank", dir, "--embedded", "--rate", "100"))).as(output()).isZero();
    JsonNode r = ResultFiles.read(dir.resolve("out"));
    assertThat(r.path("options").path("loop").asText()).isEqualTo("open");
    assertThat(r.path("latencyMs").path("serviceTime").path("count").asLong()).isPositive();
    // 100/s for 1 s (after 0.2 s of warmup): about 100 starts were due in the window; those
    // begun count as transactions, those a busy machine could not begin as missed. A closed
    // loop would run as many as the cluster allows, far more here on a quiet machine.
    JsonNode s = r.path("summary");
    long ran = s.path("transactions").asLong();
    assertThat(ran).as(output()).isBetween(20L, 110L);
    assertThat(ran + s.path("missedStarts").asLong()).as(output()).isBetween(80L, 125L);
    assertThat(r.path("bank").path("conserved").asBoolean()).as(output()).isTrue();
  }

  @Test
  @Timeout(120)
  void openLoop_onRocksLocal_thenCompare(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertThat(execute(run("single", a, "--target", "rocksdb-local"))).as(output()).isZero();
    assertThat(execute(run("single", b, "--target", "rocksdb-local", "--rate", "100")))
        .as(output()).isZero();
    JsonNode r = ResultFiles.read(b.resolve("out"));
    assertThat(r.path("options").path("loop").asText()).isEqualTo("open");
    assertThat(r.path("latencyMs").has("serviceTime")).isTrue();
    assertThat(r.path("summary").path("committed").asLong()).isBetween(50L, 101L);
    assertThat(r.path("target").path("kind").asText()).isEqualTo("rocksdb-local");

    out.getBuffer().setLength(0);
    assertThat(execute(List.of("bench", "compare", a.resolve("out").toString(),
        b.resolve("out").resolve("result.json").toString()))).as(output()).isZero();
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).contains("committed/s");
    assertThat(lines[1]).contains("rocksdb-local").contains("closed 2").contains("1.00");
    assertThat(lines[2]).contains("open 100.0/s");

    // Peer figures beside ours: imported from the peer scripts' output, compared, drawn.
    Path peersOut = dir.resolve("peers.txt");
    Files.writeString(peersOut, String.join("\n",
        "# etcd Version: 3.4.23",
        "RESULT etcd run=2 transfer conc=64 txns=47134 secs=20 txn_per_s=2357 p50_ms=24.49"
            + " p99_ms=71.12 conflicts=491 errors=0",
        "RESULT pg2pc run=1 store=ShadowNoFileLockStore/sync=true narayana conc=1 txns=9015"
            + " secs=20 txn_per_s=451 p50_ms=2.15 p99_ms=4.25 errors=0"));
    out.getBuffer().setLength(0);
    assertThat(execute(List.of("bench", "peers", peersOut.toString(), "--out",
        dir.resolve("peers").toString()))).as(output()).isZero();
    assertThat(output()).contains("etcd-transfer-c64-run2").contains("2,357.0")
        .contains("pg2pc-narayana-c1-run1").contains("wrote 2 results");
    Path svg = dir.resolve("chart.svg");
    out.getBuffer().setLength(0);
    assertThat(execute(List.of("bench", "compare", "--svg", svg.toString(), "--title", "bank",
        a.resolve("out").toString(), dir.resolve("peers/etcd-transfer-c64-run2").toString())))
        .as(output()).isZero();
    assertThat(output()).contains("etcd transfer").contains("closed 64");
    assertThat(Files.readString(svg)).startsWith("<svg").contains(">bank<")
        .contains("etcd-transfer-c64-run2").contains("2,357/s, p50 24 ms");

    out.getBuffer().setLength(0);
    Files.writeString(peersOut, "RESULT etcd run=1 transfer conc=1 p50_ms=1.0\n");
    assertThat(execute(List.of("bench", "peers", peersOut.toString(), "--out",
        dir.resolve("peers2").toString()))).isEqualTo(1);
    assertThat(output()).contains("no txn_per_s= in: RESULT etcd run=1 transfer conc=1");
    assertThat(dir.resolve("peers2")).doesNotExist();
  }

  @Test
  @Timeout(120)
  void anExistingCluster_isUsedAsItIs_andNodesWithoutStoreCountersAreNamed(@TempDir Path dir)
      throws Exception {
    try (LocalCluster cluster =
        LocalCluster.start(new LocalClusterConfig(dir.resolve("cluster"), 2, "127.0.0.1", 0))) {
      List<String> args = run("ycsb-f", dir, "--cluster", cluster.url(), "--metrics-url",
          "http://127.0.0.1:1");
      assertThat(execute(args)).as(output()).isZero();

      JsonNode r = ResultFiles.read(dir.resolve("out"));
      assertThat(r.path("target").path("kind").asText()).isEqualTo("cluster");
      assertThat(r.path("target").path("urls").get(0).asText()).isEqualTo(cluster.url());
      assertThat(r.path("summary").path("committed").asLong()).isPositive();
      // The coordinator's /metrics reports its own store; nothing answers on port 1.
      assertThat(r.path("storeTotals").path("nodesNotReporting").toString())
          .doesNotContain(cluster.url()).contains("http://127.0.0.1:1");
      assertThat(r.path("benchJvm").path("note").asText()).contains("harness only");
    }
  }

  @Test
  void badOptions_areUsageErrors_beforeAnythingStarts(@TempDir Path dir) {
    assertThat(execute(run("nope", dir))).isEqualTo(2);
    assertThat(err.toString()).contains("unknown workload 'nope'");
    assertThat(execute(run("bank", dir, "--target", "etcd"))).isEqualTo(2);
    assertThat(execute(run("bank", dir, "--zipf-theta", "1", "--dist", "zipfian"))).isEqualTo(2);
    assertThat(execute(run("bank", dir, "--duration", "soon"))).isEqualTo(2);
    assertThat(execute(List.of("bench", "run", "--embedded", "--cluster", "http://x:1")))
        .isEqualTo(2);
    assertThat(execute(run("bank", dir, "--embedded", "--coordinators", "2"))).isEqualTo(2);
    assertThat(err.toString()).contains("--coordinators needs --processes");
    assertThat(execute(run("bank", dir, "--commits", "participant"))).isEqualTo(2);
    assertThat(err.toString()).contains("--commits must be owner or coordinator");
    assertThat(execute(run("bank", dir, "--read-batch", "0"))).isEqualTo(2);
    assertThat(err.toString()).contains("--read-batch must be between 1 and 1000, was 0");
    assertThat(Files.exists(dir.resolve("data"))).isFalse();
  }
}
