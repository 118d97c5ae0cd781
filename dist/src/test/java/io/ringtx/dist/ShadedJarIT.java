package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code ringtx.jar} in its own JVM, as {@code bin/ringtx} does: catches a
 * shaded jar that lost its main class, its service files or a dependency.
 */
class ShadedJarIT {
  private static final List<String> HAZELCAST_FLAGS =
      List.of(
          "--add-modules", "java.se",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.management/sun.management=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  @TempDir Path tmp;

  record Run(int exitCode, String out) {}

  private static List<String> command(List<String> jvmOptions, String... args) {
    Path jar = Path.of(System.getProperty("ringtx.jar", "target/ringtx.jar"));
    assertThat(jar).as("run mvn package first").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(HAZELCAST_FLAGS);
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return command;
  }

  private Run ringtx(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = command(List.of(), args);
    Path output = tmp.resolve("output.txt");
    Process process =
        new ProcessBuilder(command)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
          .as("ringtx %s finished in %d s", String.join(" ", args), timeoutSeconds)
          .isTrue();
      return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void help_runsFromTheShadedJar() throws Exception {
    Run run = ringtx(60, "--help");

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("Usage: ringtx", "local", "demo", "cluster");
  }

  @Test
  void version_comesFromTheBuild() throws Exception {
    Run run = ringtx(60, "--version");

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).startsWith("ringtx ").doesNotContain("unknown");
  }

  @Test
  void badOption_exitsWithUsageError() throws Exception {
    Run run = ringtx(60, "demo", "--seconds", "-1");

    assertThat(run.exitCode()).as(run.out()).isEqualTo(2);
    assertThat(run.out()).contains("--seconds must be between 0 and 86400, was -1");
  }

  @Test
  void demo_conservesTheTotal_inItsOwnJvm() throws Exception {
    Run run = ringtx(180, "demo", "--accounts", "100", "--clients", "4", "--seconds", "2");

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains("conserved").doesNotContain("NOT CONSERVED");
  }

  @Test
  void aKilledNode_leavesNothingInTheTemporaryDirectory_butTheLibraryItShares() throws Exception {
    Path jvmTmp = Files.createDirectory(tmp.resolve("jvm-tmp"));

    killOnceServing(jvmTmp, "first");
    killOnceServing(jvmTmp, "second");

    try (Stream<Path> left = Files.walk(jvmTmp)) {
      List<String> files = left.filter(Files::isRegularFile)
          .map(f -> jvmTmp.relativize(f).toString())
          .toList();
      assertThat(files).as("one copy of RocksDB's library, in ringtx-native-<user>").singleElement()
          .asString().startsWith("ringtx-native-").contains("/rocksdbjni-").endsWith(".so");
    }
    try (Stream<Path> top = Files.list(jvmTmp)) {
      assertThat(top.map(f -> f.getFileName().toString()))
          .as("no vertx-cache-* directory or loose library")
          .singleElement().asString().startsWith("ringtx-native-");
    }
  }

  /** Starts {@code ringtx local} with {@code jvmTmp} as its temporary directory; kill -9 it. */
  private void killOnceServing(Path jvmTmp, String name) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command(List.of("-Djava.io.tmpdir=" + jvmTmp),
        "local", "--participants", "2", "--data-dir", tmp.resolve(name).toString()))
        .directory(tmp.toFile())
        .redirectErrorStream(true);
    Process process = builder.start();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line; (line = lines.readLine()) != null; ) {
        seen.append(line).append('\n');
        if (line.startsWith("RingTx local cluster: http")) {
          break;
        }
      }
      assertThat(seen.toString()).as("ringtx local started").contains("RingTx local cluster: http");
    } finally {
      process.destroyForcibly();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }
}
