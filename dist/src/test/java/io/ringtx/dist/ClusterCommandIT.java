package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtx.dist.cluster.NodeLauncher;
import io.ringtx.dist.cluster.ProcessCluster;
import io.ringtx.dist.cluster.ProcessClusterFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ringtx cluster} and {@code ringtx demo --processes} as a user runs them, with fake nodes
 * ({@link io.ringtx.dist.cluster.FakeNode}). Every node started here is killed after each test,
 * whatever its outcome.
 */
class ClusterCommandIT {
  @TempDir Path tmp;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();
  private final List<Path> clusters = new ArrayList<>();

  @AfterEach
  void killEverything() throws Exception {
    for (Path dir : clusters) {
      if (ProcessCluster.isCluster(dir)) {
        ProcessCluster.open(dir, ProcessClusterFixture.fakeLauncher(), l -> { }).killAll();
      }
    }
  }

  private Path clusterDir(String name) {
    Path dir = tmp.resolve(name);
    clusters.add(dir);
    return dir;
  }

  private int execute(CommandLine cmd, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private int fake(String... args) {
    return execute(FakeClusterMain.commandLine(), args);
  }

  @Test
  @Timeout(240)
  void nodesOutliveTheStartCommand_andTheOtherCommandsFindThem() throws Exception {
    Path dir = clusterDir("c");

    // ringtx cluster start in a JVM of its own, which exits once the cluster serves.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(NodeLauncher.HAZELCAST_JVM_FLAGS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        FakeClusterMain.class.getName(), "cluster", "start", "--dir", dir.toString(),
        "--participants", "2", "--coordinators", "1"));
    Path output = tmp.resolve("start.txt");
    Process start = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      assertThat(start.waitFor(180, TimeUnit.SECONDS)).as("cluster start returned").isTrue();
    } finally {
      start.destroyForcibly();
    }
    String started = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(start.exitValue()).as(started).isZero();
    assertThat(started).contains("new cluster ringtx-", "2 participants, 1 coordinator",
        "started p1 (participant, pid ", "waiting for p1, p2, c1 to serve (up to 60 s)...",
        "p1 serving at http://127.0.0.1:", "serving after", "coordinator c1: http://127.0.0.1:");

    // The starting JVM is gone; the nodes serve.
    assertThat(fake("cluster", "status", "--dir", dir.toString())).as(out + "" + err).isZero();
    assertThat(out.toString()).contains("3 of 3 nodes up", "coordinators: http://127.0.0.1:");
    assertThat(fake("cluster", "status", "--dir", dir.toString(), "--json")).isZero();
    var json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("allUp").asBoolean()).isTrue();
    assertThat(json.get("nodes").get(0).get("pid").asLong())
        .isEqualTo(Long.parseLong(Files.readString(dir.resolve("p1/pid")).trim()));
    for (var node : json.get("nodes")) {
      assertThat(ProcessHandle.of(node.get("pid").asLong())).as(node.toString()).isPresent();
    }

    // A running cluster is not started twice.
    assertThat(fake("cluster", "start", "--dir", dir.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("has running nodes: p1 (pid ");

    // Fault drill: kill p2, see it down, restart it.
    assertThat(fake("cluster", "kill", "--dir", dir.toString(), "p2")).isZero();
    assertThat(out.toString()).startsWith("killed p2 (SIGKILL to pid ");
    assertThat(fake("cluster", "status", "--dir", dir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("DOWN: not running", "2 of 3 nodes up");
    assertThat(fake("cluster", "restart", "--dir", dir.toString(), "p2")).as(err.toString())
        .isZero();
    assertThat(out.toString()).startsWith("p2 serving after ");
    assertThat(fake("cluster", "restart", "--dir", dir.toString(), "p2")).isEqualTo(1);
    assertThat(err.toString()).contains("p2 is running (pid ", "--force kills it first");
    assertThat(fake("cluster", "status", "--dir", dir.toString())).isZero();

    // stop, then start again from cluster.json.
    assertThat(fake("cluster", "stop", "--dir", dir.toString())).isZero();
    assertThat(err.toString()).contains("p1 stopped", "p2 stopped", "c1 stopped");
    assertThat(fake("cluster", "status", "--dir", dir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("0 of 3 nodes up");
    assertThat(fake("cluster", "start", "--dir", dir.toString())).as(err.toString()).isZero();
    assertThat(err.toString()).contains("(from its cluster.json)");
    assertThat(fake("cluster", "stop", "--dir", dir.toString())).isZero();
  }

  @Test
  @Timeout(120)
  void start_whenTheNodesCannotRun_failsWithTheEndOfTheLog_andLeavesNothingRunning() {
    Path dir = clusterDir("c");
    CommandLine cmd = Main.commandLine();
    ((ClusterCommand) cmd.getSubcommands().get("cluster").getCommand()).launcher =
        NodeLauncher.onThisClassPath("no.such.Main");

    int code = execute(cmd, "cluster", "start", "--dir", dir.toString(), "--participants", "1");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("exited with code 1 before serving", "node.log:",
        "no.such.Main");
    assertThat(dir.resolve("p1/pid")).doesNotExist();
    assertThat(dir.resolve("c1/pid")).doesNotExist();
    assertThat(ProcessCluster.isCluster(dir)).as("the layout stays for a later start").isTrue();
  }

  @Test
  @Timeout(300)
  void demoOnProcesses_conservesTheTotal_andRemovesItsTemporaryDirectory() throws Exception {
    CommandLine cmd = FakeClusterMain.commandLine();
    ((DemoCommand) cmd.getSubcommands().get("demo").getCommand()).launcher =
        ProcessClusterFixture.fakeLauncher().withJvmOptions(List.of("-Dringtx.fake.api=local"));

    int code = execute(cmd, "demo", "--processes", "--participants", "2", "--accounts", "50",
        "--clients", "2", "--seconds", "1");

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains(
        "process cluster of 2 participants, 1 coordinator serving after", "conserved",
        "c1 stopped");
    Matcher m = Pattern.compile("\\(data in (\\S+)\\)").matcher(out.toString());
    assertThat(m.find()).isTrue();
    Path dir = Path.of(m.group(1));
    clusters.add(dir);
    assertThat(dir).doesNotExist();
  }

  @Test
  @Timeout(300)
  void demoOnProcesses_inAGivenDirectory_leavesTheStoppedCluster() throws Exception {
    Path dir = clusterDir("demo");
    CommandLine cmd = FakeClusterMain.commandLine();
    ((DemoCommand) cmd.getSubcommands().get("demo").getCommand()).launcher =
        ProcessClusterFixture.fakeLauncher().withJvmOptions(List.of("-Dringtx.fake.api=local"));

    int code = execute(cmd, "demo", "--processes", "--data-dir", dir.toString(),
        "--participants", "1", "--accounts", "20", "--clients", "1", "--seconds", "0");

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(ProcessCluster.isCluster(dir)).isTrue();
    ProcessCluster cluster = ProcessCluster.open(dir, ProcessClusterFixture.fakeLauncher(), l -> { });
    assertThat(cluster.running()).isEmpty();
    assertThat(dir.resolve("c1/pid")).doesNotExist();
  }
}
