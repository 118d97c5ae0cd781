package io.ringtx.dist;

import io.ringtx.bench.report.BenchResult;
import io.ringtx.bench.report.ResultFiles;
import io.ringtx.bench.run.BenchException;
import io.ringtx.bench.run.BenchOptions;
import io.ringtx.bench.run.BenchRunner;
import io.ringtx.bench.target.BenchTarget;
import io.ringtx.bench.target.ClusterTarget;
import io.ringtx.bench.target.PrometheusText;
import io.ringtx.bench.target.RocksLocalTarget;
import io.ringtx.bench.workload.Workload;
import io.ringtx.bench.workload.WorkloadSettings;
import io.ringtx.client.ClientOptions;
import io.ringtx.dist.bench.EmbeddedTarget;
import io.ringtx.dist.bench.ProcessesTarget;
import io.ringtx.dist.cluster.ClusterException;
import io.ringtx.dist.cluster.ClusterSpec;
import io.ringtx.dist.cluster.NodeLauncher;
import io.ringtx.dist.cluster.PortAllocator;
import io.ringtx.dist.cluster.ProcessCluster;
import io.ringtx.protocol.security.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ringtx bench run}: one benchmark run ({@link BenchRunner}) against a chosen target. */
@Command(
    name = "run",
    header = "Runs a workload against a target and prints its throughput and latency.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a workload against a target, prints a progress line per second and a summary, and "
      + "with --out writes result.json and report.html.",
      "Exit code 0 on success, 1 if the run failed or the bank's total changed, 2 for bad options."
    })
final class BenchRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Where the transactions go: exactly one of these, or none for --embedded. */
  static final class TargetChoice {
    @Option(names = "--embedded",
        description = "A local cluster in this JVM (the default).")
    boolean embedded;

    @Option(names = "--processes",
        description = "A cluster of node processes (ringtx cluster), started and stopped here.")
    boolean processes;

    @Option(names = "--cluster", split = ",", paramLabel = "URL",
        description = "An existing cluster: its coordinators' URLs, comma-separated.")
    List<String> cluster;

    @Option(names = "--target", paramLabel = "KIND",
        description = "embedded, processes, or rocksdb-local (one local RocksDB: the"
            + " no-distribution reference).")
    String kind;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  TargetChoice target;

  @Option(names = "--workload", defaultValue = "bank", paramLabel = "NAME",
      description = "bank, ycsb-a, ycsb-b, ycsb-c, ycsb-f, single or read-only"
          + " (default: ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--keys", defaultValue = "10000", paramLabel = "N",
      description = "Keys (bank: accounts) (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--value-size", defaultValue = "100", paramLabel = "BYTES",
      description = "Size of written values, except the bank's balances (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--ops-per-txn", defaultValue = "4", paramLabel = "N",
      description = "Operations per YCSB or read-only transaction (default: ${DEFAULT-VALUE}).")
  int opsPerTxn;

  @Option(names = "--dist", defaultValue = "uniform", paramLabel = "DIST",
      description = "How keys are drawn: uniform or zipfian (default: ${DEFAULT-VALUE}).")
  String dist;

  @Option(names = "--zipf-theta", defaultValue = "0.99", paramLabel = "THETA",
      description = "Skew of the zipfian distribution, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double zipfTheta;

  @Option(names = "--duration", defaultValue = "30s", paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Measured time, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Time run first and not measured (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--concurrency", defaultValue = "16", paramLabel = "N",
      description = "Closed loop: clients. With --rate: most transactions in flight"
          + " (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rate", paramLabel = "TX_PER_S",
      description = "Open loop: start this many transactions per second on a fixed schedule;"
          + " latency counts from each one's intended start.")
  Double rate;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-attempts", defaultValue = "1", paramLabel = "N",
      description = "Attempts per transaction; 1 counts each conflict as an abort"
          + " (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--commit-batch", defaultValue = "" + ClientOptions.DEFAULT_MAX_COMMIT_BATCH,
      paramLabel = "N",
      description = "Most commits the Java client sends in one request (POST /v1/txns) when"
          + " several are ready at once; 1 sends each alone (default: ${DEFAULT-VALUE}).")
  int commitBatch;

  @Option(names = "--read-batch", defaultValue = "" + ClientOptions.DEFAULT_MAX_READ_BATCH,
      paramLabel = "N",
      description = "Most transactions' reads the Java client gathers into one request when"
          + " several ask the same node at once; 1 sends each alone (default: ${DEFAULT-VALUE}).")
  int readBatch;

  @Option(names = "--reads", defaultValue = "owner", paramLabel = "HOW",
      description = "How the client reads: owner (straight from the participant that owns each"
          + " key, as the Java client does by default) or coordinator (every read through the"
          + " coordinator) (default: ${DEFAULT-VALUE}).")
  String reads;

  @Option(names = "--commits", defaultValue = "owner", paramLabel = "HOW",
      description = "Where the client sends a commit whose keys one participant owns: owner"
          + " (straight to that participant, as the Java client does by default) or coordinator"
          + " (every commit through the coordinator) (default: ${DEFAULT-VALUE}).")
  String commits;

  @Option(names = "--no-load",
      description = "Skip creating the initial data (reuse what an earlier run left in --cluster).")
  boolean noLoad;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write result.json and report.html into DIR.")
  Path out;

  @Option(names = "--participants", defaultValue = "3", paramLabel = "N",
      description = "Participants of an embedded or process cluster (default: ${DEFAULT-VALUE}).")
  int participants;

  @Option(names = "--coordinators", defaultValue = "1", paramLabel = "M",
      description = "Coordinators of a process cluster (default: ${DEFAULT-VALUE}).")
  int coordinators;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Data directory of the embedded, process or rocksdb-local target"
          + " (default: a temporary directory, deleted afterwards).")
  Path dir;

  @Option(names = "--metrics-url", split = ",", paramLabel = "URL",
      description = "With --cluster: other nodes whose /metrics to read (the participants).")
  List<String> metricsUrls = List.of();

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "With --cluster: CA certificate(s) to trust for https:// URLs (a cluster with TLS).")
  Path caFile;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "With --cluster: a file holding the bearer token the cluster requires.")
  Path tokenFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "With --processes: a node setting for every node of a new cluster, as "
          + "ringtx cluster start --set (e.g. transport=eventbus; repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  /** How node JVMs are started with --processes; tests replace it with a fake node. */
  NodeLauncher launcher;

  @Option(names = "--progress", defaultValue = "1s", paramLabel = "TIME",
      converter = DurationConverter.class, hidden = true,
      description = "Interval of the progress lines (default: ${DEFAULT-VALUE}).")
  Duration progress;

  @Override
  public Integer call() throws Exception {
    BenchOptions options = options();
    String kind = kind();
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ExitCloser closer = ExitCloser.install("ringtx-bench-shutdown", err)) {
      BenchTarget t;
      try {
        t = closer.register(open(kind, closer, o));
      } catch (ClusterException e) {
        err.println("ringtx bench: " + e.getMessage());
        err.flush();
        return e.exitCode();
      }
      o.println("target: " + t.kind() + " (" + t.description() + ")");
      o.flush();
      BenchResult result;
      try {
        result = new BenchRunner(options, o).run(t);
      } catch (BenchException e) {
        err.println("ringtx bench: " + e.getMessage());
        err.flush();
        return 1;
      }
      if (out != null) {
        ResultFiles.write(result, out);
        o.println("wrote " + out.resolve(ResultFiles.RESULT) + " and "
            + out.resolve(ResultFiles.REPORT));
        o.flush();
      }
      return result.bank() != null && !result.bank().conserved() ? 1 : 0;
    }
  }

  private BenchTarget open(String kind, ExitCloser closer, PrintWriter o) throws Exception {
    if (!settings.isEmpty() && !kind.equals("processes")) {
      throw new ParameterException(spec.commandLine(),
          "--set applies to --processes only (the nodes it starts)");
    }
    switch (kind) {
      case "cluster":
        return clusterTarget();
      case "embedded":
        return EmbeddedTarget.start(dataDir(closer, "ringtx-bench-"), participants);
      case "rocksdb-local":
        return RocksLocalTarget.open(dataDir(closer, "ringtx-bench-rocks-"));
      case "processes":
        return processes(closer, o);
      default:
        throw new IllegalStateException("unhandled target " + kind);
    }
  }

  /** The existing cluster of {@code --cluster}, with its CA and token if given. */
  private BenchTarget clusterTarget() throws IOException {
    ClientOptions client = ClientOptions.defaults();
    SSLContext ssl = null;
    String token = null;
    if (caFile != null) {
      client = client.withTrustedCa(caFile);
      try {
        ssl = PrometheusText.trusting(caFile);
      } catch (GeneralSecurityException | IOException e) {
        throw new ParameterException(spec.commandLine(),
            "--ca-file " + caFile + ": not a readable PEM certificate: " + e.getMessage());
      }
    }
    if (tokenFile != null) {
      try {
        token = new String(Pem.secret(tokenFile), StandardCharsets.UTF_8);
        client = client.withBearerToken(token);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--token-file " + e.getMessage());
      }
    }
    return new ClusterTarget(target.cluster, metricsUrls, client, new PrometheusText(ssl, token));
  }

  /**
   * Starts a process cluster as {@code ringtx cluster start} would: in {@code --dir} (a new one,
   * or a stopped cluster of the same shape), or in a temporary directory deleted afterwards.
   */
  private BenchTarget processes(ExitCloser closer, PrintWriter o) throws Exception {
    Consumer<String> progress = line -> {
      o.println(line);
      o.flush();
    };
    if (launcher == null) {
      launcher = NodeLauncher.ringtx();
    }
    Path d = dataDir(closer, "ringtx-bench-cluster-");
    ProcessCluster cluster = ClusterCommand.openOrCreate(spec, d,
        ClusterSpec.of(participants, coordinators).withSettings(settings), launcher, PortAllocator.loopback(), progress);
    // A start cut short by Ctrl-C or a failure leaves no node behind.
    closer.register(cluster::killStarting);
    Duration took = cluster.start(ProcessCluster.DEFAULT_START_TIMEOUT);
    o.printf(Locale.ROOT, "process cluster serving after %.1f s at %s%n", took.toNanos() / 1e9,
        String.join(" ", cluster.urls()));
    return new ProcessesTarget(cluster);
  }

  private Path dataDir(ExitCloser closer, String prefix) throws IOException {
    if (dir != null) {
      return dir.toAbsolutePath();
    }
    Path tmp = Files.createTempDirectory(prefix);
    // Registered before the target, so deleted after the target has closed.
    closer.register(() -> deleteRecursively(tmp));
    return tmp;
  }

  /** The target kind the options name; a bad choice is a usage error. */
  String kind() {
    if (target == null || target.embedded) {
      return "embedded";
    }
    if (target.processes) {
      return "processes";
    }
    if (target.cluster != null) {
      if (target.cluster.isEmpty() || target.cluster.stream().anyMatch(String::isBlank)) {
        throw new ParameterException(spec.commandLine(), "--cluster needs coordinator URLs");
      }
      return "cluster";
    }
    String k = target.kind.trim().toLowerCase(Locale.ROOT);
    return switch (k) {
      case "embedded", "processes", "rocksdb-local" -> k;
      case "cluster" -> throw new ParameterException(spec.commandLine(),
          "give a cluster as --cluster URL[,URL...]");
      default -> throw new ParameterException(spec.commandLine(),
          "--target must be embedded, processes or rocksdb-local, was '" + target.kind + "'");
    };
  }

  /** Checks the options; a bad value is a usage error (exit code 2) before anything starts. */
  BenchOptions options() {
    Check.atLeast(spec, "--keys", keys, 1);
    Check.atLeast(spec, "--value-size", valueSize, 1);
    Check.atLeast(spec, "--ops-per-txn", opsPerTxn, 1);
    Check.atLeast(spec, "--concurrency", concurrency, 1);
    Check.atMost(spec, "--concurrency", concurrency, 4096);
    Check.atLeast(spec, "--max-attempts", maxAttempts, 1);
    Check.between(spec, "--commit-batch", commitBatch, 1, ClientOptions.MAX_COMMIT_BATCH_LIMIT);
    Check.between(spec, "--read-batch", readBatch, 1, ClientOptions.MAX_READ_BATCH_LIMIT);
    Check.between(spec, "--participants", participants, 1, 64);
    Check.between(spec, "--coordinators", coordinators, 1, ClusterSpec.MAX_COORDINATORS);
    if (!kind().equals("processes") && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption("--coordinators")) {
      throw new ParameterException(spec.commandLine(),
          "--coordinators needs --processes (an embedded cluster has one coordinator)");
    }
    try {
      WorkloadSettings w = new WorkloadSettings(Workload.parse(workload), keys, valueSize,
          opsPerTxn, Workload.Distribution.parse(dist), zipfTheta, seed);
      if (!reads.equals("owner") && !reads.equals("coordinator")) {
        throw new IllegalArgumentException(
            "--reads must be owner or coordinator, was '" + reads + "'");
      }
      if (!commits.equals("owner") && !commits.equals("coordinator")) {
        throw new IllegalArgumentException(
            "--commits must be owner or coordinator, was '" + commits + "'");
      }
      return new BenchOptions(w, duration, warmup, concurrency, rate == null ? 0 : rate,
          maxAttempts, !noLoad, progress, reads.equals("owner"), commitBatch,
          commits.equals("owner"), readBatch);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
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
