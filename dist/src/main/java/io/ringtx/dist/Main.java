package io.ringtx.dist;

import io.ringtx.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
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
    return new CommandLine(new Main()).setExecutionExceptionHandler(Main::storageFailure);
  }

  /**
   * A store that cannot be opened (a directory in use, not a directory, not writable, RocksDB's
   * library not loadable) is the operator's to fix, not a bug: its message and its causes' go to
   * the error stream, one line each, without a stack trace, and the exit code is 1; so does a
   * server that cannot listen ({@link #listenFailure}). Anything else keeps picocli's report,
   * stack trace included.
   */
  private static int storageFailure(Exception e, CommandLine command, ParseResult parsed)
      throws Exception {
    Throwable listen = listenFailure(e);
    if (listen != null) {
      // A port in use or an address that is not this machine's: the operator's to fix too.
      String where = e instanceof CannotListen c ? " on " + c.where : "";
      PrintWriter err = command.getErr();
      err.println(command.getCommandSpec().qualifiedName() + ": cannot listen" + where + ": "
          + listen.getMessage());
      err.flush();
      return 1;
    }
    if (!(e instanceof StorageException)) {
      throw e;
    }
    PrintWriter err = command.getErr();
    err.println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause.getMessage() == null || !e.getMessage().contains(cause.getMessage())) {
        err.println("  because: " + cause);
      }
    }
    err.flush();
    return 1;
  }

  /**
   * A listen failure ({@link #listenFailure} finds it among the causes) with the address the
   * command tried, for the one-line report.
   */
  static final class CannotListen extends Exception {
    private static final long serialVersionUID = 1L;
    private final String where;

    CannotListen(String where, Throwable cause) {
      super("cannot listen on " + where, cause);
      this.where = where;
    }
  }

  /**
   * The cause of {@code e} that says a server could not listen: a port in use or an address not
   * of this machine (Netty's native bind error or Java's), or a host name that does not resolve;
   * null if there is none.
   */
  static Throwable listenFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String msg = t.getMessage();
      if (t instanceof BindException || t instanceof UnknownHostException
          || (t instanceof IOException && msg != null && msg.startsWith("bind("))) {
        return t;
      }
    }
    return null;
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
