package io.ringtx.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.TxState;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ringtx recovery list|show|resolve|dump|verify}: what each command does and prints, on a
 * {@link Source}. Exit codes: {@link #OK} done (for verify: no breach), {@link #FAILED} the command
 * ran and found a problem or refused (a breach, a contrary or unsafe resolve, an unreachable node
 * that was needed), {@link #USAGE} bad input.
 */
public final class RecoveryTool {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private final PrintWriter out;
  private final PrintWriter err;
  private final Clock clock;

  public RecoveryTool(PrintWriter out, PrintWriter err, Clock clock) {
    this.out = out;
    this.err = err;
    this.clock = clock;
  }

  // ---- list --------------------------------------------------------------------------------

  /** Options of {@code list}: a state or status to keep (null: all), a minimum age (null: any). */
  public record ListOptions(String state, Duration olderThan, boolean json) {}

  /** Every unfinished (or heuristic) transaction, with its state at each node and why. */
  public int list(Source s, ListOptions o) {
    Map<String, TxView.At> unreachable = new LinkedHashMap<>();
    Map<TxId, Map<String, TxView.At>> known = new TreeMap<>();
    long heuristics = 0;
    long mismatches = 0;
    for (Source.Node n : s.nodes()) {
      if (!n.reachable()) {
        unreachable.put(n.id(), new TxView.At(n.id(), n.role(), null, n.problem()));
        continue;
      }
      try {
        NodeReport r = s.unfinished(n.id());
        heuristics += r.heuristicDecisions();
        mismatches += r.heuristicMismatches();
        for (TxReport t : r.txs()) {
          known.computeIfAbsent(t.txId(), x -> new LinkedHashMap<>())
              .put(n.id(), new TxView.At(n.id(), n.role(), t, null));
        }
      } catch (Source.NodeUnavailableException e) {
        unreachable.put(n.id(), new TxView.At(n.id(), n.role(), null, e.getMessage()));
      }
    }
    List<TxView> views = new ArrayList<>();
    for (Map.Entry<TxId, Map<String, TxView.At>> e : known.entrySet()) {
      TxView v = complete(s, e.getKey(), e.getValue(), unreachable);
      if (v.status() != TxView.Status.FINISHED && keep(v, o)) {
        views.add(v);
      }
    }
    if (o.json()) {
      printJson(views);
      return OK;
    }
    out.println(s.describe() + ": " + views.size() + " transaction"
        + (views.size() == 1 ? "" : "s") + " not finished or decided heuristically"
        + (o.state() != null ? " (state " + o.state() + ")" : "")
        + (o.olderThan() != null ? " (older than " + Formats.age(o.olderThan()) + ")" : ""));
    unreachable.values().forEach(u ->
        out.println("  note: " + u.node() + " (" + u.role() + ") not asked: " + u.problem()));
    if (!s.offline() && (heuristics > 0 || mismatches > 0)) {
      out.println("  heuristic decisions since the participants started: " + heuristics
          + "; heuristic mismatches: " + mismatches);
    }
    if (views.isEmpty()) {
      return OK;
    }
    List<List<String>> rows = new ArrayList<>();
    for (TxView v : views) {
      String absent = s.offline() ? "NO-DATA" : "DOWN";
      rows.add(List.of(v.txId().value(), ageOf(v), v.status().name(), coordinatorCell(v, absent),
          participantsCell(v, absent), Integer.toString(v.locks()), v.why()));
    }
    Formats.table(List.of("TX", "AGE", "STATUS", "COORDINATOR", "PARTICIPANTS", "LOCKS", "WHY"),
        rows).forEach(out::println);
    return OK;
  }

  private boolean keep(TxView v, ListOptions o) {
    if (o.olderThan() != null) {
      // Compared as durations: a very long --older-than (in days) has no value in millis.
      if (v.firstSeenMillis() == null || Duration.ofMillis(clock.millis() - v.firstSeenMillis())
          .compareTo(o.olderThan()) < 0) {
        return false;
      }
    }
    if (o.state() == null) {
      return true;
    }
    String want = o.state().toUpperCase(Locale.ROOT);
    if (v.status().name().equals(want)) {
      return true;
    }
    return v.nodes().values().stream()
        .anyMatch(a -> a.report() != null && a.report().state().name().equals(want));
  }

  /** Asks the nodes that should know {@code id} and were not asked yet, then diagnoses it. */
  private TxView complete(
      Source s, TxId id, Map<String, TxView.At> asked, Map<String, TxView.At> unreachable) {
    Map<String, TxView.At> at = new LinkedHashMap<>(asked);
    for (int round = 0; round < 2; round++) {
      TreeSet<String> named = new TreeSet<>();
      for (TxView.At a : at.values()) {
        if (a.report() != null) {
          named.addAll(a.report().participants());
          if (a.report().coordinator() != null) {
            named.add(a.report().coordinator());
          }
        }
      }
      for (String n : named) {
        if (at.containsKey(n)) {
          continue;
        }
        if (unreachable.containsKey(n)) {
          at.put(n, unreachable.get(n));
          continue;
        }
        Source.Node node = s.nodes().stream().filter(x -> x.id().equals(n)).findFirst()
            .orElse(null);
        if (node == null) {
          continue; // a coordinator that is not alive is not listed: the analysis says so
        }
        try {
          at.put(n, new TxView.At(n, node.role(), s.tx(n, id), null));
        } catch (Source.NodeUnavailableException e) {
          at.put(n, new TxView.At(n, node.role(), null, e.getMessage()));
        }
      }
    }
    return TxAnalysis.analyze(id, at, s.offline());
  }

  private String ageOf(TxView v) {
    return v.firstSeenMillis() == null ? "-"
        : Formats.age(Duration.ofMillis(clock.millis() - v.firstSeenMillis()));
  }

  private static String coordinatorCell(TxView v, String absent) {
    if (v.coordinator() == null) {
      return "-";
    }
    TxView.At c = v.nodes().get(v.coordinator());
    return v.coordinator() + "=" + (c == null || c.report() == null ? absent
        : c.report().state().name());
  }

  private static String participantsCell(TxView v, String absent) {
    List<String> cells = new ArrayList<>();
    for (String p : v.participants()) {
      TxView.At a = v.nodes().get(p);
      if (a == null || a.report() == null) {
        cells.add(p + "=" + absent);
      } else {
        TxReport r = a.report();
        String mark = r.blocked() ? "(blocked)" : "";
        for (LogEntry e : r.records()) {
          String t = io.ringtx.protocol.inspect.RecordNames.of(e.record());
          if (t.startsWith("HEURISTIC_MISMATCH")) {
            mark = "(MISMATCH)";
          } else if (t.startsWith("HEURISTIC") && mark.isEmpty()) {
            mark = "(heuristic)";
          }
        }
        cells.add(p + "=" + r.state().name() + mark);
      }
    }
    return String.join(" ", cells);
  }

  // ---- show --------------------------------------------------------------------------------

  /** The whole story of one transaction, from every node that knows it. */
  public int show(Source s, TxId id, boolean values, boolean json) {
    TxView v = gather(s, id);
    if (v == null) {
      err.println("no node knows transaction " + id + " (" + s.describe() + ")");
      return FAILED;
    }
    if (json) {
      printJson(v);
      return OK;
    }
    out.println("transaction " + id + "  (" + s.describe() + ")");
    out.println("  status:      " + v.status() + ": " + v.why());
    if (v.learned() != null && v.status() != TxView.Status.HEURISTIC_MISMATCH
        && v.status() != TxView.Status.INCONSISTENT) {
      out.println("  outcome:     " + v.learned() + " (learned from " + v.learnedFrom() + ")");
    }
    if (v.firstSeenMillis() != null) {
      out.println("  first seen:  " + Formats.time(v.firstSeenMillis()) + " (" + ageOf(v)
          + " ago)");
    }
    out.println("  coordinator: " + (v.coordinator() == null ? "unknown" : describeNode(
        v.nodes().get(v.coordinator()))));
    out.println("  participants:");
    for (String p : v.participants()) {
      out.println("    " + describeNode(v.nodes().get(p)));
    }
    out.println("  log records (every node, by time):");
    List<String[]> lines = new ArrayList<>();
    for (TxView.At a : v.nodes().values()) {
      if (a.report() != null) {
        for (LogEntry e : a.report().records()) {
          lines.add(new String[] {Long.toString(e.timeMillis()), a.node(),
              Formats.entry(e, values)});
        }
      }
    }
    lines.sort(Comparator.comparing((String[] l) -> Long.parseLong(l[0])));
    if (lines.isEmpty()) {
      out.println("    (none)");
    }
    for (String[] l : lines) {
      out.println("    " + l[1] + "  " + l[2]);
    }
    out.println("  still owed:");
    if (v.owed().isEmpty()) {
      out.println("    nothing");
    }
    v.owed().forEach(o -> out.println("    " + o));
    if (!values) {
      out.println("  (written values hidden; --values shows them)");
    }
    return OK;
  }

  private static String describeNode(TxView.At a) {
    if (a == null) {
      return "?";
    }
    if (a.report() == null) {
      return a.node() + ": " + a.problem();
    }
    TxReport r = a.report();
    StringBuilder b = new StringBuilder(a.node()).append(": ").append(r.state());
    if (r.phase() != null) {
      b.append(" (in memory: ").append(r.phase()).append(')');
    }
    if (r.blocked()) {
      b.append(", blocked");
    }
    if (!r.locks().isEmpty()) {
      b.append(", locks ").append(r.locks());
    }
    if (!r.awaitingAcks().isEmpty()) {
      b.append(", awaiting acks from ").append(r.awaitingAcks());
    }
    return b.toString();
  }

  /** What every node knows of {@code id}, diagnosed; null if no node knows it. */
  private TxView gather(Source s, TxId id) {
    Map<String, TxView.At> at = new LinkedHashMap<>();
    Map<String, TxView.At> unreachable = new LinkedHashMap<>();
    for (Source.Node n : s.nodes()) {
      if (!n.reachable()) {
        unreachable.put(n.id(), new TxView.At(n.id(), n.role(), null, n.problem()));
        continue;
      }
      try {
        at.put(n.id(), new TxView.At(n.id(), n.role(), s.tx(n.id(), id), null));
      } catch (Source.NodeUnavailableException e) {
        unreachable.put(n.id(), new TxView.At(n.id(), n.role(), null, e.getMessage()));
      }
    }
    boolean anyKnows = at.values().stream().anyMatch(a -> a.report() != null
        && (!a.report().records().isEmpty() || a.report().phase() != null));
    if (!anyKnows) {
      return null;
    }
    TxView first = TxAnalysis.analyze(id, at, s.offline());
    // Keep only the nodes that know it or should: the named participants and coordinator.
    Map<String, TxView.At> relevant = new LinkedHashMap<>();
    for (TxView.At a : at.values()) {
      boolean knows = a.report() != null && (!a.report().records().isEmpty()
          || a.report().phase() != null);
      if (knows || first.participants().contains(a.node())
          || a.node().equals(first.coordinator())) {
        relevant.put(a.node(), a);
      }
    }
    for (String n : first.participants()) {
      if (!relevant.containsKey(n) && unreachable.containsKey(n)) {
        relevant.put(n, unreachable.get(n));
      }
    }
    if (first.coordinator() != null && unreachable.containsKey(first.coordinator())) {
      relevant.putIfAbsent(first.coordinator(), unreachable.get(first.coordinator()));
    }
    return TxAnalysis.analyze(id, relevant, s.offline());
  }

  // ---- resolve -----------------------------------------------------------------------------

  /**
   * Finishes {@code id} with {@code decision}: the normal way if its outcome can be learned (and
   * only with that outcome), or, for a blocked transaction and only with {@code force}, as a
   * heuristic decision recorded at every participant.
   */
  public int resolve(Source s, TxId id, Decision decision, boolean force, String operator) {
    TxView v = gather(s, id);
    if (v == null) {
      err.println("no node knows transaction " + id + "; nothing to resolve");
      return FAILED;
    }
    String flag = "--" + decision.name().toLowerCase(Locale.ROOT);
    switch (v.status()) {
      case HEURISTIC_MISMATCH, INCONSISTENT -> {
        err.println("refused: " + id + " is " + v.status() + ": " + v.why()
            + ". A decision cannot repair it; nothing was changed.");
        return FAILED;
      }
      case FINISHED, HEURISTIC -> {
        if (v.learned() == decision) {
          out.println(id + " is already " + decision + " at every participant (" + v.why()
              + "); nothing to do");
          return OK;
        }
        err.println("refused: " + id + " is already " + v.learned() + " (" + v.why() + "); "
            + flag + " would contradict it. Nothing was changed.");
        return FAILED;
      }
      default -> {
        // decided below
      }
    }
    if (v.learned() != null) {
      if (v.learned() != decision) {
        String other = "--" + v.learned().name().toLowerCase(Locale.ROOT);
        err.println("refused: the outcome of " + id + " is " + v.learned() + " (learned from "
            + v.learnedFrom() + "); " + flag + " would contradict it. Nothing was changed. Run "
            + "`ringtx recovery resolve " + id + " " + other + "` to finish it.");
        return FAILED;
      }
      return send(s, v, decision, operator, false);
    }
    if (v.status() == TxView.Status.BLOCKED) {
      if (!force) {
        err.println("refused: " + id + " is blocked: " + v.why() + ". Its outcome cannot be "
            + "learned from any node. Bring coordinator " + v.coordinator() + " back (it "
            + "finishes the transaction), or record a HEURISTIC decision with " + flag
            + " --force: the coordinator may have decided otherwise, and that would be a "
            + "heuristic mismatch. Nothing was changed.");
        return FAILED;
      }
      out.println("HEURISTIC " + decision + " of " + id + " by operator " + operator + ": "
          + v.why() + ".");
      return send(s, v, decision, operator, true);
    }
    err.println("refused: " + id + " is " + v.status() + ": " + v.why() + ". "
        + (v.status() == TxView.Status.WAITING_FOR_COORDINATOR
            || v.status() == TxView.Status.WAITING_FOR_VOTES
            ? "Its coordinator is alive and decides it; nothing to resolve."
            : "Its outcome cannot be learned yet.") + " Nothing was changed.");
    return FAILED;
  }

  private int send(Source s, TxView v, Decision decision, String operator, boolean heuristic) {
    List<String> targets = new ArrayList<>();
    for (String p : v.participants()) {
      TxView.At a = v.nodes().get(p);
      TxReport r = a == null ? null : a.report();
      boolean decided = r != null && (r.state() == TxState.COMMIT || r.state() == TxState.ABORT);
      if (!decided) {
        targets.add(p);
      }
    }
    int failures = 0;
    for (String p : targets) {
      Source.DecideResult r;
      try {
        r = s.decide(p, v.txId(), decision, operator, heuristic);
      } catch (Source.NodeUnavailableException e) {
        r = new Source.DecideResult(p, false, null, e.getMessage());
      }
      if (r.done()) {
        out.println("  " + p + ": " + (heuristic ? "HEURISTIC_" : "") + r.decision()
            + (heuristic ? " recorded (forced), locks released" : " applied"));
      } else {
        failures++;
        out.println("  " + p + ": not done: " + r.message());
      }
    }
    if (failures > 0) {
      err.println(v.txId() + ": " + failures + " participant(s) did not take the decision; run "
          + "the same command again once they answer");
      return FAILED;
    }
    if (heuristic) {
      out.println(v.txId() + ": HEURISTIC " + decision + " recorded at " + String.join(", ",
          targets) + ". If coordinator " + v.coordinator() + " comes back having decided "
          + "otherwise, each participant reports a heuristic mismatch (log RTX-2006, metric "
          + "ringtx_participant_heuristic_mismatches_total, `ringtx recovery list`).");
    } else {
      out.println(v.txId() + ": finished with " + decision + " (learned from " + v.learnedFrom()
          + ")" + (targets.isEmpty() ? "; every participant had it already"
              : " at " + String.join(", ", targets)));
    }
    return OK;
  }

  // ---- dump --------------------------------------------------------------------------------

  /** Every node's stable log from {@code fromSeq}, as lines or JSON lines. */
  public int dump(OfflineSource s, long fromSeq, boolean json) {
    List<Source.Node> nodes = s.nodes().stream().filter(Source.Node::reachable).toList();
    for (Source.Node n : nodes) {
      if (!json && nodes.size() > 1) {
        out.println("# " + n.id() + " (" + n.role() + ") " + n.where());
      }
      s.store(n.id()).forEachLogEntry(fromSeq, e -> {
        if (json) {
          ObjectNode line = Json.MAPPER.createObjectNode();
          line.put("node", n.id());
          line.put("seq", e.seq());
          line.put("time", Formats.time(e.timeMillis()));
          line.put("timeMillis", e.timeMillis());
          line.set("record", Json.MAPPER.valueToTree(e.record()));
          out.println(line.toString());
        } else {
          out.println((nodes.size() > 1 ? n.id() + " " : "") + Formats.entry(e, true));
        }
      });
    }
    return OK;
  }

  // ---- verify ------------------------------------------------------------------------------

  /** Checks the cluster's invariants; {@link #FAILED} with a report on any breach. */
  public int verify(Source s, boolean json) {
    List<NodeAudit> audits = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    for (Source.Node n : s.nodes()) {
      if (!n.reachable()) {
        incomplete.add(n.id() + " (" + n.role() + "): " + n.problem());
        continue;
      }
      try {
        audits.add(s.audit(n.id()));
      } catch (Source.NodeUnavailableException e) {
        incomplete.add(n.id() + " (" + n.role() + "): " + e.getMessage());
      }
    }
    List<String> keys = new ArrayList<>();
    audits.forEach(a -> keys.addAll(a.keys()));
    Map<String, String> owners;
    try {
      owners = s.owners(keys).orElse(null);
    } catch (Source.NodeUnavailableException e) {
      incomplete.add("key owners: " + e.getMessage());
      owners = null;
    }
    List<Verifier.Breach> breaches = Verifier.verify(audits, owners);
    TreeSet<String> txs = new TreeSet<>();
    audits.forEach(a -> txs.addAll(a.latest().keySet()));
    long participants = audits.stream().filter(a -> a.role().equals("participant")).count();
    if (json) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ok", breaches.isEmpty() && incomplete.isEmpty());
      body.put("nodes", audits.size());
      body.put("keys", keys.size());
      body.put("transactions", txs.size());
      body.put("ownershipChecked", owners != null);
      body.put("breaches", breaches);
      body.put("incomplete", incomplete);
      printJson(body);
    } else {
      out.println("verify " + s.describe() + ": " + participants + " participants, "
          + (audits.size() - participants) + " coordinators; " + keys.size() + " keys, "
          + txs.size() + " transactions");
      for (String check : List.of("key-at-owner", "no-lock-after-decision", "atomicity",
          "coordinator-agrees")) {
        long n = breaches.stream().filter(b -> b.invariant().equals(check)).count();
        String status = check.equals("key-at-owner") && owners == null ? "SKIPPED (no routing: "
            + "needs --cluster)" : n == 0 ? "OK" : n + " BREACH" + (n == 1 ? "" : "ES");
        out.println("  " + check + ": " + status);
      }
      for (Verifier.Breach b : breaches) {
        out.println("  BREACH " + b.invariant() + (b.txId() != null ? " tx=" + b.txId() : "")
            + ": " + b.message());
      }
      incomplete.forEach(i -> out.println("  INCOMPLETE not checked: " + i));
      out.println(breaches.isEmpty() && incomplete.isEmpty() ? "verify: OK"
          : "verify: FAILED (" + breaches.size() + " breach" + (breaches.size() == 1 ? "" : "es")
              + (incomplete.isEmpty() ? "" : ", " + incomplete.size() + " not checked") + ")");
    }
    return breaches.isEmpty() && incomplete.isEmpty() ? OK : FAILED;
  }

  private void printJson(Object value) {
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }
}
