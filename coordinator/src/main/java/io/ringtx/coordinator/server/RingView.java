package io.ringtx.coordinator.server;

import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.ring.RingConfig;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ring} part of {@code GET /v1/cluster}: the routing this coordinator uses, and each
 * participant's own view — status, owned ranges, hand-offs in progress, and per virtual node its
 * predecessor, successor list and distinct fingers. Ids are unsigned decimal strings, ranges
 * {@code {"start","end"}} for (start, end], virtual nodes {@code "p1@<id>"}.
 */
public final class RingView {
  private RingView() {}

  /** Blocks (up to a few seconds) while the participants answer; call on a worker thread. */
  public static Map<String, Object> of(RingRouting routing, RingConfig config) {
    List<RingInfo> infos;
    try {
      infos = routing.describe().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      infos = List.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bits", config.space().bits());
    out.put("virtualNodesPerParticipant", config.virtualNodes());
    out.put("successorListLength", config.successors());
    List<Map<String, Object>> routingRanges = new ArrayList<>();
    List<VirtualNode> ends = routing.snapshot().virtualNodes();
    for (int i = 0; i < ends.size(); i++) {
      VirtualNode v = ends.get(i);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("node", v.node().value());
      r.put("start", ends.get(i == 0 ? ends.size() - 1 : i - 1).id().toString());
      r.put("end", v.id().toString());
      routingRanges.add(r);
    }
    out.put("routing", routingRanges);
    List<Map<String, Object>> participants = new ArrayList<>();
    infos.stream().sorted(Comparator.comparing(RingInfo::node)).forEach(i -> {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("node", i.node());
      p.put("status", i.status());
      p.put("owned", i.owned().stream().map(RingView::range).toList());
      p.put("handoffs", i.handoffs());
      List<Map<String, Object>> vnodes = new ArrayList<>();
      for (RingInfo.VirtualNodeInfo v : i.virtualNodes()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.self().id().toString());
        m.put("state", v.state());
        m.put("predecessor", v.predecessor() == null ? null : v.predecessor().toString());
        m.put("successors", v.successors().stream().map(VirtualNode::toString).toList());
        m.put("fingers", v.fingers().stream().map(VirtualNode::toString).toList());
        vnodes.add(m);
      }
      p.put("virtualNodes", vnodes);
      participants.add(p);
    });
    out.put("participants", participants);
    return out;
  }

  private static Map<String, String> range(RingRange r) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("start", r.start().toString());
    m.put("end", r.end().toString());
    return m;
  }
}
