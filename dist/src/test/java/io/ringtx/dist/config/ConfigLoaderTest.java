package io.ringtx.dist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.dist.Main;
import io.ringtx.protocol.node.CrashPoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  static final List<String> REQUIRED =
      List.of("--node-id", "p1", "--role", "participant", "--data-dir", "/tmp/x", "--participants", "p1,p2");

  @Test
  void flagsOverrideEnvironmentWhichOverridesTheFile() throws Exception {
    Path f = dir.resolve("n.yaml");
    Files.writeString(f, "nodeId: p1\nrole: participant\ndataDir: /d\nparticipants: [p1, p2]\nhttpPort: 1000\nbusPort: 7\n");
    NodeConfig c = ConfigLoader.load(f, Map.of("RINGTX_HTTP_PORT", "2000", "RINGTX_VOTE_TIMEOUT_MILLIS", "99"),
        List.of("--http-port", "3000"));
    assertThat(c.httpPort()).isEqualTo(3000);
    assertThat(c.voteTimeoutMillis()).isEqualTo(99);
    assertThat(c.busPort()).isEqualTo(7);
    assertThat(c.participants()).containsExactly("p1", "p2");
    assertThat(c.clusterName()).isEqualTo("ringtx");
  }

  @Test
  void jsonFileWorksToo() throws Exception {
    Path f = dir.resolve("n.json");
    Files.writeString(f, "{\"nodeId\":\"c1\",\"role\":\"coordinator\",\"dataDir\":\"/d\",\"participants\":[\"p1\"]}");
    assertThat(ConfigLoader.load(f, Map.of(), List.of()).role()).isEqualTo(NodeConfig.Role.COORDINATOR);
  }

  @Test
  void unknownKeys_anywhere_areErrorsNamingTheKey() throws Exception {
    Path f = dir.resolve("n.yaml");
    Files.writeString(f, "nodeId: p1\nrole: participant\ndataDir: /d\nparticipants: [p1]\nhttpPrt: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("httpPrt");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("RINGTX_NOPE", "1"), REQUIRED))
        .hasMessageContaining("RINGTX_NOPE");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("--htp-port", "1")))
        .hasMessageContaining("--htp-port");
  }

  @Test
  void badValues_areErrorsNamingEveryKey() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(),
        List.of("--role", "participant", "--http-port", "70000", "--vote-timeout-millis", "0",
            "--participants", "p2", "--node-id", "p1", "--data-dir", "/d")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("httpPort")
        .hasMessageContaining("voteTimeoutMillis")
        .hasMessageContaining("must include this participant's own id");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("--http-port", "eighty")))
        .hasMessageContaining("httpPort");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of()))
        .hasMessageContaining("nodeId").hasMessageContaining("dataDir").hasMessageContaining("participants");
  }

  @Test
  void transport_isEventbusByDefault_tcpOnRequest_andAnythingElseAnError() {
    NodeConfig d = ConfigLoader.load(null, Map.of(), REQUIRED);
    assertThat(d.transport()).isEqualTo(NodeConfig.Transport.TCP);
    assertThat(d.rpcPort()).isZero();

    NodeConfig tcp = ConfigLoader.load(null, Map.of("RINGTX_TRANSPORT", "tcp",
        "RINGTX_RPC_PORT", "5801"), REQUIRED);
    assertThat(tcp.transport()).isEqualTo(NodeConfig.Transport.TCP);
    assertThat(tcp.rpcPort()).isEqualTo(5801);

    List<String> bad = new java.util.ArrayList<>(REQUIRED);
    bad.addAll(List.of("--transport", "udp"));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), bad))
        .isInstanceOf(ConfigException.class).hasMessageContaining("transport");
    List<String> badPort = new java.util.ArrayList<>(REQUIRED);
    badPort.addAll(List.of("--rpc-port", "70000"));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), badPort))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rpcPort");
  }

  @Test
  void maxValueBytes_isBoundedByWhatTheWireCarries() {
    // Nodes pass values as strings of at most 16 MiB; a larger limit would let the coordinator
    // accept values that every participant then fails to receive (PARTICIPANT_FAILED).
    List<String> ok = new java.util.ArrayList<>(REQUIRED);
    ok.addAll(List.of("--max-value-bytes", Integer.toString(16 * 1024 * 1024)));
    assertThat(ConfigLoader.load(null, Map.of(), ok).maxValueBytes()).isEqualTo(16 * 1024 * 1024);
    List<String> args = new java.util.ArrayList<>(REQUIRED);
    args.addAll(List.of("--max-value-bytes", Integer.toString(16 * 1024 * 1024 + 1)));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), args))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("maxValueBytes: must be 0-16777216");
  }

  @Test
  void outcomeRetention_isAnHourByDefault_andBoundedBothWays() {
    assertThat(ConfigLoader.load(null, Map.of(), REQUIRED).outcomeRetentionSeconds())
        .isEqualTo(3_600);
    NodeConfig day = ConfigLoader.load(null,
        Map.of("RINGTX_OUTCOME_RETENTION_SECONDS", "86400"), REQUIRED);
    assertThat(day.outcomeRetentionSeconds()).isEqualTo(86_400);
    for (String bad : List.of("59", "2592001", "-1")) {
      List<String> args = new java.util.ArrayList<>(REQUIRED);
      args.addAll(List.of("--outcome-retention-seconds", bad));
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), args))
          .as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("outcomeRetentionSeconds: must be 60-2592000");
    }
  }

  @Test
  void crashPoints_areOffByDefault_andNamedPointsOfTheNodesRole() {
    NodeConfig none = ConfigLoader.load(null, Map.of(), REQUIRED);
    assertThat(none.crashPointValue()).isEmpty();
    assertThat(none.crashAfter()).isEqualTo(1);

    List<String> flags = new java.util.ArrayList<>(REQUIRED);
    flags.addAll(List.of("--crash-point", "after_voting", "--crash-after", "5"));
    NodeConfig armed = ConfigLoader.load(null, Map.of(), flags);
    assertThat(armed.crashPointValue()).contains(CrashPoint.AFTER_VOTING);
    assertThat(armed.crashAfter()).isEqualTo(5);
    assertThat(ConfigLoader.load(null, Map.of("RINGTX_CRASH_POINT", ""), REQUIRED)
        .crashPointValue()).isEmpty();
  }

  @Test
  void badCrashPoints_areErrorsNamingTheKey() {
    List<String> unknown = new java.util.ArrayList<>(REQUIRED);
    unknown.addAll(List.of("--crash-point", "AFTER_LUNCH", "--crash-after", "0"));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), unknown))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("crashPoint: must be empty (none) or one of")
        .hasMessageContaining("AFTER_LUNCH")
        .hasMessageContaining("crashAfter: must be > 0");
    List<String> wrongRole = new java.util.ArrayList<>(REQUIRED);
    wrongRole.addAll(List.of("--crash-point", "AFTER_FORCING_COMMIT"));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), wrongRole))
        .hasMessageContaining("crashPoint: AFTER_FORCING_COMMIT is a coordinator point; "
            + "a participant has [AFTER_TAKING_LOCKS");
  }

  @Test
  void malformedFiles_areErrorsNamingTheFile() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"nodeId\":");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), List.of()))
        .hasMessageContaining("bad.json").hasMessageContaining("not valid JSON");
    Path list = dir.resolve("list.yaml");
    Files.writeString(list, "- a\n- b\n");
    assertThatThrownBy(() -> ConfigLoader.load(list, Map.of(), List.of()))
        .hasMessageContaining("must be an object");
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), List.of()))
        .hasMessageContaining("cannot read");
  }

  @Test
  void aKeyGivenTwiceInAFile_isAnErrorNamingIt_notSilentlyTheLastOne() throws Exception {
    Path json = dir.resolve("twice.json");
    Files.writeString(json, "{\"httpPort\": 8080, \"nodeId\": \"p1\", \"httpPort\": 9090}");
    assertThatThrownBy(() -> ConfigLoader.load(json, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("twice.json").hasMessageContaining("httpPort");
    Path yaml = dir.resolve("twice.yaml");
    Files.writeString(yaml, "httpPort: 8080\nnodeId: p1\nhttpPort: 9090\n");
    assertThatThrownBy(() -> ConfigLoader.load(yaml, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("twice.yaml").hasMessageContaining("httpPort");
  }

  @Test
  void aFlagGivenTwiceWithTwoValues_isAnErrorNamingBoth_butTheSameValueTwiceIsFine() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(),
        List.of("--node-id", "p1", "--node-id=p2", "--participants", "p1,p2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--node-id: given twice, as 'p1' and as 'p2'");
    NodeConfig c = ConfigLoader.load(null, Map.of(), List.of("--node-id", "p1", "--node-id",
        "p1", "--participants", "p1,p2", "--role", "participant", "--data-dir",
        dir.resolve("data").toString()));
    assertThat(c.nodeId()).isEqualTo("p1");
  }

  @Test
  void theExampleFile_coversEveryKey_andLoads() throws Exception {
    StringWriter out = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).execute("config", "example");
    assertThat(code).isZero();
    Path f = dir.resolve("example.yaml");
    Files.writeString(f, out.toString());
    NodeConfig c = ConfigLoader.load(f, Map.of(), List.of());
    assertThat(c.nodeId()).isEqualTo("p1");
    for (String key : ConfigLoader.keys()) {
      assertThat(out.toString()).contains("\n" + key + ": ");
    }
  }
}
