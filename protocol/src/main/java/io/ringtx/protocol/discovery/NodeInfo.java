package io.ringtx.protocol.discovery;

import java.util.Objects;

/** A node as registered for discovery: its id, role, HTTP address and Hazelcast member. */
public record NodeInfo(String nodeId, String role, String host, int httpPort, String memberUuid) {
  public NodeInfo {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(memberUuid, "memberUuid");
  }
}
