package io.ringtx.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ring as a coordinator's {@code GET /v1/routing} gives it: which participant owns a key
 * (the successor of the key's hash, as the coordinator routes it) and where that participant
 * serves reads. Used only to send reads straight to the owner; the owner checks ownership itself
 * and refuses a key it does not own, so a stale copy costs a detour, never a wrong answer.
 */
final class OwnerRouting {
  private final RingSnapshot ring;
  private final Map<NodeId, HttpRingTxClient.Endpoint> urls;

  private OwnerRouting(RingSnapshot ring, Map<NodeId, HttpRingTxClient.Endpoint> urls) {
    this.ring = ring;
    this.urls = urls;
  }

  /**
   * Reads {@code {"bits","virtualNodes":[{"node","id"}],"participants":{"<node>":"<url>"}}}.
   *
   * @throws IllegalArgumentException if the body does not have that shape
   */
  static OwnerRouting parse(JsonNode body) {
    if (body == null || !body.path("bits").canConvertToInt()
        || !body.path("virtualNodes").isArray() || !body.path("participants").isObject()) {
      throw new IllegalArgumentException(
          "routing must be {\"bits\",\"virtualNodes\":[…],\"participants\":{…}}");
    }
    IdSpace space = new IdSpace(body.get("bits").asInt());
    List<VirtualNode> vnodes = new ArrayList<>();
    for (JsonNode v : body.get("virtualNodes")) {
      String node = v.path("node").asText("");
      String id = v.path("id").asText("");
      try {
        vnodes.add(new VirtualNode(NodeId.of(node),
            new RingId(space.bits(), Long.parseUnsignedLong(id))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "bad virtual node {\"node\":\"" + node + "\",\"id\":\"" + id + "\"}: " + e.getMessage(),
            e);
      }
    }
    Map<NodeId, HttpRingTxClient.Endpoint> urls = new HashMap<>();
    for (Map.Entry<String, JsonNode> p : body.get("participants").properties()) {
      urls.put(NodeId.of(p.getKey()), RingTx.endpoint(p.getValue().asText("")));
    }
    return new OwnerRouting(RingSnapshot.of(space, vnodes), Map.copyOf(urls));
  }

  /**
   * Where the one participant that owns every key of {@code reads} and {@code writes} serves; null
   * if they have several owners, or an owner whose address is not known.
   */
  HttpRingTxClient.Endpoint soleOwner(List<ReadItem> reads, List<WriteOp> writes) {
    List<String> keys = new ArrayList<>(reads.size() + writes.size());
    reads.forEach(r -> keys.add(r.key()));
    writes.forEach(w -> keys.add(w.key()));
    NodeId owner = null;
    for (String key : keys) {
      NodeId o = ring.ownerOf(key);
      if (owner != null && !owner.equals(o)) {
        return null;
      }
      owner = o;
    }
    return owner == null ? null : urls.get(owner);
  }

  /** How many participants own {@code keys}. */
  int ownerCount(Collection<String> keys) {
    Set<NodeId> owners = new HashSet<>();
    for (String key : keys) {
      owners.add(ring.ownerOf(key));
    }
    return owners.size();
  }

  /**
   * {@code keys} grouped by where their owners serve reads, each group in the order the keys
   * come; null if some owner's address is not known.
   */
  Map<HttpRingTxClient.Endpoint, List<String>> group(List<String> keys) {
    Map<HttpRingTxClient.Endpoint, List<String>> out = new LinkedHashMap<>();
    for (String key : keys) {
      HttpRingTxClient.Endpoint at = urls.get(ring.ownerOf(key));
      if (at == null) {
        return null;
      }
      out.computeIfAbsent(at, e -> new ArrayList<>(keys.size())).add(key);
    }
    return out;
  }
}
