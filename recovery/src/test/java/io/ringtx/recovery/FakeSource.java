package io.ringtx.recovery;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.message.Decision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link Source} of hand-written reports for unit tests; records the decisions sent. */
final class FakeSource implements Source {
  final Map<String, Node> nodes = new LinkedHashMap<>();
  final Map<String, List<TxReport>> reports = new LinkedHashMap<>();
  final List<String> decided = new ArrayList<>();
  boolean offline;

  FakeSource node(String id, String role, boolean up, TxReport... txs) {
    nodes.put(id, new Node(id, role, up, "fake:" + id, up ? null : "down"));
    reports.put(id, List.of(txs));
    return this;
  }

  @Override
  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  @Override
  public String describe() {
    return "fake cluster";
  }

  @Override
  public boolean offline() {
    return offline;
  }

  private Node up(String node) {
    Node n = nodes.get(node);
    if (n == null || !n.reachable()) {
      throw new NodeUnavailableException(node + " is down", null);
    }
    return n;
  }

  @Override
  public NodeReport unfinished(String node) {
    Node n = up(node);
    return new NodeReport(node, n.role(), reports.get(node), 0, 0);
  }

  @Override
  public TxReport tx(String node, TxId id) {
    Node n = up(node);
    return reports.get(node).stream().filter(r -> r.txId().equals(id)).findFirst()
        .orElse(new TxReport(node, n.role(), id, io.ringtx.protocol.message.TxState.UNKNOWN,
            null, false, null, List.of(), List.of(), List.of(), List.of()));
  }

  @Override
  public NodeAudit audit(String node) {
    throw new UnsupportedOperationException("not used");
  }

  @Override
  public Optional<Map<String, String>> owners(List<String> keys) {
    return Optional.empty();
  }

  @Override
  public DecideResult decide(
      String node, TxId id, Decision decision, String operator, boolean heuristic) {
    up(node);
    decided.add(node + ":" + decision + (heuristic ? ":heuristic:" + operator : ""));
    return new DecideResult(node, true, decision, null);
  }

  @Override
  public void close() {}
}
