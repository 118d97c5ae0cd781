package io.ringtx.protocol.inspect;

import java.util.List;
import java.util.Objects;

/**
 * One node's unfinished transactions ({@code GET /v1/recovery/txs}): at a participant, those in
 * memory, PREPARED without a decision, and those decided heuristically (with any mismatch); at a
 * coordinator, those in memory and those whose decision has no END yet. {@code heuristicDecisions}
 * and {@code heuristicMismatches} count them since the node started (participants; 0 otherwise).
 */
public record NodeReport(
    String node, String role, List<TxReport> txs, long heuristicDecisions,
    long heuristicMismatches) {
  public NodeReport {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    txs = List.copyOf(txs);
  }
}
