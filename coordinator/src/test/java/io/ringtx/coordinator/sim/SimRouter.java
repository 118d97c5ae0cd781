package io.ringtx.coordinator.sim;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.route.Router;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A fixed key → shard map: the simulated bank knows every key it will ever use. */
final class SimRouter implements Router {
  private final Map<String, NodeId> owners = new TreeMap<>();
  private final List<NodeId> participants;

  SimRouter(List<NodeId> participants) {
    this.participants = List.copyOf(participants);
  }

  void assign(String key, NodeId owner) {
    owners.put(key, owner);
  }

  @Override
  public NodeId ownerOf(String key) {
    NodeId n = owners.get(key);
    if (n == null) {
      throw new IllegalArgumentException("no owner for key " + key);
    }
    return n;
  }

  @Override
  public List<NodeId> participants() {
    return participants;
  }
}
