package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.dist.config.ConfigLoader;
import io.ringtx.dist.config.NodeConfig;
import io.ringtx.dist.config.NodeConfig.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node configuration files of a new cluster load with ConfigLoader, as the nodes will. */
class NodeConfigFilesTest {
  @TempDir Path tmp;

  private static NodeLauncher unused() {
    return NodeLauncher.onThisClassPath("none.Main");
  }

  @Test
  void everyNodesConfig_loadsAndValidates_andDescribesTheCluster() throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster cluster = ProcessCluster.create(dir, ClusterSpec.of(3, 2),
        PortAllocator.loopback(), unused(), line -> { });
    ClusterLayout layout = cluster.layout();
    List<String> allAddresses =
        layout.nodes().stream().map(layout::hazelcastAddress).toList();

    for (ClusterLayout.Node n : layout.nodes()) {
      Path file = dir.resolve(n.id()).resolve("config.json");
      NodeConfig c = ConfigLoader.load(file, Map.of(), List.of());

      assertThat(c.nodeId()).isEqualTo(n.id());
      assertThat(c.role()).isEqualTo(n.role());
      assertThat(c.clusterName()).isEqualTo(layout.clusterName());
      assertThat(Path.of(c.dataDir())).isEqualTo(dir.toAbsolutePath().resolve(n.id()).resolve("data"))
          .isDirectory();
      assertThat(c.host()).isEqualTo("127.0.0.1");
      assertThat(c.hazelcastPort()).isEqualTo(n.hazelcastPort());
      assertThat(c.httpPort()).isEqualTo(n.httpPort());
      assertThat(c.busPort()).isZero();
      assertThat(c.participants()).containsExactly("p1", "p2", "p3");
      // Seeds: every other member, so that with its own address the node knows all of them.
      assertThat(c.seeds()).doesNotContain(layout.hazelcastAddress(n)).hasSize(4);
      List<String> withOwn = new ArrayList<>(c.seeds());
      withOwn.add(layout.hazelcastAddress(n));
      assertThat(withOwn).containsExactlyInAnyOrderElementsOf(allAddresses);
      // Keys the cluster does not decide keep the node's defaults.
      assertThat(c.voteTimeoutMillis()).isEqualTo(NodeConfig.defaults().voteTimeoutMillis());
    }
    assertThat(layout.participants()).extracting(ClusterLayout.Node::role)
        .containsOnly(Role.PARTICIPANT);
  }

  @Test
  void flagsGivenToTheNode_stillOverrideTheFile() throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster.create(dir, ClusterSpec.of(1, 1), PortAllocator.loopback(), unused(), l -> { });

    NodeConfig c = ConfigLoader.load(dir.resolve("p1/config.json"), Map.of(),
        List.of("--vote-timeout-millis", "77"));

    assertThat(c.voteTimeoutMillis()).isEqualTo(77);
  }

  @Test
  void clusterSettings_reachEveryNode() throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster.create(dir,
        ClusterSpec.of(2, 1).withSettings(Map.of("failureDetectionSeconds", "2")),
        PortAllocator.loopback(), unused(), l -> { });

    for (String id : List.of("p1", "p2", "c1")) {
      assertThat(NodeConfigFiles.load(dir.resolve(id).resolve("config.json"))
          .failureDetectionSeconds()).isEqualTo(2);
    }
  }

  @Test
  void aNodesOwnSettings_reachThatNodeAlone_andCanBeDropped() throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster cluster = ProcessCluster.create(dir,
        ClusterSpec.of(2, 1).withSettings(Map.of("failureDetectionSeconds", "2")),
        PortAllocator.loopback(), unused(), l -> { });

    cluster.configure("p2", Map.of("crashPoint", "AFTER_VOTING", "crashAfter", "3"));

    NodeConfig p2 = NodeConfigFiles.load(dir.resolve("p2/config.json"));
    assertThat(p2.crashPointValue()).contains(io.ringtx.protocol.node.CrashPoint.AFTER_VOTING);
    assertThat(p2.crashAfter()).isEqualTo(3);
    assertThat(p2.failureDetectionSeconds()).isEqualTo(2);
    assertThat(NodeConfigFiles.load(dir.resolve("p1/config.json")).crashPointValue()).isEmpty();

    cluster.configure("p2", Map.of());
    assertThat(NodeConfigFiles.load(dir.resolve("p2/config.json")).crashPointValue()).isEmpty();
  }

  @Test
  void aBadOwnSetting_isAUsageError_andKeepsTheNodesFile() throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster cluster = ProcessCluster.create(dir, ClusterSpec.of(2, 1),
        PortAllocator.loopback(), unused(), l -> { });
    cluster.configure("c1", Map.of("crashPoint", "BEFORE_END"));
    String before = Files.readString(dir.resolve("c1/config.json"));

    // A participant's point on a coordinator: refused as the node would refuse it.
    assertThatThrownBy(() -> cluster.configure("c1", Map.of("crashPoint", "AFTER_VOTING")))
        .isInstanceOf(ClusterException.class).hasMessageContaining("crashPoint");
    assertThatThrownBy(() -> cluster.configure("c1", Map.of("httpPort", "1")))
        .isInstanceOf(ClusterException.class).hasMessageContaining("httpPort is decided");
    assertThatThrownBy(() -> cluster.configure("c9", Map.of()))
        .isInstanceOf(ClusterException.class).hasMessageContaining("unknown node 'c9'");
    assertThat(Files.readString(dir.resolve("c1/config.json"))).isEqualTo(before);
  }

  @Test
  void aBadSettingValue_isAUsageError_andLeavesTheDirectoryEmpty() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("c"));

    assertThatThrownBy(() -> ProcessCluster.create(dir,
            ClusterSpec.of(2, 1).withSettings(Map.of("failureDetectionSeconds", "0")),
            PortAllocator.loopback(), unused(), l -> { }))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("failureDetectionSeconds: must be 1-600, got 0");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void create_writesTheLayout_whichOpenReadsBack() throws Exception {
    Path dir = tmp.resolve("c");
    ProcessCluster created = ProcessCluster.create(dir, ClusterSpec.of(2, 2),
        PortAllocator.loopback(), unused(), l -> { });

    ProcessCluster opened = ProcessCluster.open(dir, unused(), l -> { });

    assertThat(opened.layout()).isEqualTo(created.layout());
    assertThat(opened.urls()).hasSize(2).isEqualTo(created.urls());
    assertThat(ProcessCluster.isCluster(dir)).isTrue();
  }

  @Test
  void create_refusesADirectoryThatIsNotNew() throws Exception {
    Path used = Files.createDirectories(tmp.resolve("used"));
    Files.writeString(used.resolve("notes.txt"), "mine");
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Path cluster = tmp.resolve("cluster");
    ProcessCluster.create(cluster, ClusterSpec.of(1, 1), PortAllocator.loopback(), unused(),
        l -> { });

    assertThatThrownBy(() -> ProcessCluster.create(used, ClusterSpec.of(1, 1),
            PortAllocator.loopback(), unused(), l -> { }))
        .isInstanceOf(ClusterException.class).hasMessageContaining("is not empty");
    assertThatThrownBy(() -> ProcessCluster.create(file, ClusterSpec.of(1, 1),
            PortAllocator.loopback(), unused(), l -> { }))
        .isInstanceOf(ClusterException.class).hasMessageContaining("is not a directory");
    assertThatThrownBy(() -> ProcessCluster.create(cluster, ClusterSpec.of(1, 1),
            PortAllocator.loopback(), unused(), l -> { }))
        .isInstanceOf(ClusterException.class).hasMessageContaining("already holds a cluster");
    assertThat(used.resolve("p1")).doesNotExist();
  }

  @Test
  void open_refusesADirectoryWithoutACluster() {
    assertThatThrownBy(() -> ProcessCluster.open(tmp, unused(), l -> { }))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("is not a cluster directory (no cluster.json)");
    assertThatThrownBy(() -> ProcessCluster.open(tmp.resolve("nowhere"), unused(), l -> { }))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("is not a cluster directory (no such directory)");
  }
}
