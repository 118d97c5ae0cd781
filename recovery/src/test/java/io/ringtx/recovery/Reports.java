package io.ringtx.recovery;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.HeuristicMismatch;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.TxState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-written node reports of one transaction t, run by c1 over p1 and p2, for unit tests. */
final class Reports {
  static final TxId T = TxId.of("t");
  static final List<String> PARTS = List.of("p1", "p2");

  private Reports() {}

  static Prepared prepared() {
    return new Prepared(T, NodeId.of("c1"), List.of(NodeId.of("p1"), NodeId.of("p2")),
        List.of(), List.of(new KeyWrite("k", "v")));
  }

  static List<LogEntry> entries(LogRecord... records) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < records.length; i++) {
      out.add(new LogEntry(i + 1, 1_000 + i, records[i]));
    }
    return out;
  }

  static TxReport ready(String node) {
    return new TxReport(node, "participant", T, TxState.READY, "READY", false, "c1", PARTS,
        List.of("k"), List.of(), entries(prepared()));
  }

  static TxReport committed(String node) {
    return new TxReport(node, "participant", T, TxState.COMMIT, null, false, "c1", PARTS,
        List.of(), List.of(), entries(prepared(), new Committed(T, 3, List.of())));
  }

  static TxReport neverPrepared(String node) {
    return new TxReport(node, "participant", T, TxState.UNKNOWN, null, false, null, List.of(),
        List.of(), List.of(), List.of());
  }

  static TxReport heuristicAborted(String node, boolean mismatch) {
    List<LogRecord> r = new ArrayList<>(List.of(prepared(), new HeuristicAborted(T, "ops", 9)));
    if (mismatch) {
      r.add(new HeuristicMismatch(T, Decision.ABORT, Decision.COMMIT, NodeId.of("c1"), "ops", 10));
    }
    return new TxReport(node, "participant", T, TxState.ABORT, null, false, "c1", PARTS,
        List.of(), List.of(), entries(r.toArray(new LogRecord[0])));
  }

  static TxReport coordinatorCommit(List<String> awaiting) {
    return new TxReport("c1", "coordinator", T, TxState.COMMIT, "COMMIT", false, "c1", PARTS,
        List.of(), awaiting, entries(new CoordinatorCommit(T, List.of(NodeId.of("p1"),
            NodeId.of("p2")))));
  }

  static TxReport coordinatorEnd() {
    return new TxReport("c1", "coordinator", T, TxState.END, null, false, "c1", PARTS,
        List.of(), List.of(), entries(new CoordinatorEnd(T, Decision.COMMIT, null,
            List.of(NodeId.of("p1"), NodeId.of("p2")))));
  }

  static TxView.At at(TxReport r) {
    return new TxView.At(r.node(), r.role(), r, null);
  }

  static TxView.At down(String node, String role) {
    return new TxView.At(node, role, null, "down");
  }

  static Map<String, TxView.At> nodes(TxView.At... at) {
    Map<String, TxView.At> m = new LinkedHashMap<>();
    for (TxView.At a : at) {
      m.put(a.node(), a);
    }
    return m;
  }
}
