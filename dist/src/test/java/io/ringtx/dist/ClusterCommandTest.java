package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.dist.cluster.ClusterSpec;
import io.ringtx.dist.cluster.NodeLauncher;
import io.ringtx.dist.cluster.PortAllocator;
import io.ringtx.dist.cluster.ProcessCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Argument and input checks of ringtx cluster: each fails before any process starts. */
class ClusterCommandTest {
  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** A launcher of a class that does not exist: a test here that started a node would fail. */
  private static final NodeLauncher NO_NODES = NodeLauncher.onThisClassPath("no.such.Main");

  private int execute(String... args) {
    CommandLine cmd = Main.commandLine();
    ((ClusterCommand) cmd.getSubcommands().get("cluster").getCommand()).launcher = NO_NODES;
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>();
    for (String a : args) {
      all.add(a.replace("TMP", tmp.toString()));
    }
    return cmd.execute(all.toArray(String[]::new));
  }

  private Path cluster(int participants, int coordinators) throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster.create(dir, ClusterSpec.of(participants, coordinators),
        PortAllocator.loopback(), NO_NODES, l -> { });
    return dir;
  }

  @Test
  void help_listsEverySubcommand() {
    assertThat(execute("cluster", "--help")).isZero();
    assertThat(out.toString()).contains("start", "status", "stop", "kill", "restart");
  }

  @Test
  void unknownSubcommand_isAUsageError() {
    assertThat(execute("cluster", "frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument at index 1: 'frobnicate'");
  }

  @Test
  void startHelp_listsEveryOption() {
    assertThat(execute("cluster", "start", "--help")).isZero();
    assertThat(out.toString()).contains("--dir", "--participants", "--coordinators",
        "--cluster-name", "--timeout-seconds", "--set", "--jvm-opt");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cluster start                                   | Missing required option: '--dir=DIR'",
        "cluster start --dir TMP/x --participants 0      | --participants must be between 1 and 64, was 0",
        "cluster start --dir TMP/x --coordinators 0      | --coordinators must be between 1 and 16, was 0",
        "cluster start --dir TMP/x --timeout-seconds 0   | --timeout-seconds must be between 1 and 3600, was 0",
        "cluster start --dir TMP/x --participants many   | Invalid value for option '--participants'",
        "cluster status                                  | Missing required option: '--dir=DIR'",
        "cluster kill --dir TMP                          | Missing required parameter: 'NODE'",
        "cluster restart --dir TMP --timeout-seconds 0 p1 | --timeout-seconds must be between 1 and 3600, was 0",
        "cluster stop --dir TMP --timeout-seconds -1     | --timeout-seconds must be between 0 and 3600, was -1",
      })
  void badArguments_areUsageErrors(String args, String message) {
    assertThat(execute(args.trim().split("\\s+"))).isEqualTo(2);
    assertThat(err.toString()).contains(message).contains("Usage:");
  }

  @Test
  void badInput_isAUsageError_withAClearMessage() throws Exception {
    Path dir = cluster(3, 1);
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Path used = Files.createDirectories(tmp.resolve("used"));
    Files.writeString(used.resolve("notes.txt"), "mine");

    assertThat(execute("cluster", "status", "--dir", tmp.resolve("none").toString())).isEqualTo(2);
    assertThat(execute("cluster", "stop", "--dir", tmp.toString())).isEqualTo(2);
    assertThat(execute("cluster", "kill", "--dir", dir.toString(), "p9")).isEqualTo(2);
    assertThat(execute("cluster", "restart", "--dir", dir.toString(), "x1")).isEqualTo(2);
    assertThat(execute("cluster", "start", "--dir", file.toString())).isEqualTo(2);
    assertThat(execute("cluster", "start", "--dir", used.toString())).isEqualTo(2);
    assertThat(execute("cluster", "start", "--dir", tmp.resolve("n").toString(),
        "--cluster-name", "a b")).isEqualTo(2);
    assertThat(execute("cluster", "start", "--dir", tmp.resolve("n").toString(),
        "--set", "httpPort=80")).isEqualTo(2);
    assertThat(execute("cluster", "start", "--dir", tmp.resolve("n").toString(),
        "--set", "failureDetectionSeconds=0")).isEqualTo(2);
    assertThat(execute("cluster", "start", "--dir", dir.toString(), "--participants", "5"))
        .isEqualTo(2);

    assertThat(err.toString()).contains(
        "ringtx cluster status: " + tmp.resolve("none") + " is not a cluster directory (no such directory)",
        "ringtx cluster stop: " + tmp + " is not a cluster directory (no cluster.json)",
        "ringtx cluster kill: unknown node 'p9' (nodes: p1, p2, p3, c1)",
        "ringtx cluster restart: unknown node 'x1' (nodes: p1, p2, p3, c1)",
        "ringtx cluster start: " + file + " is not a directory",
        "ringtx cluster start: " + used + " is not empty and holds no cluster.json",
        "cluster name must be 1-64 characters",
        "httpPort is decided by the cluster tooling",
        "failureDetectionSeconds: must be 1-600, got 0",
        "holds a cluster already and it has 3 participants");
    assertThat(out.toString()).isEmpty();
    assertThat(tmp.resolve("n")).satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(used.resolve("p1")).doesNotExist();
  }

  @Test
  void demoOnAnExistingClusterOfAnotherShape_isAUsageError() throws Exception {
    Path dir = cluster(3, 1);

    assertThat(execute("demo", "--processes", "--data-dir", dir.toString(), "--participants", "5"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("holds a cluster already and it has 3 participants");
  }

  @Test
  void status_ofAStoppedCluster_exitsOne_andSaysWhy() throws Exception {
    Path dir = cluster(2, 1);

    assertThat(execute("cluster", "status", "--dir", dir.toString())).isEqualTo(1);

    assertThat(out.toString()).contains("p1", "p2", "c1", "DOWN: stopped", "0 of 3 nodes up",
        "coordinators: http://127.0.0.1:");
  }

  @Test
  void statusJson_isOneDocument() throws Exception {
    Path dir = cluster(1, 2);

    assertThat(execute("cluster", "status", "--dir", dir.toString(), "--json")).isEqualTo(1);

    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString());
    assertThat(json.get("allUp").asBoolean()).isFalse();
    assertThat(json.get("nodes")).hasSize(3);
    assertThat(json.get("coordinators")).hasSize(2);
    assertThat(json.get("nodes").get(0).get("detail").asText()).isEqualTo("stopped");
  }

  @Test
  void killOrStop_ofANodeThatIsNotRunning() throws Exception {
    Path dir = cluster(1, 1);

    assertThat(execute("cluster", "kill", "--dir", dir.toString(), "p1")).isEqualTo(1);
    assertThat(err.toString()).contains("ringtx cluster kill: p1 is not running");
    assertThat(execute("cluster", "stop", "--dir", dir.toString())).isZero();
    assertThat(out.toString()).contains("stopped ");
  }

  @Test
  void restartWithABadOwnSetting_isAUsageError_beforeAnythingStarts() throws Exception {
    Path dir = cluster(1, 1);

    assertThat(execute("cluster", "restart", "--dir", dir.toString(), "c1",
        "--set", "crashPoint=AFTER_VOTING")).isEqualTo(2);
    assertThat(err.toString()).contains("crashPoint: AFTER_VOTING is a participant point");
    assertThat(execute("cluster", "restart", "--dir", dir.toString(), "c1",
        "--set", "crashPoint=BEFORE_END", "--own-settings-off")).isEqualTo(2);
    assertThat(err.toString()).contains("exclude each other");
    assertThat(Files.readString(dir.resolve("c1/config.json"))).doesNotContain("crashPoint");
  }
}
