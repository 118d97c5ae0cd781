package io.ringtx.dist.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.dist.config.ConfigException;
import io.ringtx.dist.config.ConfigLoader;
import io.ringtx.dist.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration file of every node of a process cluster ({@code DIR/<id>/config.json}), in
 * the keys of {@link NodeConfig}: its id and role, its data directory under DIR, the cluster's
 * name, every participant's id, the Hazelcast address of every other node as seeds, its ports,
 * the cluster's extra settings, and the node's own settings if it has any ({@link
 * ProcessCluster#configure}). Keys set by neither are left out, so the node's defaults apply.
 */
public final class NodeConfigFiles {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private NodeConfigFiles() {}

  /** The settings of {@code node}, in the order they are written. */
  public static Map<String, Object> settings(
      ClusterLayout layout, ClusterDir dir, ClusterLayout.Node node) {
    return settings(layout, dir, node, Map.of());
  }

  /** The settings of {@code node} with {@code own} over the cluster's, in the order written. */
  public static Map<String, Object> settings(
      ClusterLayout layout, ClusterDir dir, ClusterLayout.Node node, Map<String, String> own) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("nodeId", node.id());
    s.put("role", node.role().wireName());
    s.put("clusterName", layout.clusterName());
    s.put("dataDir", dir.dataDir(node.id()).toString());
    s.put("host", layout.host());
    s.put("hazelcastPort", node.hazelcastPort());
    s.put("httpPort", node.httpPort());
    s.put("busPort", node.busPort());
    // The initial members of the ring; a node added later joins it (ringJoin) and lists itself.
    List<String> members = new ArrayList<>(
        layout.initialParticipants().stream().map(ClusterLayout.Node::id).toList());
    if (node.added() && !members.contains(node.id())) {
      members.add(node.id());
    }
    s.put("participants", members);
    if (node.added()) {
      s.put("ringJoin", true);
    }
    // Hazelcast TCP-IP join: the other members' addresses (a member's own address adds nothing).
    s.put("seeds", layout.nodes().stream()
        .filter(n -> !n.id().equals(node.id()))
        .map(layout::hazelcastAddress)
        .toList());
    s.putAll(layout.settings());
    s.putAll(own);
    return s;
  }

  /** Writes {@code DIR/<id>/config.json} for {@code node}, creating its directories. */
  public static Path write(ClusterLayout layout, ClusterDir dir, ClusterLayout.Node node)
      throws IOException {
    return write(layout, dir, node, Map.of());
  }

  /** Writes {@code DIR/<id>/config.json} for {@code node} with its own settings {@code own}. */
  public static Path write(
      ClusterLayout layout, ClusterDir dir, ClusterLayout.Node node, Map<String, String> own)
      throws IOException {
    Files.createDirectories(dir.dataDir(node.id()));
    Path file = dir.configFile(node.id());
    Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
        settings(layout, dir, node, own)));
    return file;
  }

  /**
   * Loads a node's configuration file as the node will ({@link ConfigLoader}, without the
   * environment), so that a bad setting is found before any process starts.
   *
   * @throws ClusterException (usage) naming every problem
   */
  public static NodeConfig load(Path file) {
    try {
      return ConfigLoader.load(file, Map.of(), List.of());
    } catch (ConfigException e) {
      throw ClusterException.usage(file + ": " + e.getMessage());
    }
  }
}
