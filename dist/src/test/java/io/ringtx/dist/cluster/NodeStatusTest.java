package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.dist.cluster.HealthProbe.Health;
import io.ringtx.dist.node.NodeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStatusTest {
  @TempDir Path tmp;

  private final ClusterLayout layout =
      ClusterLayout.plan(ClusterSpec.of(2, 1), ClusterLayoutTest.counting());
  private final ClusterLayout.Node p1 = layout.require("p1");

  private static NodeRuntime runtime(long pid, int busPort) {
    return new NodeRuntime("p1", "participant", pid, "127.0.0.1", 30002, busPort, 30001, "x", 1L, false, 0);
  }

  @Test
  void noPid_isStopped() {
    NodeStatus s = NodeStatus.of(layout, p1, OptionalLong.empty(), false, Optional.empty(),
        Optional.empty());

    assertThat(s.up()).isFalse();
    assertThat(s.detail()).isEqualTo("stopped");
    assertThat(s.pid()).isNull();
    assertThat(s.busPort()).isNull();
  }

  @Test
  void aPidThatIsNotAlive_isDown_evenWithAStaleNodeJson() {
    NodeStatus s = NodeStatus.of(layout, p1, OptionalLong.of(4242), false,
        Optional.of(runtime(4242, 40000)), Optional.empty());

    assertThat(s.up()).isFalse();
    assertThat(s.detail()).isEqualTo("not running (pid 4242 is gone)");
    assertThat(s.busPort()).as("a dead node's bus port is not shown").isNull();
  }

  @Test
  void aliveWithoutItsOwnNodeJson_isStarting() {
    NodeStatus noFile = NodeStatus.of(layout, p1, OptionalLong.of(7), true, Optional.empty(),
        Optional.of(new Health(0, "Connection refused")));
    NodeStatus previousRun = NodeStatus.of(layout, p1, OptionalLong.of(7), true,
        Optional.of(runtime(6, 40000)), Optional.of(new Health(0, "Connection refused")));

    assertThat(noFile.detail()).isEqualTo("starting (no node.json yet)");
    assertThat(previousRun.detail()).isEqualTo("starting (no node.json yet)");
    assertThat(previousRun.up()).isFalse();
  }

  @Test
  void aliveButUnhealthy_isDown_withTheAnswer() {
    NodeStatus s = NodeStatus.of(layout, p1, OptionalLong.of(7), true,
        Optional.of(runtime(7, 40000)), Optional.of(new Health(503, null)));

    assertThat(s.up()).isFalse();
    assertThat(s.detail()).isEqualTo("/health answered 503");
  }

  @Test
  void aliveAndHealthy_isUp_withTheReportedBusPort() {
    NodeStatus s = NodeStatus.of(layout, p1, OptionalLong.of(7), true,
        Optional.of(runtime(7, 40000)), Optional.of(new Health(200, null)));

    assertThat(s.up()).isTrue();
    assertThat(s.busPort()).isEqualTo(40000);
    assertThat(s.url()).isEqualTo("http://127.0.0.1:30002");
  }

  @Test
  void status_ofANodeWhosePidIsNotAlive_isDown(@TempDir Path dir) throws Exception {
    ProcessCluster cluster = ProcessCluster.create(dir, ClusterSpec.of(2, 1),
        PortAllocator.loopback(), NodeLauncher.onThisClassPath("none.Main"), l -> { });
    long dead = deadPid();
    Files.writeString(cluster.dir().pidFile("p1"), dead + "\n");
    runtime(dead, 40000).write(cluster.dir().dataDir("p1"));

    ClusterStatus status = cluster.status();

    assertThat(status.allUp()).isFalse();
    assertThat(status.nodes()).extracting(NodeStatus::detail)
        .containsExactly("not running (pid " + dead + " is gone)", "stopped", "stopped");
    assertThat(status.coordinatorUrls()).containsExactly(cluster.urls().get(0));
    assertThat(String.join("\n", status.lines()))
        .contains("p1   participant pid " + dead, "DOWN: not running", "0 of 3 nodes up",
            "coordinators: " + cluster.urls().get(0));
    JsonNode json = JsonMapper.builder().build().readTree(status.json());
    assertThat(json.get("allUp").asBoolean()).isFalse();
    assertThat(json.get("nodes").get(0).get("pid").asLong()).isEqualTo(dead);
    assertThat(json.get("nodes").get(1).get("pid").isNull()).isTrue();
    assertThat(json.get("coordinators").get(0).asText()).isEqualTo(cluster.urls().get(0));
  }

  @Test
  void aLivePidThatRunsSomethingElse_isNotTheNode(@TempDir Path dir) throws Exception {
    ProcessCluster cluster = ProcessCluster.create(dir, ClusterSpec.of(1, 1),
        PortAllocator.loopback(), NodeLauncher.onThisClassPath("none.Main"), l -> { });
    // This test JVM is alive, but its command line does not name p1's config file.
    Files.writeString(cluster.dir().pidFile("p1"), ProcessHandle.current().pid() + "\n");

    assertThat(PidFiles.live(cluster.dir(), "p1")).isEmpty();
    assertThat(cluster.running()).isEmpty();
    assertThat(cluster.status().nodes().get(0).detail()).startsWith("not running");
  }

  @Test
  void pidFile_thatIsDamaged_countsAsNone(@TempDir Path dir) throws Exception {
    ClusterDir cd = new ClusterDir(dir);
    Files.createDirectories(cd.nodeDir("p1"));
    Files.writeString(cd.pidFile("p1"), "garbage");

    assertThat(PidFiles.read(cd, "p1")).isEmpty();
    PidFiles.write(cd, "p1", 1234);
    assertThat(Files.readString(cd.pidFile("p1"))).isEqualTo("1234\n");
    assertThat(PidFiles.read(cd, "p1")).hasValue(1234);
  }

  /** The pid of a process that has exited. */
  static long deadPid() throws Exception {
    Process p = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.pid();
  }

  @Test
  void clusterStatus_countsAndListsCoordinators() {
    NodeStatus up = NodeStatus.of(layout, p1, OptionalLong.of(7), true,
        Optional.of(runtime(7, 1)), Optional.of(new Health(200, null)));
    NodeStatus down = NodeStatus.of(layout, layout.require("c1"), OptionalLong.empty(), false,
        Optional.empty(), Optional.empty());

    ClusterStatus s = new ClusterStatus("/d", "x", List.of(up, down));

    assertThat(s.upCount()).isEqualTo(1);
    assertThat(s.allUp()).isFalse();
    assertThat(s.coordinatorUrls()).containsExactly("http://127.0.0.1:30006");
  }
}
