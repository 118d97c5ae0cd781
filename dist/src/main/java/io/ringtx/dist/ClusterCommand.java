package io.ringtx.dist;

import io.ringtx.dist.cluster.ClusterException;
import io.ringtx.dist.cluster.ClusterLayout;
import io.ringtx.dist.cluster.ClusterSpec;
import io.ringtx.dist.cluster.ClusterStatus;
import io.ringtx.dist.cluster.NodeLauncher;
import io.ringtx.dist.cluster.PortAllocator;
import io.ringtx.dist.cluster.ProcessCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ringtx cluster}: a cluster of node processes on this machine, every file of it under one
 * directory ({@link ProcessCluster}). Exit codes: 0 done, 1 failed (for {@code status}: a node is
 * down), 2 bad usage (unknown node, a directory that is not a cluster, bad options).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a cluster of node processes on this machine, every file under one directory.",
      "DIR/cluster.json holds the layout (nodes, roles, ports); DIR/<node>/ holds each node's "
      + "config.json, data/, node.log and pid."
    },
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Status.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Kill.class,
      ClusterCommand.Restart.class,
      ClusterCommand.Add.class,
      ClusterCommand.Leave.class
    })
final class ClusterCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** How node JVMs are started; tests replace it with one that runs a fake node. */
  NodeLauncher launcher;

  /** Where new clusters get their ports; tests may replace it. */
  PortAllocator ports = PortAllocator.loopback();

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  NodeLauncher launcher() {
    if (launcher == null) {
      launcher = NodeLauncher.ringtx();
    }
    return launcher;
  }

  /**
   * The cluster in {@code dir} if there is one, else a new one laid out from {@code wanted}. An
   * option given on the command line that contradicts an existing cluster's layout is a usage
   * error: the layout of a cluster never changes.
   */
  static ProcessCluster openOrCreate(
      CommandSpec spec,
      Path dir,
      ClusterSpec wanted,
      NodeLauncher launcher,
      PortAllocator ports,
      Consumer<String> progress)
      throws IOException {
    if (!ProcessCluster.isCluster(dir)) {
      ProcessCluster c = ProcessCluster.create(dir, wanted, ports, launcher, progress);
      progress.accept(String.format(Locale.ROOT,
          "new cluster %s in %s: %s", c.layout().clusterName(), c.dir().root(),
          shape(wanted.participants(), wanted.coordinators())));
      return c;
    }
    ProcessCluster c = ProcessCluster.open(dir, launcher, progress);
    ClusterLayout l = c.layout();
    ParseResult parsed = spec.commandLine().getParseResult();
    List<String> conflicts = new ArrayList<>();
    if (parsed.hasMatchedOption("--participants") && wanted.participants() != l.participants().size()) {
      conflicts.add("it has " + l.participants().size() + " participants");
    }
    if (parsed.hasMatchedOption("--coordinators") && wanted.coordinators() != l.coordinators().size()) {
      conflicts.add("it has " + l.coordinators().size() + " coordinators");
    }
    if (parsed.hasMatchedOption("--cluster-name") && !l.clusterName().equals(wanted.clusterName())) {
      conflicts.add("its name is " + l.clusterName());
    }
    if (parsed.hasMatchedOption("--set") && !l.settings().equals(wanted.settings())) {
      conflicts.add("its settings are " + l.settings());
    }
    if (parsed.hasMatchedOption("--jvm-opt") && !l.jvmOptions().equals(wanted.jvmOptions())) {
      conflicts.add("its JVM options are " + l.jvmOptions());
    }
    if (!conflicts.isEmpty()) {
      throw ClusterException.usage(c.dir().root() + " holds a cluster already and "
          + String.join(", ", conflicts) + "; leave those options out to start it as it is, "
          + "or give a new directory");
    }
    progress.accept(String.format(Locale.ROOT,
        "cluster %s in %s: %s (from its cluster.json)", l.clusterName(), c.dir().root(),
        shape(l.participants().size(), l.coordinators().size())));
    return c;
  }

  /** {@code 3 participants, 1 coordinator}. */
  static String shape(int participants, int coordinators) {
    return participants + (participants == 1 ? " participant, " : " participants, ")
        + coordinators + (coordinators == 1 ? " coordinator" : " coordinators");
  }

  /** The options and error handling every subcommand shares. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Spec CommandSpec spec;

    @Option(
        names = "--dir",
        required = true,
        paramLabel = "DIR",
        description = "The cluster's directory; nothing outside it is touched.")
    Path dir;

    PrintWriter out;
    PrintWriter err;

    @Override
    public final Integer call() throws Exception {
      out = spec.commandLine().getOut();
      err = spec.commandLine().getErr();
      try {
        return run();
      } catch (ClusterException e) {
        err.println("ringtx cluster " + spec.name() + ": " + e.getMessage());
        return e.exitCode();
      } finally {
        out.flush();
        err.flush();
      }
    }

    abstract int run() throws Exception;

    /** Progress goes to stderr, so that stdout carries the results alone. */
    void progress(String line) {
      err.println(line);
      err.flush();
    }

    ProcessCluster open() throws IOException {
      return ProcessCluster.open(dir, parent.launcher(), this::progress);
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Starts every node as a background JVM and waits until each serves.",
        "A new or empty DIR gets a new cluster (free ports on 127.0.0.1); a DIR with a stopped "
        + "cluster starts it again with the same ports and data. Prints the coordinators' URLs."
      })
  static final class Start extends Sub {
    @Option(names = "--participants", paramLabel = "N", defaultValue = "3",
        description = "Participants of a new cluster (default: ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--coordinators", paramLabel = "M", defaultValue = "1",
        description = "Coordinators of a new cluster (default: ${DEFAULT-VALUE}).")
    int coordinators;

    @Option(names = "--cluster-name", paramLabel = "NAME",
        description = "Name of a new cluster (default: ringtx- and 8 random hex digits).")
    String clusterName;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A node setting for every node of a new cluster, e.g. "
            + "failureDetectionSeconds=2 (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--jvm-opt", paramLabel = "OPT",
        description = "A JVM option for every node of a new cluster, e.g. -Xmx512m (repeatable).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "60",
        description = "How long to wait for every node to serve (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    int run() throws Exception {
      Check.between(spec, "--participants", participants, 1, ClusterSpec.MAX_PARTICIPANTS);
      Check.between(spec, "--coordinators", coordinators, 1, ClusterSpec.MAX_COORDINATORS);
      Check.between(spec, "--timeout-seconds", timeoutSeconds, 1, 3600);
      if (clusterName != null) {
        Check.notBlank(spec, "--cluster-name", clusterName);
      }
      ClusterSpec wanted = new ClusterSpec(participants, coordinators, clusterName, settings,
          jvmOptions);
      ProcessCluster cluster =
          openOrCreate(spec, dir, wanted, parent.launcher(), parent.ports, this::progress);
      Duration took;
      try (ExitCloser closer = ExitCloser.install("ringtx-cluster-start", err)) {
        // Ctrl-C while waiting: do not leave a half-started cluster behind.
        closer.register(cluster::killStarting);
        took = cluster.start(Duration.ofSeconds(timeoutSeconds));
      }
      ClusterLayout l = cluster.layout();
      out.printf(Locale.ROOT, "cluster %s serving after %.1f s: %s%n", l.clusterName(),
          took.toNanos() / 1e9, shape(l.participants().size(), l.coordinators().size()));
      for (ClusterLayout.Node c : l.coordinators()) {
        out.println("coordinator " + c.id() + ": " + l.url(c));
      }
      out.println("logs in " + cluster.dir().root() + "/<node>/node.log; stop with: ringtx cluster stop --dir "
          + cluster.dir().root());
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Lists every node (id, role, pid, ports, up or down) and the coordinators' URLs.",
        "Up: the process is alive and GET /health answers 200.",
        "Exit code 0 if every node is up, 1 if any is down, 2 if DIR is not a cluster."
      })
  static final class Status extends Sub {
    @Option(names = "--json", description = "Print one JSON document, for scripts.")
    boolean json;

    @Override
    int run() throws Exception {
      ClusterStatus status = open().status();
      if (json) {
        out.println(status.json());
      } else {
        status.lines().forEach(out::println);
      }
      return status.allUp() ? 0 : 1;
    }
  }

  @Command(
      name = "add",
      header = "Starts one more participant, which joins the running ring and takes over its ranges.",
      mixinStandardHelpOptions = true,
      description = {
        "Starts one more participant (the next id, pN) that joins the running ring through "
        + "discovery and takes over the keys of its ranges from their owners by hand-off; waits "
        + "until it serves and its hand-offs are done. Recorded in DIR/cluster.json."
      })
  static final class Add extends Sub {
    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "120",
        description = "How long to wait for it to serve, and again for its hand-offs "
            + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    int run() throws Exception {
      Check.between(spec, "--timeout-seconds", timeoutSeconds, 1, 3600);
      ProcessCluster cluster = open();
      long t0 = System.nanoTime();
      ClusterLayout.Node n = cluster.add(parent.ports, Duration.ofSeconds(timeoutSeconds));
      double serving = (System.nanoTime() - t0) / 1e9;
      Duration joined = cluster.awaitRingStatus(n.id(), "MEMBER", Duration.ofSeconds(timeoutSeconds));
      out.println(String.format(Locale.ROOT,
          "%s joined the ring: serving after %.1f s, its hand-offs done %.1f s later (%s)",
          n.id(), serving, joined.toMillis() / 1e3, cluster.layout().url(n)));
      return 0;
    }
  }

  @Command(
      name = "leave",
      header = "Makes one participant hand its ranges over, leave the ring and stop.",
      mixinStandardHelpOptions = true,
      description = {
        "Makes one participant leave the ring gracefully: it hands every range over to its "
        + "successors, leaves the Chord ring and stops. Marked as left in DIR/cluster.json, so "
        + "the cluster's start, stop and status leave it out from then on."
      })
  static final class Leave extends Sub {
    @Parameters(index = "0", paramLabel = "NODE", description = "The participant's id, e.g. p2.")
    String node;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "300",
        description = "How long to wait for its hand-offs (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    int run() throws Exception {
      Check.between(spec, "--timeout-seconds", timeoutSeconds, 1, 3600);
      Duration took = open().leave(node, Duration.ofSeconds(timeoutSeconds));
      out.println(String.format(Locale.ROOT, "%s left the ring: hand-offs done in %.1f s", node,
          took.toMillis() / 1e3));
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = {
        "Stops every node: SIGTERM, then SIGKILL for those that have not exited in time.",
        "Keeps the data, logs and layout: start the cluster again with ringtx cluster start."
      })
  static final class Stop extends Sub {
    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "30",
        description = "How long to wait after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    int run() throws Exception {
      Check.between(spec, "--timeout-seconds", timeoutSeconds, 0, 3600);
      ProcessCluster cluster = open();
      List<String> killed = cluster.stop(Duration.ofSeconds(timeoutSeconds));
      out.println("stopped " + cluster.layout().clusterName() + " in " + cluster.dir().root()
          + (killed.isEmpty() ? "" : " (killed after the timeout: " + String.join(", ", killed) + ")"));
      return 0;
    }
  }

  @Command(
      name = "kill",
      mixinStandardHelpOptions = true,
      description = {"SIGKILLs one node (a crash, for fault drills)."})
  static final class Kill extends Sub {
    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id, e.g. p2.")
    String node;

    @Override
    int run() throws Exception {
      long pid = open().kill(node);
      out.println("killed " + node + " (SIGKILL to pid " + pid + ")");
      return 0;
    }
  }

  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = {
        "Starts one node again from its config.json and waits until it serves.",
        "Refuses if the node runs, unless --force, which SIGKILLs it first."
      })
  static final class Restart extends Sub {
    @Parameters(index = "0", paramLabel = "NODE", description = "The node's id, e.g. p2.")
    String node;

    @Option(names = "--force", description = "SIGKILL the node first if it runs.")
    boolean force;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A setting of this node alone, over the cluster's, e.g. "
            + "crashPoint=AFTER_VOTING (repeatable); kept in its config.json, replacing those "
            + "an earlier --set gave it.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--own-settings-off",
        description = "Drop the settings an earlier --set gave this node.")
    boolean ownSettingsOff;

    @Option(names = "--timeout-seconds", paramLabel = "S", defaultValue = "60",
        description = "How long to wait for the node to serve (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    int run() throws Exception {
      Check.between(spec, "--timeout-seconds", timeoutSeconds, 1, 3600);
      if (ownSettingsOff && !settings.isEmpty()) {
        throw ClusterException.usage("--set and --own-settings-off exclude each other");
      }
      ProcessCluster cluster = open();
      if (ownSettingsOff || !settings.isEmpty()) {
        cluster.configure(node, settings);
      }
      Duration took;
      try (ExitCloser closer = ExitCloser.install("ringtx-cluster-restart", err)) {
        closer.register(cluster::killStarting);
        took = cluster.restart(node, force, Duration.ofSeconds(timeoutSeconds));
      }
      out.printf(Locale.ROOT, "%s serving after %.1f s at %s%n", node, took.toNanos() / 1e9,
          cluster.layout().url(cluster.layout().require(node)));
      return 0;
    }
  }
}
