package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void help_listsTheSubcommands_andExitsZero() {
    assertThat(execute("--help")).isZero();
    assertThat(out.toString()).contains("Usage: ringtx", "local", "demo", "cluster");
  }

  /**
   * A parent's list of commands shows each command's header, or else the first line of its
   * description: either must be a whole sentence, not a line cut off mid-sentence. And picocli
   * prints each line of a description on a line of its own, wrapped at 80 columns: a line that
   * stops mid-sentence shows as a fragment ("...URL of a" alone on a line), so every line of a
   * description must be whole sentences.
   */
  @Test
  void everyCommandsSummaryInItsParentsList_andEveryLineOfItsHelp_isWholeSentences() {
    List<String> cut = new ArrayList<>();
    ArrayDeque<CommandLine> todo = new ArrayDeque<>();
    todo.add(Main.commandLine());
    while (!todo.isEmpty()) {
      CommandLine command = todo.pop();
      for (CommandLine sub : command.getSubcommands().values()) {
        todo.add(sub);
        CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
        String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
        String summary = lines.length == 0 ? "" : lines[0].strip();
        if (!summary.endsWith(".")) {
          cut.add(sub.getCommandSpec().qualifiedName() + ": \"" + summary + "\"");
        }
        if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
          continue; // picocli's own
        }
        for (String line : usage.description()) {
          if (!line.isBlank() && !line.strip().matches(".*[.!?]$")) {
            cut.add(sub.getCommandSpec().qualifiedName() + " (help): \"" + line + "\"");
          }
        }
      }
    }
    assertThat(cut).isEmpty();
  }

  @Test
  void aStoreThatCannotBeOpened_isReportedInALineOrTwo_withoutAStackTrace(@TempDir Path tmp)
      throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("data"), "a file");

    assertThat(execute("local", "--data-dir", notADirectory.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("ringtx local: cannot create store directory " + notADirectory.resolve("p1"))
        .contains("  because: java.nio.file.FileSystemException")
        .contains("Not a directory")
        .doesNotContain("\tat ")
        .doesNotContain("stopped");
  }

  @Test
  void anHttpPortInUse_isReportedInALineOrTwo_withoutAStackTrace(@TempDir Path tmp)
      throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      String port = Integer.toString(taken.getLocalPort());

      assertThat(execute("local", "--data-dir", tmp.toString(), "--http-port", port)).isEqualTo(1);
    }
    assertThat(err.toString())
        .startsWith("ringtx local: cannot listen on 127.0.0.1")
        .contains("Address already in use")
        .doesNotContain("\tat ");
  }

  @Test
  void anUnknownHost_isReportedInALineOrTwo_withoutAStackTrace(@TempDir Path tmp)
      throws Exception {
    assertThat(execute("local", "--data-dir", tmp.toString(), "--host", "no-such-host.invalid"))
        .isEqualTo(1);
    assertThat(err.toString())
        .startsWith("ringtx local: cannot listen on no-such-host.invalid")
        .doesNotContain("\tat ");
  }

  @Test
  void ringAgainstNoCoordinator_saysTheConnectionWasRefused() throws Exception {
    int port;
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    assertThat(execute("ring", "--cluster", "http://127.0.0.1:" + port)).isEqualTo(2);
    assertThat(err.toString())
        .contains("ringtx ring: http://127.0.0.1:" + port + "/v1/cluster: ")
        .contains("connection refused")
        .doesNotContain("\tat ");
  }

  @Test
  void aNodeFlagWithoutItsValue_isNamed(@TempDir Path tmp) {
    assertThat(execute("participant", "--node-id", "p1", "--data-dir", tmp.toString(),
        "--participants", "p1", "--http-port")).isEqualTo(2);
    assertThat(err.toString()).contains("--http-port: needs a value")
        .doesNotContain("unexpected argument 'participant'");
  }

  @Test
  void aRoleFlagContradictingTheCommand_isAnError(@TempDir Path tmp) {
    assertThat(execute("participant", "--node-id", "p1", "--data-dir", tmp.toString(),
        "--participants", "p1", "--role", "coordinator", "--http-port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--role: 'coordinator' but this is 'ringtx participant'");
  }

  @Test
  void version_printsTheProjectVersion() {
    assertThat(execute("--version")).isZero();
    assertThat(out.toString()).startsWith("ringtx ").doesNotContain("unknown", "${");
  }

  @Test
  void demoHelp_listsEveryOption() {
    assertThat(execute("demo", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--data-dir", "--participants", "--accounts", "--clients", "--seconds",
            "--initial-balance", "--processes", "--coordinators");
  }

  @Test
  void noSubcommand_isAUsageError() {
    assertThat(execute()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand", "Usage: ringtx");
  }

  // Every check runs before a cluster is started, so these need no cluster.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "demo --participants 0      | --participants must be between 1 and 64, was 0",
        "demo --accounts 1          | --accounts must be between 2 and 1000000, was 1",
        "demo --clients 0           | --clients must be between 1 and 1000, was 0",
        "demo --clients 100000      | --clients must be between 1 and 1000, was 100000",
        "demo --accounts 2000000000 | --accounts must be between 2 and 1000000, was 2000000000",
        "demo --seconds 100000      | --seconds must be between 0 and 86400, was 100000",
        "demo --seconds -1          | --seconds must be between 0 and 86400, was -1",
        "demo --initial-balance -5  | --initial-balance must be at least 0, was -5",
        "demo --initial-balance 9223372036854775807 | --initial-balance must be at most",
        "demo --accounts many       | Invalid value for option '--accounts'",
        "demo --speed 3             | Unknown options: '--speed'",
        "local --participants 0     | --participants must be between 1 and 64, was 0",
        "local --participants 65    | --participants must be between 1 and 64, was 65",
        "demo --participants 65     | --participants must be between 1 and 64, was 65",
        "local --http-port 70000    | --http-port must be between 0 and 65535, was 70000",
        "local --http-port -1       | --http-port must be between 0 and 65535, was -1",
        "local --host=              | --host must not be empty",
        "local --data-dir= --http-port 70000 | --data-dir must not be empty",
        "demo --data-dir= --clients 0 | --data-dir must not be empty",
        "local --outcome-retention-seconds 59 | --outcome-retention-seconds must be between 60 and 2592000, was 59",
        "local --outcome-retention-seconds 2592001 | --outcome-retention-seconds must be between 60 and 2592000",
        "cluster                    | Missing required subcommand",
        "demo --coordinators 2      | --coordinators needs --processes",
        "demo --processes --coordinators 0 | --coordinators must be between 1 and 16, was 0",
        "bench calibrate --samples 5 | --samples must be at least 10, was 5",
        "bench calibrate --warmup-seconds -1 | --warmup-seconds must be between 0 and 600, was -1",
        "bench calibrate --warmup-seconds 601 | --warmup-seconds must be between 0 and 600",
      })
  void badArguments_areUsageErrors_withExitCode2(String args, String message) {
    assertThat(execute(args.trim().split("\\s+"))).isEqualTo(2);
    assertThat(err.toString()).contains(message).contains("Usage:");
  }

  @Test
  void demoDefaults_matchTheDocumentedOnes() {
    CommandLine cmd = Main.commandLine();
    CommandLine.ParseResult parsed = cmd.parseArgs("demo");
    DemoCommand demo = (DemoCommand) parsed.subcommand().commandSpec().userObject();

    var options = demo.options();

    assertThat(demo.dataDir).isNull();
    assertThat(demo.participants).isEqualTo(3);
    assertThat(options.accounts()).isEqualTo(1000);
    assertThat(options.clients()).isEqualTo(8);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.initialBalance()).isEqualTo(100);
    assertThat(options.expectedTotal()).isEqualTo(100_000);
  }

  @Test
  void demoOptions_areParsed() {
    CommandLine cmd = Main.commandLine();
    CommandLine.ParseResult parsed =
        cmd.parseArgs(
            "demo", "--data-dir", "d", "--participants", "5", "--accounts", "100", "--clients",
            "4", "--seconds", "2", "--initial-balance", "7");
    DemoCommand demo = (DemoCommand) parsed.subcommand().commandSpec().userObject();

    var options = demo.options();

    assertThat(demo.dataDir).hasToString("d");
    assertThat(demo.participants).isEqualTo(5);
    assertThat(options.accounts()).isEqualTo(100);
    assertThat(options.clients()).isEqualTo(4);
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.expectedTotal()).isEqualTo(700);
  }

  @Test
  void localDefaults_bindLoopbackOnAFreePort() {
    CommandLine cmd = Main.commandLine();
    CommandLine.ParseResult parsed = cmd.parseArgs("local");
    LocalCommand local = (LocalCommand) parsed.subcommand().commandSpec().userObject();

    assertThat(local.host).isEqualTo("127.0.0.1");
    assertThat(local.httpPort).isZero();
    assertThat(local.participants).isEqualTo(3);
    assertThat(local.dataDir).hasToString("ringtx-data");
    assertThat(local.outcomeRetentionSeconds).isEqualTo(3_600);
  }
}
