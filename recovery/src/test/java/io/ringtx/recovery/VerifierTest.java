package io.ringtx.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.message.Decision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster's invariants on hand-written audits. */
class VerifierTest {
  static NodeAudit participant(String node, Map<String, Decision> decisions,
      Map<String, List<String>> locks, Map<String, String> phases, List<String> keys) {
    Map<String, String> latest = new java.util.TreeMap<>();
    decisions.forEach((tx, d) -> latest.put(tx, d == Decision.COMMIT ? "COMMITTED" : "ABORTED"));
    phases.forEach((tx, p) -> latest.putIfAbsent(tx, "PREPARED"));
    return new NodeAudit(node, "participant", latest, decisions, locks, phases, keys);
  }

  static NodeAudit coordinator(Map<String, Decision> decisions) {
    Map<String, String> latest = new java.util.TreeMap<>();
    decisions.keySet().forEach(tx -> latest.put(tx, "END"));
    return new NodeAudit("c1", "coordinator", latest, decisions, Map.of(), Map.of(), List.of());
  }

  @Test
  void healthyCluster_hasNoBreach() {
    List<NodeAudit> audits = List.of(
        participant("p1", Map.of("t1", Decision.COMMIT), Map.of("t2", List.of("a")),
            Map.of("t2", "READY"), List.of("a", "b")),
        participant("p2", Map.of("t1", Decision.COMMIT), Map.of(), Map.of(), List.of("c")),
        coordinator(Map.of("t1", Decision.COMMIT)));

    assertThat(Verifier.verify(audits, Map.of("a", "p1", "b", "p1", "c", "p2"))).isEmpty();
  }

  @Test
  void committedAtOneAbortedAtAnother_isNamed_andContradictsTheCoordinator() {
    List<NodeAudit> audits = List.of(
        participant("p1", Map.of("t1", Decision.COMMIT), Map.of(), Map.of(), List.of()),
        participant("p2", Map.of("t1", Decision.ABORT), Map.of(), Map.of(), List.of()),
        coordinator(Map.of("t1", Decision.COMMIT)));

    List<Verifier.Breach> b = Verifier.verify(audits, null);

    assertThat(b).extracting(Verifier.Breach::invariant)
        .containsExactly("atomicity", "coordinator-agrees");
    assertThat(b).allMatch(x -> x.txId().equals("t1"));
    assertThat(b.get(0).message()).contains("committed at p1", "aborted at p2");
    assertThat(b.get(1).message()).contains("c1 decided COMMIT", "p2 aborted");
  }

  @Test
  void keyAtANodeThatDoesNotOwnIt_isABreach() {
    List<Verifier.Breach> b = Verifier.verify(List.of(
        participant("p1", Map.of(), Map.of(), Map.of(), List.of("a", "x"))),
        Map.of("a", "p1", "x", "p2"));

    assertThat(b).singleElement().satisfies(x -> {
      assertThat(x.invariant()).isEqualTo("key-at-owner");
      assertThat(x.message()).contains("'x'", "owned by p2");
    });
  }

  @Test
  void locksOfADecidedTransaction_orOfOneNotInProgress_areBreaches() {
    List<Verifier.Breach> b = Verifier.verify(List.of(
        participant("p1", Map.of("t1", Decision.ABORT), Map.of("t1", List.of("a"),
            "t9", List.of("z")), Map.of("t1", "READY"), List.of())), null);

    assertThat(b).extracting(Verifier.Breach::txId).containsExactlyInAnyOrder("t1", "t9");
    assertThat(b).allMatch(x -> x.invariant().equals("no-lock-after-decision"));
  }

  @Test
  void aDecisionBeingWritten_stillHoldsItsLocks_legitimately() {
    assertThat(Verifier.verify(List.of(
        participant("p1", Map.of("t1", Decision.COMMIT), Map.of("t1", List.of("a")),
            Map.of("t1", "COMMITTING"), List.of())), null)).isEmpty();
  }

  @Test
  void aRecordedHeuristicMismatch_isABreach_namingTheTransaction() {
    NodeAudit p1 = new NodeAudit("p1", "participant", Map.of("t7", "HEURISTIC_MISMATCH"),
        Map.of("t7", Decision.ABORT), Map.of(), Map.of(), List.of());

    List<Verifier.Breach> b =
        Verifier.verify(List.of(p1, coordinator(Map.of("t7", Decision.COMMIT))), null);

    assertThat(b).extracting(Verifier.Breach::invariant)
        .containsExactlyInAnyOrder("atomicity", "coordinator-agrees");
    assertThat(b).allMatch(x -> x.txId().equals("t7"));
  }
}
