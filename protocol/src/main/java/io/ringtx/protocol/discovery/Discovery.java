package io.ringtx.protocol.discovery;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.List;

/**
 * The Hazelcast configuration of a RingTx node: TCP-IP join with explicit members, bound to one
 * interface (127.0.0.1 by default), multicast and auto-detection off, and the join waits that
 * Hazelcast adds by default removed (PLATFORM.md: a second member then joins in ~2 s instead of
 * ~6.5 s). The cluster name is the isolation boundary: nodes of another cluster are refused.
 * Hazelcast is used for discovery only, never as the source of truth for transaction state.
 */
public final class Discovery {
  private Discovery() {}

  /**
   * @param seeds {@code host:port} of members to join through (this node's own address may be
   *     among them); empty for the first member
   * @param failureDetectionSeconds a member silent for this long is declared gone
   */
  public static Config hazelcastConfig(
      String clusterName, String host, int port, List<String> seeds, int failureDetectionSeconds) {
    // Vert.x's defaults hold the maps its clustered event bus needs; only the network is ours.
    Config c = ConfigUtil.loadConfig();
    c.setClusterName(clusterName);
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(failureDetectionSeconds));
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Hazelcast's own metrics are collected every few seconds on every member and nothing reads
    // them (RingTx serves its own at /metrics): profiles showed the collection in every node.
    c.getMetricsConfig().setEnabled(false);
    NetworkConfig net = c.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.copyOf(seeds));
    if (seeds.isEmpty()) {
      join.getTcpIpConfig().addMember(host + ":" + port);
    }
    return c;
  }
}
