package io.ringtx.dist;

import io.ringtx.dist.cluster.ProcessClusterFixture;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code ringtx} whose {@code cluster} and {@code demo --processes} start {@link
 * io.ringtx.dist.cluster.FakeNode}s, for tests that need the command in a JVM of its own (to see
 * the nodes outlive it). With {@code -Dringtx.fake.api=local} the fake coordinators serve the real
 * client API.
 */
public final class FakeClusterMain {
  private FakeClusterMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** {@link Main#commandLine()} with fake nodes. */
  static CommandLine commandLine() {
    CommandLine cmd = Main.commandLine();
    var launcher = ProcessClusterFixture.fakeLauncher();
    String api = System.getProperty("ringtx.fake.api");
    if (api != null) {
      launcher = launcher.withJvmOptions(List.of("-Dringtx.fake.api=" + api));
    }
    ((ClusterCommand) cmd.getSubcommands().get("cluster").getCommand()).launcher = launcher;
    ((DemoCommand) cmd.getSubcommands().get("demo").getCommand()).launcher = launcher;
    return cmd;
  }
}
