package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLauncherTest {

  @Test
  void command_isJavaWithTheHazelcastFlags_theMainClass_theRoleAndTheConfig() {
    ClusterLayout layout = ClusterLayout.plan(ClusterSpec.of(1, 1), ClusterLayoutTest.counting());
    NodeLauncher launcher = NodeLauncher.ringtx();

    List<String> cmd = launcher.command(layout.require("c1"), Path.of("/d/c1/config.json"),
        List.of("-Xmx256m"));

    assertThat(cmd.get(0)).endsWith("/bin/java");
    assertThat(cmd).containsSubsequence(NodeLauncher.HAZELCAST_JVM_FLAGS);
    assertThat(cmd).containsSubsequence("-Xmx256m", "-cp");
    assertThat(cmd.subList(cmd.size() - 4, cmd.size()))
        .containsExactly("io.ringtx.dist.Main", "coordinator", "--config", "/d/c1/config.json");
    assertThat(cmd.get(cmd.indexOf("-cp") + 1)).isEqualTo(launcher.classPath()).isNotBlank();
  }

  @Test
  void nodeEnvironment_losesTheRingtxVariables() {
    Map<String, String> env = new HashMap<>(Map.of(
        "PATH", "/bin", "RINGTX_JAVA_OPTS", "-Xmx1g", "RINGTX_HTTP_PORT", "8080"));

    NodeLauncher.scrub(env);

    assertThat(env).containsOnlyKeys("PATH");
  }

  @Test
  void portAllocator_givesDistinctFreePorts() {
    List<Integer> ports = PortAllocator.loopback().allocate(20);

    assertThat(ports).hasSize(20).doesNotHaveDuplicates();
    assertThat(ports).allMatch(PortAllocator::isFree);
  }

  @Test
  void portAllocator_onLinux_staysBelowTheEphemeralRange() throws Exception {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(range));
    int ephemeralLow;
    try (var in = Files.newBufferedReader(range)) {
      ephemeralLow = Integer.parseInt(in.readLine().trim().split("\\s+")[0]);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(ephemeralLow > 21_000);

    assertThat(PortAllocator.loopback().allocate(10))
        .allMatch(p -> p >= 20_000 && p < ephemeralLow);
  }

  @Test
  void logTail_givesTheLastLines(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("node.log");
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      b.append("line ").append(i).append('\n');
    }
    Files.writeString(log, b);

    assertThat(LogTail.last(log, 3)).containsExactly("line 98", "line 99", "line 100");
    assertThat(LogTail.last(tmp.resolve("none"), 3)).singleElement().asString()
        .startsWith("(no log file");
  }
}
