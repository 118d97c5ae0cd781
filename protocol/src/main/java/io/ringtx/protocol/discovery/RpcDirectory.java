package io.ringtx.protocol.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.rpc.TcpTransport;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every node's RPC server listens ({@link TcpTransport}), kept in the discovery cluster
 * (Hazelcast map {@code ringtx.rpc}: node id to {@link Endpoint} as JSON). A node publishes its
 * address as soon as its server listens — before it registers in {@link NodeRegistry}, which it
 * does only once it is fully serving, because other nodes must reach it during its start (a
 * coordinator's recovery asks the participants, a participant in doubt asks its coordinator).
 *
 * <p>Lookups never block: every process keeps a copy of the map, filled at start and kept current
 * by entry events; an address not in the copy yet is fetched asynchronously and the request is
 * retried meanwhile. When a node's Hazelcast member leaves or its entry is removed, its address
 * is dropped and {@link #onGone} listeners are told (the transport closes its connection); a
 * node that restarts publishes its new address over the old one.
 */
public final class RpcDirectory implements TcpTransport.Endpoints, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RpcDirectory.class);
  private static final String MAP = "ringtx.rpc";
  private static final long LOOKUP_EVERY_MILLIS = 100;

  /** One published RPC server: its address and the Hazelcast member of its process. */
  public record Endpoint(String host, int port, String memberUuid) {
    public Endpoint {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(memberUuid, "memberUuid");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1-65535, got " + port);
      }
    }
  }

  private final HazelcastInstance hz;
  private final IMap<String, String> map;
  private final Map<NodeId, Cached> cache = new ConcurrentHashMap<>();
  private final Map<NodeId, Long> lastLookup = new ConcurrentHashMap<>();
  private final java.util.List<Consumer<NodeId>> goneListeners = new CopyOnWriteArrayList<>();
  private final MapFollower follower;
  private final UUID membershipRegistration;
  private volatile NodeId self;

  private record Cached(Endpoint endpoint, SocketAddress address) {}

  /** Reads the directory and follows its changes (blocks on Hazelcast: not on an event loop). */
  public RpcDirectory(HazelcastInstance hz) {
    this.hz = hz;
    this.map = hz.getMap(MAP);
    this.membershipRegistration = hz.getCluster().addMembershipListener(
        new MembershipListener() {
          @Override
          public void memberAdded(MembershipEvent e) {}

          @Override
          public void memberRemoved(MembershipEvent e) {
            String uuid = e.getMember().getUuid().toString();
            cache.forEach((node, c) -> {
              if (c.endpoint.memberUuid().equals(uuid) && cache.remove(node, c)) {
                gone(node);
              }
            });
          }
        });
    this.follower = new MapFollower(map, new MapFollower.Changes() {
      @Override
      public void put(String key, String value) {
        RpcDirectory.this.put(key, value);
      }

      @Override
      public void removed(String key) {
        try {
          NodeId node = NodeId.of(key);
          if (cache.remove(node) != null) {
            gone(node);
          }
        } catch (IllegalArgumentException ex) {
          LOG.debug("RPC directory: removed entry with a bad key '{}'", key);
        }
      }
    });
  }

  /** Publishes this node's RPC server. */
  public void publish(NodeId node, String host, int port) {
    String member = hz.getCluster().getLocalMember().getUuid().toString();
    Endpoint e = new Endpoint(host, port, member);
    map.put(node.value(), encode(e));
    put(node.value(), encode(e));
    self = node;
  }

  /** Called with a node whose address was dropped (its process left); on a Hazelcast thread. */
  public void onGone(Consumer<NodeId> listener) {
    goneListeners.add(listener);
  }

  /** The published endpoint of {@code node}, as this process knows it, or null. */
  public Endpoint endpoint(NodeId node) {
    Cached c = cache.get(node);
    return c == null ? null : c.endpoint;
  }

  @Override
  public SocketAddress address(NodeId node) {
    Cached c = cache.get(node);
    if (c != null) {
      return c.address;
    }
    lookUp(node);
    return null;
  }

  /** Fetches a missing entry in the background, at most every {@link #LOOKUP_EVERY_MILLIS}. */
  private void lookUp(NodeId node) {
    long now = System.currentTimeMillis();
    Long last = lastLookup.get(node);
    if (last != null && now - last < LOOKUP_EVERY_MILLIS) {
      return;
    }
    lastLookup.put(node, now);
    map.getAsync(node.value()).thenAccept(json -> {
      if (json != null) {
        put(node.value(), json);
      }
    });
  }

  private void put(String key, String json) {
    NodeId node;
    Endpoint e;
    try {
      node = NodeId.of(key);
      e = Json.MAPPER.readValue(json, Endpoint.class);
    } catch (JsonProcessingException | IllegalArgumentException ex) {
      LOG.warn("RTX-3002 ignoring an unreadable RPC directory entry '{}': {}", key,
          ex.getMessage());
      return;
    }
    cache.put(node, new Cached(e, SocketAddress.inetSocketAddress(e.port(), e.host())));
  }

  private void gone(NodeId node) {
    goneListeners.forEach(l -> l.accept(node));
  }

  private static String encode(Endpoint e) {
    try {
      return Json.MAPPER.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Override
  public void close() {
    try {
      follower.close();
      hz.getCluster().removeMembershipListener(membershipRegistration);
      if (self != null) {
        map.remove(self.value());
      }
    } catch (RuntimeException e) {
      LOG.debug("RPC directory close: {}", e.toString()); // Hazelcast already shut down
    }
  }
}
