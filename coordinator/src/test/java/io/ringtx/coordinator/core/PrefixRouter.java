package io.ringtx.coordinator.core;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.route.Router;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A static router for tests: a key {@code "a:…"} belongs to the shard mapped to prefix {@code a},
 * so a test chooses exactly which shards a transaction touches.
 */
final class PrefixRouter implements Router {
  private final Map<String, NodeId> byPrefix = new TreeMap<>();

  PrefixRouter(Map<String, NodeId> byPrefix) {
    this.byPrefix.putAll(byPrefix);
  }

  @Override
  public NodeId ownerOf(String key) {
    int colon = key.indexOf(':');
    NodeId owner = colon < 0 ? null : byPrefix.get(key.substring(0, colon));
    if (owner == null) {
      throw new IllegalArgumentException("no shard for key " + key);
    }
    return owner;
  }

  @Override
  public List<NodeId> participants() {
    return byPrefix.values().stream().distinct().sorted().toList();
  }
}
