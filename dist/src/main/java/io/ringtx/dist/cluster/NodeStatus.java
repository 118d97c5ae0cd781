package io.ringtx.dist.cluster;

import io.ringtx.dist.cluster.HealthProbe.Health;
import io.ringtx.dist.node.NodeRuntime;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One node as {@code ringtx cluster status} shows it. The node is up when its process is alive
 * and {@code GET /health} answers 200; {@code detail} says why it is not.
 *
 * @param pid the recorded pid, or null
 * @param busPort the bus port the node reports in its {@code node.json}, or null if unknown
 * @param rpcPort the port of the node's TCP RPC server from its {@code node.json}, or null if
 *     unknown or the node uses the event bus
 * @param url the node's HTTP base URL (the client API on a coordinator)
 */
public record NodeStatus(
    String id,
    String role,
    Long pid,
    int hazelcastPort,
    int httpPort,
    Integer busPort,
    Integer rpcPort,
    String url,
    boolean up,
    String detail) {

  /**
   * Computes a node's status from what was observed, with no I/O of its own.
   *
   * @param pid the pid in the node's pid file, if any
   * @param alive whether that pid is alive and runs this node
   * @param runtime the node's {@code node.json}, if any (a killed node leaves a stale one)
   * @param health the answer to {@code /health}; empty if not asked (the process is not alive)
   */
  public static NodeStatus of(
      ClusterLayout layout,
      ClusterLayout.Node node,
      OptionalLong pid,
      boolean alive,
      Optional<NodeRuntime> runtime,
      Optional<Health> health) {
    // node.json counts only if it names the live process, not a previous run's.
    Optional<NodeRuntime> current =
        runtime.filter(r -> alive && pid.isPresent() && r.pid() == pid.getAsLong());
    String detail;
    boolean up = false;
    if (pid.isEmpty()) {
      detail = "stopped";
    } else if (!alive) {
      detail = "not running (pid " + pid.getAsLong() + " is gone)";
    } else if (health.isPresent() && health.get().ok()) {
      up = true;
      detail = "up";
    } else if (current.isEmpty()) {
      detail = "starting (no node.json yet)";
    } else {
      detail = health.map(Health::describe).orElse("health not checked");
    }
    return new NodeStatus(
        node.id(),
        node.role().wireName(),
        pid.isPresent() ? pid.getAsLong() : null,
        node.hazelcastPort(),
        node.httpPort(),
        current.map(NodeRuntime::busPort).filter(p -> p != 0)
            .orElse(node.busPort() == 0 ? null : node.busPort()),
        current.map(NodeRuntime::rpcPort).filter(p -> p != 0).orElse(null),
        layout.url(node),
        up,
        detail);
  }
}
