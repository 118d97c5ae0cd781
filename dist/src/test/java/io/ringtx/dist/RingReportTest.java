package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ringtx ring}'s check: owned ranges against the virtual nodes' Chord ranges. */
class RingReportTest {
  /** A participant on the m = 6 ring with virtual nodes {@code ids}, owning {@code owned}. */
  static Map<String, Object> participant(String node, String status, long[] ids, long[][] owned,
      List<String> handoffs) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("node", node);
    p.put("status", status);
    List<Map<String, Object>> o = new ArrayList<>();
    for (long[] r : owned) {
      o.add(Map.of("start", Long.toString(r[0]), "end", Long.toString(r[1])));
    }
    p.put("owned", o);
    p.put("handoffs", handoffs);
    List<Map<String, Object>> v = new ArrayList<>();
    for (long id : ids) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", Long.toString(id));
      m.put("state", "JOINED");
      m.put("predecessor", null);
      m.put("successors", List.of());
      m.put("fingers", List.of());
      v.add(m);
    }
    p.put("virtualNodes", v);
    return p;
  }

  static Map<String, Object> cluster(List<Map<String, Object>> participants) {
    Map<String, Object> ring = new LinkedHashMap<>();
    ring.put("bits", 6);
    ring.put("virtualNodesPerParticipant", 2);
    ring.put("successorListLength", 2);
    ring.put("participants", participants);
    return Map.of("ring", ring);
  }

  @Test
  void ownedRangesThatAreTheVirtualNodesRanges_agree_evenMerged() {
    // a at 10 and 20, b at 40: a owns (40, 10] and (10, 20] — merged (40, 20] — b owns (20, 40].
    RingReport r = new RingReport(cluster(List.of(
        participant("a", "MEMBER", new long[] {10, 20}, new long[][] {{40, 20}}, List.of()),
        participant("b", "MEMBER", new long[] {40}, new long[][] {{20, 40}}, List.of()))));
    assertThat(r.disagreements()).isEmpty();
    assertThat(r.lines()).last().asString().startsWith("placement agrees with the ring");
  }

  @Test
  void aRangeStillAtItsOldOwner_orAHandoffRunning_disagrees() {
    RingReport r = new RingReport(cluster(List.of(
        participant("a", "MEMBER", new long[] {10, 20}, new long[][] {{40, 10}}, List.of()),
        participant("b", "JOINING", new long[] {40}, new long[][] {{10, 40}}, List.of("t1")))));
    assertThat(r.disagreements()).hasSize(3)
        .anyMatch(s -> s.startsWith("a owns 1 ranges"))
        .anyMatch(s -> s.startsWith("b has 1 hand-offs running"));
  }

  @Test
  void anAnswerWithoutARing_isRefusedClearly() {
    assertThatThrownBy(() -> new RingReport(Map.of("nodes", List.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no ring");
  }
}
