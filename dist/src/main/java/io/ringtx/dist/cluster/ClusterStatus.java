package io.ringtx.dist.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Every node of a process cluster, as {@code ringtx cluster status} prints it. */
public record ClusterStatus(String dir, String clusterName, List<NodeStatus> nodes) {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  public ClusterStatus {
    nodes = List.copyOf(nodes);
  }

  public boolean allUp() {
    return nodes.stream().allMatch(NodeStatus::up);
  }

  public long upCount() {
    return nodes.stream().filter(NodeStatus::up).count();
  }

  /** The client API's URLs, one per coordinator, up or not. */
  public List<String> coordinatorUrls() {
    return nodes.stream().filter(n -> n.role().equals("coordinator")).map(NodeStatus::url).toList();
  }

  /** One line per node, then the coordinators' URLs and a count. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("cluster " + clusterName + " in " + dir);
    for (NodeStatus n : nodes) {
      lines.add(String.format(Locale.ROOT, "  %-4s %-11s pid %-8s hazelcast %-5d http %-5d rpc %-5s %s",
          n.id(), n.role(), n.pid() == null ? "-" : n.pid(), n.hazelcastPort(), n.httpPort(),
          rpc(n), n.up() ? "up" : "DOWN: " + n.detail()));
    }
    lines.add("coordinators: " + String.join(" ", coordinatorUrls()));
    lines.add(upCount() + " of " + nodes.size() + " nodes up");
    return lines;
  }

  /**
   * The port other nodes send requests to: the TCP RPC server's, or the event bus's when the node
   * uses the event bus; "-" when not known (the node is down or starting).
   */
  private static String rpc(NodeStatus n) {
    if (n.rpcPort() != null) {
      return n.rpcPort().toString();
    }
    return n.busPort() == null ? "-" : "bus:" + n.busPort();
  }

  /**
   * For scripts: {@code {"dir","clusterName","allUp","coordinators":[url…],"nodes":[{"id","role",
   * "pid","hazelcastPort","httpPort","busPort","rpcPort","url","up","detail"}…]}}; unknown values are null.
   */
  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("dir", dir);
    root.put("clusterName", clusterName);
    root.put("allUp", allUp());
    ArrayNode urls = root.putArray("coordinators");
    coordinatorUrls().forEach(urls::add);
    root.set("nodes", JSON.valueToTree(nodes));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the status as JSON", e);
    }
  }
}
