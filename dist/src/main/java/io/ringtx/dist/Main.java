package io.ringtx.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code ringtx} command: one CLI for every role (DESIGN §1). Exit codes: 0 success, 1 the
 * command ran and failed (for {@code demo}: the total was not conserved), 2 bad usage.
 */
@Command(
    name = "ringtx",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Serializable multi-key transactions over a sharded key-value store "
        + "(two-phase commit over a Chord ring).",
    subcommands = {
      LocalCommand.class,
      DemoCommand.class,
      NodeCommand.Participant.class,
      NodeCommand.Coordinator.class,
      ClusterCommand.class,
      RingCommand.class,
      RecoveryCommand.class,
      BenchCommand.class,
      ConfigCommand.class,
      CertsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests execute it with their own output writers. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  /** {@code ringtx} without a subcommand is a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** {@code ringtx --version}: the project version, filtered in by Maven at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "ringtx " + projectVersion(),
        "JVM: ${java.version} (${java.vendor} ${java.vm.name})"
      };
    }

    static String projectVersion() {
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read version.properties", e);
      }
    }
  }
}
