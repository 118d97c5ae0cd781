package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.dist.config.NodeConfig.Role;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterLayoutTest {
  @TempDir Path tmp;

  /** Ports 30001, 30002, … so that tests can name them. */
  static PortAllocator counting() {
    return n -> IntStream.rangeClosed(1, n).mapToObj(i -> 30_000 + i).toList();
  }

  @Test
  void plan_namesParticipantsThenCoordinators_withTwoDistinctPortsEach() {
    ClusterLayout layout = ClusterLayout.plan(ClusterSpec.of(3, 2), PortAllocator.loopback());

    assertThat(layout.ids()).containsExactly("p1", "p2", "p3", "c1", "c2");
    assertThat(layout.participants()).extracting(ClusterLayout.Node::role)
        .containsOnly(Role.PARTICIPANT);
    assertThat(layout.coordinators()).extracting(ClusterLayout.Node::role)
        .containsOnly(Role.COORDINATOR);
    Set<Integer> ports = new HashSet<>();
    for (ClusterLayout.Node n : layout.nodes()) {
      ports.add(n.hazelcastPort());
      ports.add(n.httpPort());
      assertThat(n.busPort()).as("bus port: the node picks one").isZero();
    }
    assertThat(ports).hasSize(10).allMatch(p -> p > 0 && p < 65536);
    assertThat(layout.host()).isEqualTo("127.0.0.1");
    assertThat(layout.problems()).isEmpty();
  }

  @Test
  void plan_givesAFreshValidName_unlessOneIsGiven() {
    String a = ClusterLayout.plan(ClusterSpec.of(1, 1), counting()).clusterName();
    String b = ClusterLayout.plan(ClusterSpec.of(1, 1), counting()).clusterName();
    String named =
        ClusterLayout.plan(ClusterSpec.of(1, 1).withClusterName("bank"), counting()).clusterName();

    assertThat(a).matches("ringtx-[0-9a-f]{8}").isNotEqualTo(b);
    assertThat(named).isEqualTo("bank");
  }

  @Test
  void coordinatorUrls_areTheCoordinatorsHttpPorts() {
    ClusterLayout layout = ClusterLayout.plan(ClusterSpec.of(2, 2), counting());

    // p1 30001/30002, p2 30003/30004, c1 30005/30006, c2 30007/30008
    assertThat(layout.coordinatorUrls())
        .containsExactly("http://127.0.0.1:30006", "http://127.0.0.1:30008");
    assertThat(layout.hazelcastAddress(layout.require("p2"))).isEqualTo("127.0.0.1:30003");
  }

  @Test
  void writeThenRead_givesTheSameLayout() throws Exception {
    ClusterLayout layout = ClusterLayout.plan(
        ClusterSpec.of(3, 2).withSettings(Map.of("failureDetectionSeconds", "2"))
            .withJvmOptions(List.of("-Xmx256m")),
        PortAllocator.loopback());
    Path file = tmp.resolve("cluster.json");

    layout.write(file);

    assertThat(ClusterLayout.read(file)).isEqualTo(layout);
    assertThat(Files.readString(file)).contains("\"role\" : \"participant\"", "\"format\" : 1");
    assertThat(tmp.resolve("cluster.json.tmp")).doesNotExist();
  }

  @Test
  void read_refusesAMissingFile_aDamagedOne_andAnotherFormat() throws Exception {
    Path file = tmp.resolve("cluster.json");
    assertThatThrownBy(() -> ClusterLayout.read(file)).isInstanceOf(NoSuchFileException.class);

    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> ClusterLayout.read(file))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("not a cluster layout");

    ClusterLayout layout = ClusterLayout.plan(ClusterSpec.of(1, 1), counting());
    new ClusterLayout(2, layout.clusterName(), layout.host(), Map.of(), List.of(), layout.nodes())
        .write(file);
    assertThatThrownBy(() -> ClusterLayout.read(file))
        .isInstanceOfSatisfying(ClusterException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ClusterException.USAGE))
        .hasMessageContaining("format 2 is not supported");
  }

  @Test
  void problems_nameReusedPortsAndIds() {
    var p1 = new ClusterLayout.Node("p1", Role.PARTICIPANT, 30001, 30002, 0);
    var p1again = new ClusterLayout.Node("p1", Role.PARTICIPANT, 30003, 30002, 0);
    var c1 = new ClusterLayout.Node("c1", Role.COORDINATOR, 30005, 30006, 0);

    List<String> problems = new ClusterLayout(1, "x", "127.0.0.1", Map.of(), List.of(),
        List.of(p1, p1again, c1)).problems();

    assertThat(problems).contains("node id p1 appears twice", "p1: port 30002 is used twice");
  }

  @Test
  void require_namesTheKnownNodes_forAnUnknownOne() {
    ClusterLayout layout = ClusterLayout.plan(ClusterSpec.of(3, 1), counting());

    assertThatThrownBy(() -> layout.require("p9"))
        .isInstanceOfSatisfying(ClusterException.class,
            e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("unknown node 'p9' (nodes: p1, p2, p3, c1)");
  }
}
