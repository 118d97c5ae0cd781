package io.ringtx.dist;

import io.ringtx.dist.cluster.ClusterException;
import io.ringtx.dist.cluster.ClusterSpec;
import io.ringtx.dist.cluster.NodeLauncher;
import io.ringtx.dist.cluster.PortAllocator;
import io.ringtx.dist.cluster.ProcessCluster;
import io.ringtx.dist.demo.BankClient;
import io.ringtx.dist.demo.BankDemo;
import io.ringtx.dist.demo.DemoFailedException;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.dist.local.LocalCluster;
import io.ringtx.dist.local.LocalClusterConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ringtx demo}: the bank demo ({@link BankDemo}) on a local cluster in this JVM, or with
 * {@code --processes} on a cluster of node processes ({@link ProcessCluster}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the bank demo on a local cluster and checks that no money is lost or made.",
      "Opens accounts, runs concurrent random transfers between them, then reads every balance.",
      "Exit code 0 if the total is unchanged, 1 if not, 2 for bad options."
    })
final class DemoCommand implements Callable<Integer> {
  static final int MAX_ACCOUNTS = 1_000_000;
  static final int MAX_CLIENTS = 1_000;
  static final int MAX_SECONDS = 86_400;

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (default: a fresh temporary directory, deleted afterwards).")
  Path dataDir;

  @Option(
      names = "--participants",
      paramLabel = "N",
      defaultValue = "3",
      description = "Number of participants (shard servers), 1-"
          + LocalClusterConfig.MAX_PARTICIPANTS + " (default: ${DEFAULT-VALUE}).")
  int participants;

  @Option(
      names = "--accounts",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Number of accounts (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--clients",
      paramLabel = "N",
      defaultValue = "8",
      description = "Concurrent clients running transfers (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "5",
      description = "How long the transfers run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--initial-balance",
      paramLabel = "B",
      defaultValue = "100",
      description = "Opening balance of every account (default: ${DEFAULT-VALUE}).")
  long initialBalance;

  @Option(
      names = "--processes",
      description = "Run the cluster as one process per node (as ringtx cluster start does) "
          + "instead of in this JVM.")
  boolean processes;

  @Option(
      names = "--coordinators",
      paramLabel = "M",
      defaultValue = "1",
      description = "Coordinators, with --processes; the clients are spread over them "
          + "(default: ${DEFAULT-VALUE}).")
  int coordinators;

  /** How node JVMs are started with --processes; tests replace it with a fake node. */
  NodeLauncher launcher;

  @Override
  public Integer call() throws Exception {
    BankDemo.Options options = options();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    Path dir = dataDir != null ? dataDir.toAbsolutePath() : Files.createTempDirectory("ringtx-demo-");
    try (ExitCloser closer = ExitCloser.install("ringtx-demo-shutdown", err)) {
      if (dataDir == null) {
        closer.register(() -> deleteRecursively(dir));
      }
      BankClient.Factory clients;
      try {
        clients = processes ? processCluster(closer, dir, out) : localCluster(closer, dir, out);
      } catch (ClusterException e) {
        err.println("ringtx demo: " + e.getMessage());
        err.flush();
        return e.exitCode();
      }
      out.flush();

      BankDemo.Result result;
      try {
        result = new BankDemo(options, clients, out, err).run();
      } catch (DemoFailedException e) {
        err.println("demo failed: " + e.getMessage());
        err.flush();
        return 1;
      }
      result.report().forEach(out::println);
      if (result.errors() > 0) {
        out.println("warning: " + result.errors()
            + " transfers ended with an error; their outcome is unknown to the demo");
      }
      out.flush();
      return result.conserved() ? 0 : 1;
    }
  }

  private BankClient.Factory localCluster(ExitCloser closer, Path dir, PrintWriter out)
      throws Exception {
    LocalCluster cluster =
        closer.register(
            LocalCluster.start(new LocalClusterConfig(dir, participants, "127.0.0.1", 0)));
    out.printf("local cluster of %d participants at %s (data in %s)%n",
        participants, cluster.url(), dir);
    return RingTxBankClient.factory(cluster.url());
  }

  private BankClient.Factory processCluster(ExitCloser closer, Path dir, PrintWriter out)
      throws Exception {
    Consumer<String> progress = line -> {
      out.println(line);
      out.flush();
    };
    if (launcher == null) {
      launcher = NodeLauncher.ringtx();
    }
    ProcessCluster cluster = ClusterCommand.openOrCreate(spec, dir,
        ClusterSpec.of(participants, coordinators), launcher, PortAllocator.loopback(), progress);
    // Closed in reverse: a start cut short by Ctrl-C first, then every node, then the directory.
    closer.register(() -> cluster.stop(ProcessCluster.DEFAULT_STOP_TIMEOUT));
    closer.register(cluster::killStarting);
    Duration took = cluster.start(ProcessCluster.DEFAULT_START_TIMEOUT);
    out.printf(Locale.ROOT,
        "process cluster of %s serving after %.1f s at %s (data in %s)%n",
        ClusterCommand.shape(cluster.layout().participants().size(),
            cluster.layout().coordinators().size()),
        took.toNanos() / 1e9, String.join(" ", cluster.urls()), dir);
    return RingTxBankClient.factory(cluster.urls(),
        cluster.clientOptions(io.ringtx.client.ClientOptions.defaults()));
  }

  /** Checks the options; a bad value is a usage error (exit code 2) before anything starts. */
  BankDemo.Options options() {
    if (!processes && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption("--coordinators")) {
      throw new ParameterException(spec.commandLine(),
          "--coordinators needs --processes (the in-JVM cluster has one coordinator)");
    }
    if (dataDir != null) {
      // An empty path would be the working directory, which would fill with node directories.
      Check.notBlank(spec, "--data-dir", dataDir.toString());
    }
    Check.between(spec, "--participants", participants, 1, LocalClusterConfig.MAX_PARTICIPANTS);
    Check.between(spec, "--coordinators", coordinators, 1, ClusterSpec.MAX_COORDINATORS);
    // Upper bounds a demo on one machine can honour: every account is written and read at
    // start, every client is a thread with its own connections.
    Check.between(spec, "--accounts", accounts, 2, MAX_ACCOUNTS);
    Check.between(spec, "--clients", clients, 1, MAX_CLIENTS);
    Check.between(spec, "--seconds", seconds, 0, MAX_SECONDS);
    Check.atLeast(spec, "--initial-balance", initialBalance, 0);
    Check.atMost(spec, "--initial-balance", initialBalance, Long.MAX_VALUE / accounts);
    return new BankDemo.Options(
        accounts,
        clients,
        Duration.ofSeconds(seconds),
        initialBalance,
        ThreadLocalRandom.current().nextLong());
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
