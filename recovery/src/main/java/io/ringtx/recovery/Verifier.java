package io.ringtx.recovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.message.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's invariants, checked on the nodes' audits ({@code ringtx recovery verify}): every
 * key is stored at its owner only; no lock is held by a transaction that is decided; no
 * transaction is committed at one participant and aborted at another (a recorded heuristic
 * mismatch counts); the coordinator's decision and the participants' agree. A pure function.
 */
public final class Verifier {
  private Verifier() {}

  /** One breach of an invariant; {@code txId} is null for a breach about a key. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Breach(String invariant, String txId, String node, String message) {}

  /**
   * @param owners the owner of each key by the cluster's routing, or null to skip that check
   */
  public static List<Breach> verify(List<NodeAudit> audits, Map<String, String> owners) {
    List<Breach> out = new ArrayList<>();
    List<NodeAudit> participants =
        audits.stream().filter(a -> a.role().equals("participant")).toList();
    List<NodeAudit> coordinators =
        audits.stream().filter(a -> a.role().equals("coordinator")).toList();

    if (owners != null) {
      for (NodeAudit p : participants) {
        for (String key : p.keys()) {
          String owner = owners.get(key);
          if (owner != null && !owner.equals(p.node())) {
            out.add(new Breach("key-at-owner", null, p.node(), "key '" + key + "' is stored at "
                + p.node() + " but owned by " + owner));
          }
        }
      }
    }

    // Each transaction's decisions: per participant, and per coordinator.
    Map<String, Map<String, Decision>> decided = new TreeMap<>();
    for (NodeAudit a : audits) {
      a.decisions().forEach((tx, d) ->
          decided.computeIfAbsent(tx, t -> new TreeMap<>()).put(a.node(), d));
    }

    for (NodeAudit p : participants) {
      p.locks().forEach((tx, keys) -> {
        String phase = p.phases().get(tx);
        Decision d = p.decisions().get(tx);
        boolean inMemory = phase != null;
        if (d != null && (!inMemory || phase.startsWith("READY") || phase.equals("PREPARING"))) {
          out.add(new Breach("no-lock-after-decision", tx, p.node(), "tx " + tx + " is "
              + p.latest().get(tx) + " at " + p.node() + " but holds locks on " + keys));
        } else if (!inMemory) {
          out.add(new Breach("no-lock-after-decision", tx, p.node(), "tx " + tx + " holds locks "
              + "on " + keys + " at " + p.node() + " but is not in progress there"));
        }
      });
      p.latest().forEach((tx, type) -> {
        if (type.equals("HEURISTIC_MISMATCH")) {
          out.add(new Breach("atomicity", tx, p.node(), "tx " + tx + " has a recorded heuristic "
              + "mismatch at " + p.node() + ": the coordinator decided otherwise than the "
              + "operator"));
        }
      });
    }

    Set<String> coordinatorIds = new TreeSet<>();
    coordinators.forEach(c -> coordinatorIds.add(c.node()));
    decided.forEach((tx, byNode) -> {
      Set<String> committed = new TreeSet<>();
      Set<String> aborted = new TreeSet<>();
      Decision coordinator = null;
      String coordinatorNode = null;
      for (Map.Entry<String, Decision> e : byNode.entrySet()) {
        if (coordinatorIds.contains(e.getKey())) {
          coordinator = e.getValue();
          coordinatorNode = e.getKey();
        } else if (e.getValue() == Decision.COMMIT) {
          committed.add(e.getKey());
        } else {
          aborted.add(e.getKey());
        }
      }
      if (!committed.isEmpty() && !aborted.isEmpty()) {
        out.add(new Breach("atomicity", tx, null, "tx " + tx + " is committed at "
            + String.join(", ", committed) + " and aborted at " + String.join(", ", aborted)));
      }
      if (coordinator != null) {
        Set<String> contrary = coordinator == Decision.COMMIT ? aborted : committed;
        if (!contrary.isEmpty()) {
          out.add(new Breach("coordinator-agrees", tx, coordinatorNode, "tx " + tx
              + ": coordinator " + coordinatorNode + " decided " + coordinator + " but "
              + String.join(", ", contrary) + " "
              + (coordinator == Decision.COMMIT ? "aborted" : "committed") + " it"));
        }
      }
    });
    return out;
  }
}
