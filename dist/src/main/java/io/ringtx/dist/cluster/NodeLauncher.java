package io.ringtx.dist.cluster;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a node's JVM is started: {@code java <JVM options> -cp <class path> <main class> <role>
 * --config <file>}, detached from the process that starts it (stdin from {@code /dev/null},
 * stdout and stderr appended to the node's log, its own session where {@code setsid} exists), so
 * the node outlives {@code ringtx cluster start} and does not get the terminal's Ctrl-C.
 *
 * @param java the {@code java} executable
 * @param jvmOptions options before the class path (the Hazelcast flags of PLATFORM.md first)
 * @param classPath the class path of the nodes: the running jar, or this JVM's class path
 * @param mainClass the class whose {@code main} takes {@code participant|coordinator --config FILE}
 */
public record NodeLauncher(Path java, List<String> jvmOptions, String classPath, String mainClass) {

  /** Hazelcast on JDK 17 (PLATFORM.md); bin/ringtx and the test JVMs pass the same. */
  public static final List<String> HAZELCAST_JVM_FLAGS =
      List.of(
          "--add-modules", "java.se",
          "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens", "java.base/java.lang=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens", "java.management/sun.management=ALL-UNNAMED",
          "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  /** The CLI's main class; {@code ringtx participant|coordinator} are its node commands. */
  public static final String RINGTX_MAIN = "io.ringtx.dist.Main";

  /** A node that runs out of memory should die, visibly, rather than limp on. */
  private static final List<String> NODE_JVM_FLAGS = List.of("-XX:+ExitOnOutOfMemoryError");

  private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  public NodeLauncher {
    Objects.requireNonNull(java, "java");
    jvmOptions = List.copyOf(jvmOptions);
    Objects.requireNonNull(classPath, "classPath");
    Objects.requireNonNull(mainClass, "mainClass");
  }

  /**
   * Nodes run by the same {@code java}, from the same jar as this JVM's {@code ringtx} (or, when
   * this JVM does not run from a jar, as in tests and IDEs, on this JVM's class path).
   */
  public static NodeLauncher ringtx() {
    return onThisClassPath(RINGTX_MAIN);
  }

  /** Nodes run by {@code mainClass} on the class path that {@link #ringtx()} would use. */
  public static NodeLauncher onThisClassPath(String mainClass) {
    List<String> options = new ArrayList<>(HAZELCAST_JVM_FLAGS);
    options.addAll(NODE_JVM_FLAGS);
    return new NodeLauncher(thisJava(), options, thisClassPath(), mainClass);
  }

  /** The same launcher with more JVM options after the current ones. */
  public NodeLauncher withJvmOptions(List<String> more) {
    List<String> all = new ArrayList<>(jvmOptions);
    all.addAll(more);
    return new NodeLauncher(java, all, classPath, mainClass);
  }

  /** The same launcher with another class path (e.g. the packaged ringtx.jar). */
  public NodeLauncher withClassPath(String cp) {
    return new NodeLauncher(java, jvmOptions, cp, mainClass);
  }

  /** The node's command line, without the {@code setsid} prefix. */
  public List<String> command(ClusterLayout.Node node, Path configFile, List<String> extraJvm) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(extraJvm);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.add(node.role().wireName());
    cmd.add("--config");
    cmd.add(configFile.toString());
    return cmd;
  }

  /**
   * Starts {@code node} in the background, its output appended to its log after a header line.
   * Environment variables {@code RINGTX_*} are not passed on: they would override the node's
   * configuration file (or be refused by it, as bin/ringtx's {@code RINGTX_JAVA_OPTS}), and the
   * file must describe the node alone so that a restart gives the same node.
   */
  public Process launch(ClusterDir dir, ClusterLayout layout, ClusterLayout.Node node)
      throws IOException {
    List<String> command = command(node, dir.configFile(node.id()), layout.jvmOptions());
    Path log = dir.logFile(node.id());
    Files.createDirectories(log.getParent());
    Files.writeString(log,
        "=== " + Instant.now() + " ringtx cluster: starting " + node.id() + ": "
            + String.join(" ", shortened(command)) + System.lineSeparator(),
        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    List<String> detached = new ArrayList<>();
    // setsid gives the node a session of its own: a Ctrl-C or a closed terminal that ends the
    // starting command does not reach the nodes. It runs the command in place (the calling
    // process is not a group leader), so the pid is the node's.
    SETSID.stream().filter(Files::isExecutable).findFirst()
        .ifPresent(p -> detached.add(p.toString()));
    detached.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(detached)
        .directory(dir.nodeDir(node.id()).toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectErrorStream(true);
    scrub(pb.environment());
    return pb.start();
  }

  /** Removes the {@code RINGTX_*} variables from a node's environment (see {@link #launch}). */
  static void scrub(Map<String, String> environment) {
    environment.keySet().removeIf(k -> k.startsWith("RINGTX_"));
  }

  /** The command for the log, with a long class path (tests, IDEs) cut to its size. */
  private List<String> shortened(List<String> command) {
    String[] entries = classPath.split(File.pathSeparator);
    if (entries.length <= 3) {
      return command;
    }
    List<String> shown = new ArrayList<>(command);
    shown.set(shown.indexOf(classPath), "<" + entries.length + " class path entries>");
    return shown;
  }

  private static Path thisJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static String thisClassPath() {
    CodeSource source = NodeLauncher.class.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      try {
        Path location = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
          return location.toString();
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        // Not a file location: use the class path below.
      }
    }
    return System.getProperty("java.class.path");
  }
}
