package io.ringtx.dist;

import io.ringtx.participant.ring.OwnedRanges;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingId;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ringtx ring}'s reading of the {@code ring} part of {@code GET /v1/cluster}: a table of
 * participants and of virtual nodes, and whether the ranges the participants own agree with the
 * Chord ring — each participant owning exactly (predecessor, id] of each of its virtual nodes.
 * Pure: it only reads the decoded JSON.
 */
final class RingReport {
  private final Map<String, Object> ring;
  private final IdSpace space;

  @SuppressWarnings("unchecked")
  RingReport(Map<String, Object> cluster) {
    Object r = cluster.get("ring");
    if (!(r instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("the answer has no ring (is this a RingTx coordinator "
          + "with a process cluster behind it?)");
    }
    this.ring = (Map<String, Object>) r;
    this.space = new IdSpace(((Number) ring.get("bits")).intValue());
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> participants() {
    return (List<Map<String, Object>>) ring.get("participants");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    return (List<Map<String, Object>>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Map<String, Object> m, String key) {
    return (List<String>) m.get(key);
  }

  private RingId id(Object s) {
    return space.id(Long.parseUnsignedLong(String.valueOf(s)));
  }

  /** The ring as Chord has it: every virtual node that is in the ring, of every participant. */
  RingSnapshot chord() {
    List<VirtualNode> all = new ArrayList<>();
    for (Map<String, Object> p : participants()) {
      if ("LEFT".equals(p.get("status"))) {
        continue;
      }
      for (Map<String, Object> v : list(p, "virtualNodes")) {
        if ("JOINED".equals(v.get("state"))) {
          all.add(new VirtualNode(NodeId.of((String) p.get("node")), id(v.get("id"))));
        }
      }
    }
    return RingSnapshot.of(space, all);
  }

  /** Each participant's owned ranges, as it reports them. */
  Map<String, OwnedRanges> owned() {
    Map<String, OwnedRanges> out = new LinkedHashMap<>();
    for (Map<String, Object> p : participants()) {
      List<RingRange> ranges = new ArrayList<>();
      for (Map<String, Object> r : list(p, "owned")) {
        ranges.add(new RingRange(id(r.get("start")), id(r.get("end"))));
      }
      out.put((String) p.get("node"), OwnedRanges.of(space, ranges));
    }
    return out;
  }

  /**
   * What disagrees between the owned ranges and the Chord ring; empty if every participant owns
   * exactly the ranges of its virtual nodes and no hand-off is running.
   */
  List<String> disagreements() {
    List<String> out = new ArrayList<>();
    RingSnapshot chord;
    try {
      chord = chord();
    } catch (IllegalArgumentException e) {
      return List.of("no virtual node is in the ring: " + e.getMessage());
    }
    Map<String, OwnedRanges> owned = owned();
    for (Map<String, Object> p : participants()) {
      String node = (String) p.get("node");
      OwnedRanges expected = OwnedRanges.of(space, chord.rangesOf(NodeId.of(node)));
      if (!expected.equals(owned.get(node))) {
        out.add(node + " owns " + owned.get(node).ranges().size() + " ranges ("
            + pct(owned.get(node).share()) + " of the ring) but its virtual nodes' ranges are "
            + expected.ranges().size() + " (" + pct(expected.share()) + ")");
      }
      if (!strings(p, "handoffs").isEmpty()) {
        out.add(node + " has " + strings(p, "handoffs").size() + " hand-offs running");
      }
    }
    return out;
  }

  /** The tables {@code ringtx ring} prints. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    Map<String, OwnedRanges> owned = owned();
    lines.add(String.format(Locale.ROOT, "ring of 2^%s ids, %s virtual nodes per participant, "
        + "successor lists of %s", ring.get("bits"), ring.get("virtualNodesPerParticipant"),
        ring.get("successorListLength")));
    lines.add(String.format(Locale.ROOT, "%-12s %-8s %7s %7s %9s %9s", "participant", "status",
        "ranges", "share", "vnodes", "hand-offs"));
    for (Map<String, Object> p : participants()) {
      String node = (String) p.get("node");
      List<Map<String, Object>> v = list(p, "virtualNodes");
      long joined = v.stream().filter(x -> "JOINED".equals(x.get("state"))).count();
      lines.add(String.format(Locale.ROOT, "%-12s %-8s %7d %7s %9s %9d", node, p.get("status"),
          owned.get(node).ranges().size(), pct(owned.get(node).share()), joined + "/" + v.size(),
          strings(p, "handoffs").size()));
    }
    lines.add("");
    lines.add(String.format(Locale.ROOT, "%-26s %-7s %-22s %-60s %s", "virtual node", "state",
        "predecessor", "successors (first 3 of the list)", "fingers (distinct)"));
    for (Map<String, Object> p : participants()) {
      for (Map<String, Object> v : list(p, "virtualNodes")) {
        List<String> succ = strings(v, "successors");
        List<String> fingers = strings(v, "fingers");
        lines.add(String.format(Locale.ROOT, "%-26s %-7s %-22s %-60s %d: %s",
            p.get("node") + "@" + v.get("id"), v.get("state"),
            v.get("predecessor") == null ? "-" : v.get("predecessor"),
            String.join(" ", succ.subList(0, Math.min(3, succ.size()))),
            fingers.size(), String.join(" ", fingers)));
      }
    }
    lines.add("");
    List<String> bad = disagreements();
    if (bad.isEmpty()) {
      lines.add("placement agrees with the ring: every participant owns exactly "
          + "(predecessor, id] of each of its virtual nodes");
    } else {
      lines.add("placement does not agree with the ring (yet):");
      bad.forEach(b -> lines.add("  " + b));
    }
    return lines;
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }
}
