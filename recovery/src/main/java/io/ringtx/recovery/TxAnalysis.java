package io.ringtx.recovery;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.RecordNames;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicCommitted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.TxState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Diagnoses one transaction from what every node says of it (DESIGN §3): the decision a
 * coordinator logged or a participant applied can be learned; a writing participant that never
 * prepared means abort; every participant READY with the coordinator down means blocked. A pure
 * function: no I/O, no clock.
 */
public final class TxAnalysis {
  private TxAnalysis() {}

  /**
   * @param at what each node said (or why it could not be asked), by node id; participants and
   *     the coordinator the reports name that are missing here are treated as unreachable
   */
  public static TxView analyze(TxId id, Map<String, TxView.At> at) {
    return analyze(id, at, false);
  }

  /**
   * As {@link #analyze(TxId, Map)}; {@code offline}: the reports come from stopped nodes' logs,
   * so no node is alive, and a coordinator's log without a decision means abort (presumed
   * abort: restarted, it answers ABORT).
   */
  public static TxView analyze(TxId id, Map<String, TxView.At> at, boolean offline) {
    Map<String, TxView.At> nodes = new LinkedHashMap<>(at);
    String coordinator = null;
    TreeSet<String> participants = new TreeSet<>();
    for (TxView.At a : at.values()) {
      TxReport r = a.report();
      if (r == null) {
        continue;
      }
      if (r.role().equals("coordinator")) {
        if (!r.records().isEmpty() || r.phase() != null) {
          coordinator = r.node();
          participants.addAll(r.participants());
        }
      } else {
        if (r.coordinator() != null && coordinator == null) {
          coordinator = r.coordinator();
        }
        participants.addAll(r.participants());
      }
    }
    for (String p : participants) {
      nodes.computeIfAbsent(p, n -> new TxView.At(n, "participant", null, "not asked"));
    }
    if (coordinator != null) {
      nodes.computeIfAbsent(coordinator,
          n -> new TxView.At(n, "coordinator", null, "unreachable (not alive in the cluster)"));
    }

    TxView.At coord = coordinator == null ? null : nodes.get(coordinator);
    TxReport cr = coord == null ? null : coord.report();
    Decision coordDecision = cr == null ? null : coordinatorDecision(cr);

    // What the participants applied, heuristically or not.
    Map<String, Decision> applied = new LinkedHashMap<>();
    List<String> heuristicAt = new ArrayList<>();
    List<String> mismatchAt = new ArrayList<>();
    List<String> ready = new ArrayList<>();
    List<String> neverPrepared = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    int locks = 0;
    for (String p : participants) {
      TxView.At a = nodes.get(p);
      if (!a.reachable()) {
        unreachable.add(p);
        continue;
      }
      TxReport r = a.report();
      locks += r.locks().size();
      LogRecord last = r.records().isEmpty() ? null
          : r.records().get(r.records().size() - 1).record();
      for (LogEntry e : r.records()) {
        if (e.record() instanceof HeuristicCommitted || e.record() instanceof HeuristicAborted) {
          heuristicAt.add(p);
        }
        if (e.record() instanceof HeuristicMismatch) {
          mismatchAt.add(p);
        }
      }
      if (r.state() == TxState.COMMIT || r.state() == TxState.ABORT) {
        applied.put(p, r.state() == TxState.COMMIT ? Decision.COMMIT : Decision.ABORT);
      } else if (r.state() == TxState.READY) {
        ready.add(p);
      } else if (last == null || r.state() == TxState.UNKNOWN || r.state() == TxState.INIT) {
        neverPrepared.add(p);
      }
    }

    // The decision that can be learned, and from whom.
    Decision learned = null;
    String from = null;
    if (coordDecision != null) {
      learned = coordDecision;
      from = "coordinator " + coordinator + (cr.phase() != null ? "" : "'s log");
    }
    boolean conflict = false;
    for (Map.Entry<String, Decision> e : applied.entrySet()) {
      if (learned == null) {
        learned = e.getValue();
        from = e.getKey() + (e.getValue() == Decision.COMMIT ? " committed" : " aborted")
            + (heuristicAt.contains(e.getKey()) ? " (heuristically)" : "");
      } else if (learned != e.getValue()) {
        conflict = true;
      }
    }
    if (learned == null && !neverPrepared.isEmpty() && coordDecision == null) {
      learned = Decision.ABORT;
      from = String.join(", ", neverPrepared) + " never prepared";
    }
    if (learned == null && offline && cr != null && cr.records().isEmpty()) {
      learned = Decision.ABORT;
      from = "coordinator " + coordinator + "'s log, which has no COMMIT (presumed abort)";
    }

    boolean coordUp = !offline && coord != null && coord.reachable();
    final String c = coordinator;
    TxView.Status status;
    String why;
    List<String> owed = new ArrayList<>();
    List<String> undecided = new ArrayList<>(ready);
    undecided.addAll(unreachable.stream().filter(p -> !applied.containsKey(p)).toList());
    if (!mismatchAt.isEmpty() || (conflict && !heuristicAt.isEmpty())) {
      status = TxView.Status.HEURISTIC_MISMATCH;
      why = "heuristic decision at " + String.join(", ", new TreeSet<>(heuristicAt))
          + " contradicts the coordinator's" + describeApplied(applied, coordinator, coordDecision)
          + ": atomicity is broken for this transaction; reconcile its keys by hand";
    } else if (conflict) {
      status = TxView.Status.INCONSISTENT;
      why = "decided both ways" + describeApplied(applied, coordinator, coordDecision)
          + ": atomicity is broken";
    } else if (!heuristicAt.isEmpty() && undecided.isEmpty()) {
      status = TxView.Status.HEURISTIC;
      why = "decided " + learned + " heuristically at " + String.join(", ", heuristicAt)
          + heuristicBy(nodes, heuristicAt) + "; the coordinator "
          + (coordDecision == null ? (coordUp ? "has no decision" : coordinator + " has not been heard")
              : "agrees");
    } else if (coordUp && cr.state() == TxState.WAIT) {
      status = TxView.Status.WAITING_FOR_VOTES;
      why = "coordinator " + coordinator + " waits for votes";
      neverPrepared.forEach(p -> owed.add("vote of " + p + " to " + c));
    } else if (coordUp && coordDecision != null && (!undecided.isEmpty()
        || !cr.awaitingAcks().isEmpty() || cr.state() != TxState.END)) {
      status = TxView.Status.WAITING_FOR_ACKS;
      List<String> acks = cr.awaitingAcks().isEmpty() ? undecided : cr.awaitingAcks();
      why = "coordinator " + coordinator + " decided " + coordDecision + "; waiting for "
          + (acks.isEmpty() ? "its END record" : "acks from " + String.join(", ", acks));
      undecided.forEach(p -> owed.add("GLOBAL-" + coordDecision + " from " + c + " to " + p));
      acks.forEach(p -> owed.add("ack of " + p + " to " + c));
    } else if (undecided.isEmpty()) {
      status = TxView.Status.FINISHED;
      why = learned == null ? "nothing is in doubt" : "decided " + learned + " everywhere";
    } else if (coordUp) {
      status = TxView.Status.WAITING_FOR_COORDINATOR;
      why = String.join(", ", ready) + " READY; coordinator " + coordinator
          + " is alive and has no decision yet (asked, it aborts: presumed abort)";
      ready.forEach(p -> owed.add("decision from " + c + " to " + p));
    } else if (learned != null) {
      status = TxView.Status.COORDINATOR_DOWN;
      why = "coordinator " + (coordinator == null ? "(unknown)" : coordinator) + " down; "
          + "outcome learnable: " + learned + " (" + from + ")";
      Decision d = learned;
      undecided.forEach(p -> owed.add("GLOBAL-" + d + " to " + p
          + " (ringtx recovery resolve " + id + " --" + d.name().toLowerCase() + ")"));
    } else if (unreachable.isEmpty() && !ready.isEmpty()) {
      status = TxView.Status.BLOCKED;
      why = "every participant (" + String.join(", ", ready) + ") READY and coordinator "
          + (coordinator == null ? "(unknown)" : coordinator) + " down: the outcome cannot be "
          + "learned until it is back";
      ready.forEach(p -> owed.add("decision from " + c + " to " + p));
    } else {
      status = TxView.Status.WAITING_FOR_COORDINATOR;
      why = "coordinator " + (coordinator == null ? "(unknown)" : coordinator) + " down; "
          + String.join(", ", unreachable) + " unreachable, so the outcome is not known yet";
      ready.forEach(p -> owed.add("decision to " + p));
    }

    Long first = null;
    for (TxView.At a : nodes.values()) {
      if (a.report() != null) {
        for (LogEntry e : a.report().records()) {
          first = first == null ? e.timeMillis() : Math.min(first, e.timeMillis());
        }
      }
    }
    return new TxView(id, coordinator, nodes, List.copyOf(participants), status, why, learned,
        from, first, locks, owed);
  }

  /** The decision a coordinator's report stands for: its memory phase, else its last record. */
  static Decision coordinatorDecision(TxReport r) {
    if (r.state() == TxState.COMMIT) {
      return Decision.COMMIT;
    }
    if (r.state() == TxState.ABORT) {
      return Decision.ABORT;
    }
    if (r.records().isEmpty()) {
      return null;
    }
    Optional<Decision> d =
        RecordNames.decisionOf(r.records().get(r.records().size() - 1).record());
    return d.orElse(null);
  }

  private static String describeApplied(
      Map<String, Decision> applied, String coordinator, Decision coordDecision) {
    String parts = applied.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
    return " (" + parts + (coordDecision != null ? " coordinator " + coordinator + "="
        + coordDecision : "") + ")";
  }

  private static String heuristicBy(Map<String, TxView.At> nodes, List<String> at) {
    for (String p : at) {
      for (LogEntry e : nodes.get(p).report().records()) {
        if (e.record() instanceof HeuristicCommitted h) {
          return " by " + h.operator();
        }
        if (e.record() instanceof HeuristicAborted h) {
          return " by " + h.operator();
        }
      }
    }
    return "";
  }
}
