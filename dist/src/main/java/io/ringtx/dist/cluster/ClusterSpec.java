package io.ringtx.dist.cluster;

import io.ringtx.dist.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a new process cluster should look like: how many participants ({@code p1..pN}) and
 * coordinators ({@code c1..cM}), its name (null: a fresh unique one), settings given to every
 * node's configuration file, and options for every node's JVM. Ports are not chosen here: see
 * {@link ClusterLayout#plan}.
 */
public record ClusterSpec(
    int participants,
    int coordinators,
    String clusterName,
    Map<String, String> settings,
    List<String> jvmOptions) {

  /** Upper bounds: every node is a JVM of its own on this machine. */
  public static final int MAX_PARTICIPANTS = 64;

  public static final int MAX_COORDINATORS = 16;

  /**
   * The settings the cluster decides for every node; {@link #settings} may not override them,
   * or the layout would no longer describe the nodes.
   */
  public static final Set<String> LAYOUT_KEYS =
      Set.of("nodeId", "role", "dataDir", "clusterName", "participants", "seeds", "host",
          "hazelcastPort", "busPort", "httpPort");

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Checks every value; a bad one is a {@link ClusterException#usage} naming it. */
  public ClusterSpec {
    if (participants < 1 || participants > MAX_PARTICIPANTS) {
      throw ClusterException.usage(
          "participants must be 1-" + MAX_PARTICIPANTS + ", was " + participants);
    }
    if (coordinators < 1 || coordinators > MAX_COORDINATORS) {
      throw ClusterException.usage(
          "coordinators must be 1-" + MAX_COORDINATORS + ", was " + coordinators);
    }
    if (clusterName != null && !NAME.matcher(clusterName).matches()) {
      throw ClusterException.usage(
          "cluster name must be 1-64 characters of [A-Za-z0-9._-], was '" + clusterName + "'");
    }
    settings = Map.copyOf(absoluteFiles(Objects.requireNonNull(settings, "settings")));
    jvmOptions = List.copyOf(Objects.requireNonNull(jvmOptions, "jvmOptions"));
    checkSettings(settings);
  }

  /**
   * Checks that every key of {@code settings} is a node setting that the cluster does not decide
   * itself; a bad one is a {@link ClusterException#usage} naming it.
   */
  public static void checkSettings(Map<String, String> settings) {
    List<String> problems = new ArrayList<>();
    Set<String> known = ConfigLoader.keys();
    for (String key : settings.keySet()) {
      if (LAYOUT_KEYS.contains(key)) {
        problems.add(key + " is decided by the cluster tooling and cannot be set");
      } else if (!known.contains(key)) {
        problems.add(key + " is not a node setting (known: "
            + String.join(", ", known.stream().filter(k -> !LAYOUT_KEYS.contains(k)).toList())
            + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw ClusterException.usage("bad setting: " + String.join("; ", problems));
    }
  }

  /**
   * The settings that name files (TLS, token, secret), made absolute against this process's
   * working directory: the nodes run elsewhere, and the layout is read again from other places.
   */
  public static final Set<String> FILE_KEYS =
      Set.of("tlsCertFile", "tlsKeyFile", "tlsCaFile", "apiTokenFile", "clusterSecretFile");

  private static Map<String, String> absoluteFiles(Map<String, String> settings) {
    Map<String, String> out = new LinkedHashMap<>(settings);
    for (String key : FILE_KEYS) {
      String v = out.get(key);
      if (v != null && !v.isBlank()) {
        out.put(key, Path.of(v).toAbsolutePath().normalize().toString());
      }
    }
    return out;
  }

  /** {@code participants} participants and {@code coordinators} coordinators, defaults otherwise. */
  public static ClusterSpec of(int participants, int coordinators) {
    return new ClusterSpec(participants, coordinators, null, Map.of(), List.of());
  }

  public ClusterSpec withClusterName(String name) {
    return new ClusterSpec(participants, coordinators, name, settings, jvmOptions);
  }

  public ClusterSpec withSettings(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(settings);
    all.putAll(more);
    return new ClusterSpec(participants, coordinators, clusterName, all, jvmOptions);
  }

  public ClusterSpec withJvmOptions(List<String> options) {
    return new ClusterSpec(participants, coordinators, clusterName, settings, options);
  }
}
