package io.ringtx.dist;

import io.ringtx.dist.config.NodeConfig;
import io.ringtx.dist.local.LocalCluster;
import io.ringtx.dist.local.LocalClusterConfig;
import io.ringtx.storage.LogPruner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ringtx local}: a whole cluster in this JVM, for development, until Ctrl-C. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a whole cluster in this JVM until Ctrl-C.",
      "Participants and one coordinator, with the same code paths as a multi-process cluster."
    })
final class LocalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "ringtx-data",
      description = "Data directory of all nodes; kept across runs (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--participants",
      paramLabel = "N",
      defaultValue = "3",
      description = "Number of participants (shard servers), 1-"
          + LocalClusterConfig.MAX_PARTICIPANTS + " (default: ${DEFAULT-VALUE}).")
  int participants;

  @Option(
      names = "--http-port",
      paramLabel = "P",
      defaultValue = "0",
      description = "HTTP port of the coordinator; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--host",
      paramLabel = "H",
      defaultValue = "127.0.0.1",
      description = "Address every node binds to (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--outcome-retention-seconds",
      paramLabel = "S",
      defaultValue = "3600",
      description = "How long every node keeps the log of a finished transaction, as a cluster "
          + "node's outcomeRetentionSeconds: " + NodeConfig.MIN_OUTCOME_RETENTION_SECONDS + "-"
          + NodeConfig.MAX_OUTCOME_RETENTION_SECONDS + " (default: ${DEFAULT-VALUE}).")
  long outcomeRetentionSeconds;

  @Override
  public Integer call() throws Exception {
    // An empty path would be the working directory, which would fill with node directories.
    Check.notBlank(spec, "--data-dir", dataDir.toString());
    Check.between(spec, "--participants", participants, 1, LocalClusterConfig.MAX_PARTICIPANTS);
    Check.between(spec, "--http-port", httpPort, 0, 65_535);
    Check.notBlank(spec, "--host", host);
    Check.between(spec, "--outcome-retention-seconds", outcomeRetentionSeconds,
        NodeConfig.MIN_OUTCOME_RETENTION_SECONDS, NodeConfig.MAX_OUTCOME_RETENTION_SECONDS);

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AtomicBoolean started = new AtomicBoolean();
    try (ExitCloser closer = ExitCloser.install("ringtx-local-shutdown", err)) {
      closer.register(() -> {
        // A cluster that never started has nothing to stop: its error says what happened.
        if (started.get()) {
          err.println("ringtx local: stopped");
          err.flush();
        }
      });
      LocalCluster cluster;
      try {
        cluster = closer.register(
            LocalCluster.start(
                new LocalClusterConfig(dataDir.toAbsolutePath(), participants, host, httpPort)
                    .withPruning(Duration.ofSeconds(outcomeRetentionSeconds),
                        LogPruner.DEFAULT_EVERY)));
      } catch (Exception e) {
        if (Main.listenFailure(e) == null) {
          throw e;
        }
        // Reported by Main in a line, with the address tried.
        throw new Main.CannotListen(host + (httpPort == 0 ? "" : ":" + httpPort), e);
      }
      started.set(true);
      out.println("RingTx local cluster: " + cluster.url());
      out.println("data directory: " + dataDir.toAbsolutePath());
      for (String line : ClusterInfo.nodeLines(cluster.url())) {
        out.println("  " + line);
      }
      out.println("Ctrl-C to stop");
      out.flush();
      // Runs until Ctrl-C: the shutdown hook of the closer stops the cluster, then the JVM exits.
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
