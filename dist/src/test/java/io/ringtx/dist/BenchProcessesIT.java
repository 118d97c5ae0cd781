package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.bench.report.ResultFiles;
import io.ringtx.dist.cluster.ProcessCluster;
import io.ringtx.dist.cluster.ProcessClusterFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ringtx bench run --processes} starts a process cluster, runs against it, reads each
 * node's CPU from its process, and stops it. The nodes are fakes ({@link
 * io.ringtx.dist.cluster.FakeNode}) whose coordinator serves the real client API from a local
 * cluster of its own, so the test needs no Hazelcast; every node is killed after the test,
 * whatever its outcome.
 */
class BenchProcessesIT {
  @TempDir Path tmp;

  @AfterEach
  void killEverything() throws Exception {
    Path dir = tmp.resolve("cluster");
    if (ProcessCluster.isCluster(dir)) {
      ProcessCluster.open(dir, ProcessClusterFixture.fakeLauncher(), l -> { }).killAll();
    }
  }

  @Test
  @Timeout(300)
  void bank_onProcesses_conservesTheTotal_andReportsCpuPerNode() throws Exception {
    CommandLine cmd = Main.commandLine();
    ((BenchRunCommand) cmd.getSubcommands().get("bench").getSubcommands().get("run")
        .getCommand()).launcher =
        ProcessClusterFixture.fakeLauncher().withJvmOptions(List.of("-Dringtx.fake.api=local"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));

    int code = cmd.execute("bench", "run", "--processes", "--participants", "2",
        "--dir", tmp.resolve("cluster").toString(), "--workload", "bank", "--keys", "30",
        "--concurrency", "2", "--duration", "1s", "--warmup", "0",
        "--out", tmp.resolve("out").toString());

    assertThat(code).as(out + "\n" + err).isZero();
    JsonNode r = ResultFiles.read(tmp.resolve("out"));
    assertThat(r.path("target").path("kind").asText()).isEqualTo("processes");
    assertThat(r.path("summary").path("committed").asLong()).isPositive();
    assertThat(r.path("bank").path("conserved").asBoolean()).isTrue();
    for (String node : List.of("p1", "p2", "c1")) {
      assertThat(r.path("nodes").path(node).path("cpuSeconds").isNumber()).as(node).isTrue();
    }
    // The fake participants serve no /metrics: the result says so instead of inventing zeros.
    assertThat(r.path("storeTotals").path("nodesNotReporting").toString()).contains("p1");
    assertThat(ProcessCluster.open(tmp.resolve("cluster"), ProcessClusterFixture.fakeLauncher(),
        l -> { }).running()).as("stopped after the run").isEmpty();
  }
}
