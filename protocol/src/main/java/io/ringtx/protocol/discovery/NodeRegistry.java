package io.ringtx.protocol.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringtx.protocol.codec.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of live nodes: every node puts its {@link NodeInfo} in one Hazelcast map, keyed by
 * node id; a node is live while its Hazelcast member is in the cluster. An entry left by a
 * killed member is ignored until the node registers again, so the registry survives members
 * leaving and rejoining.
 *
 * <p>Every process keeps a copy of the map, read at start and kept current by its entry events,
 * so that {@link #live()} reads nothing remote: reading the map itself can wait for seconds while
 * Hazelcast moves the partitions of a member that just died — exactly when operators and the
 * routing ask who is live. Listeners hear of membership changes and of entries added, changed or
 * removed. The constructor, {@link #register} and {@link #close} block on Hazelcast: never call
 * them on an event loop.
 */
public final class NodeRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
  private static final String MAP = "ringtx.nodes";

  private final HazelcastInstance hz;
  private final IMap<String, String> nodes;
  /** This process's copy of {@link #nodes}, decoded. */
  private final Map<String, NodeInfo> known = new ConcurrentHashMap<>();
  private final List<Consumer<List<NodeInfo>>> listeners = new CopyOnWriteArrayList<>();
  private final UUID membershipRegistration;
  private final MapFollower follower;
  private volatile String self;

  public NodeRegistry(HazelcastInstance hz) {
    this.hz = hz;
    this.nodes = hz.getMap(MAP);
    // Entries added, changed or removed reach the listeners as membership changes do.
    this.follower = new MapFollower(nodes, new MapFollower.Changes() {
      @Override
      public void put(String key, String value) {
        NodeInfo n = decode(value);
        if (n != null && n.nodeId().equals(key)) {
          known.put(key, n);
          fire();
        }
      }

      @Override
      public void removed(String key) {
        if (known.remove(key) != null) {
          fire();
        }
      }
    });
    this.membershipRegistration =
        hz.getCluster().addMembershipListener(new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent e) {
            LOG.info("member joined: {}", e.getMember().getAddress());
            fire();
          }

          @Override
          public void memberRemoved(MembershipEvent e) {
            LOG.info("member left: {} ({})", e.getMember().getAddress(), nodeOf(e.getMember()));
            fire();
          }
        });
  }

  /** The UUID of this process's Hazelcast member. */
  public String localMember() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  /** Registers this node (replacing a stale entry with the same id). */
  public void register(NodeInfo info) {
    nodes.put(info.nodeId(), encode(info));
    known.put(info.nodeId(), info);
    self = info.nodeId();
    fire();
  }

  /** The nodes whose member is in the cluster now, sorted by id. */
  public List<NodeInfo> live() {
    Set<String> members =
        hz.getCluster().getMembers().stream()
            .map(m -> m.getUuid().toString())
            .collect(Collectors.toSet());
    List<NodeInfo> out = new ArrayList<>();
    for (NodeInfo n : known.values()) {
      if (members.contains(n.memberUuid())) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparing(NodeInfo::nodeId));
    return out;
  }

  /** Called with the live nodes after every membership change (on a Hazelcast thread). */
  public void onChange(Consumer<List<NodeInfo>> listener) {
    listeners.add(listener);
  }

  private void fire() {
    if (listeners.isEmpty()) {
      return;
    }
    List<NodeInfo> now = live();
    listeners.forEach(l -> l.accept(now));
  }

  private String nodeOf(Member m) {
    String uuid = m.getUuid().toString();
    for (NodeInfo n : known.values()) {
      if (n.memberUuid().equals(uuid)) {
        return n.nodeId();
      }
    }
    return "unregistered";
  }

  @Override
  public void close() {
    try {
      hz.getCluster().removeMembershipListener(membershipRegistration);
      follower.close();
      if (self != null) {
        nodes.remove(self);
      }
    } catch (RuntimeException e) {
      LOG.debug("registry close: {}", e.toString()); // Hazelcast already shut down
    }
  }

  private static String encode(NodeInfo n) {
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static NodeInfo decode(String json) {
    try {
      return Json.MAPPER.readValue(json, NodeInfo.class);
    } catch (JsonProcessingException e) {
      LOG.warn("RTX-3002 ignoring an unreadable registry entry: {}", e.getOriginalMessage());
      return null;
    }
  }
}
