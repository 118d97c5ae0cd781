package io.ringtx.dist;

import io.ringtx.bench.calibrate.Calibration;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ringtx bench}: measurements of this machine and of RingTx. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks.",
    subcommands = {BenchRunCommand.class, BenchCompareCommand.class, BenchPeersCommand.class,
        BenchCommand.Calibrate.class})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** {@code ringtx bench calibrate}. */
  @Command(
      name = "calibrate",
      header = "Measures this machine's forced write and round trips; prints the 2PC floor.",
      mixinStandardHelpOptions = true,
      description = {
        "Measures the store's forced-write latency and the round trip of the clustered event bus, "
        + "of Vert.x TCP and of RingTx's TCP transport on loopback, and prints the floor of a "
        + "cross-shard commit."
      })
  static final class Calibrate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--samples", defaultValue = "2000", paramLabel = "N",
        description = "Measurements per figure (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--warmup-seconds", defaultValue = "3", paramLabel = "S",
        description = "How long each figure runs unmeasured first, so that it is taken with the "
            + "code compiled as on a node serving load (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Where the scratch store goes (default: a temporary directory, deleted).")
    Path dir;

    @Option(names = "--hazelcast-port", defaultValue = "15990", paramLabel = "P",
        description = "First of two loopback ports for the event bus's Hazelcast members "
            + "(default: ${DEFAULT-VALUE}).")
    int hazelcastPort;

    @Override
    public Integer call() throws Exception {
      Check.atLeast(spec, "--samples", samples, 10);
      Check.between(spec, "--warmup-seconds", warmupSeconds, 0, 600);
      Check.between(spec, "--hazelcast-port", hazelcastPort, 1, 65_534);
      PrintWriter out = spec.commandLine().getOut();
      Path scratch = dir != null ? dir : Files.createTempDirectory("ringtx-calibrate-");
      try {
        new Calibration(samples, Duration.ofSeconds(warmupSeconds), out)
            .run(scratch, hazelcastPort);
        return 0;
      } finally {
        if (dir == null) {
          try (Stream<Path> walk = Files.walk(scratch)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      }
    }
  }
}
