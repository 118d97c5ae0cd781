package io.ringtx.protocol.discovery;

import java.util.List;
import java.util.Objects;

/**
 * A node as registered for discovery: its id, role, HTTP address, Hazelcast member and, for a
 * participant, the ring ids of its virtual nodes (unsigned decimal; empty for a coordinator). A
 * joining participant picks any of them to join the Chord ring through (DESIGN §4).
 */
public record NodeInfo(
    String nodeId, String role, String host, int httpPort, String memberUuid,
    List<String> ringIds) {
  public NodeInfo {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(memberUuid, "memberUuid");
    ringIds = ringIds == null ? List.of() : List.copyOf(ringIds);
  }

  /** A node without virtual nodes (a coordinator). */
  public NodeInfo(String nodeId, String role, String host, int httpPort, String memberUuid) {
    this(nodeId, role, host, httpPort, memberUuid, List.of());
  }
}
