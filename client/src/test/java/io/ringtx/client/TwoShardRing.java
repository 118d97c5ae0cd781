package io.ringtx.client;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ring of the tests of direct reads and commits: participants p1 and p2, one id each. */
final class TwoShardRing {
  static final NodeId P1 = NodeId.of("p1");
  static final NodeId P2 = NodeId.of("p2");
  /** p1 owns ids in (p2's id, 2^62], p2 the rest. */
  static final RingSnapshot RING = RingSnapshot.of(IdSpace.SHA256_64, List.of(
      new VirtualNode(P1, new RingId(64, 1L << 62)), new VirtualNode(P2, new RingId(64, -1L))));

  private TwoShardRing() {}

  /** What a coordinator's {@code GET /v1/routing} answers for this ring, p1 and p2 at these URLs. */
  static Map<String, Object> routing(String p1Url, String p2Url) {
    List<Map<String, String>> vnodes = new ArrayList<>();
    for (VirtualNode v : RING.virtualNodes()) {
      vnodes.add(Map.of("node", v.node().value(), "id", v.id().toString()));
    }
    return Map.of("bits", 64, "virtualNodes", vnodes, "participants",
        Map.of("p1", p1Url, "p2", p2Url));
  }
}
