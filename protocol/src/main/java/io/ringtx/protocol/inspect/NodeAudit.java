package io.ringtx.protocol.inspect;

import io.ringtx.protocol.message.Decision;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code ringtx recovery verify} checks of one node ({@code GET /v1/recovery/audit}): the
 * latest log record's type name of every transaction it retains ({@code latest}, e.g.
 * {@code "COMMITTED"}), the decision that record stands for, if any ({@code decisions}: COMMIT or
 * ABORT; after a heuristic decision the one applied), the keys each transaction holds locked ({@code locks}), the in-memory
 * phase of each transaction in memory ({@code phases}), and the keys of its data ({@code keys};
 * empty at a coordinator).
 */
public record NodeAudit(
    String node,
    String role,
    Map<String, String> latest,
    Map<String, Decision> decisions,
    Map<String, List<String>> locks,
    Map<String, String> phases,
    List<String> keys) {
  public NodeAudit {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    latest = Map.copyOf(latest);
    decisions = Map.copyOf(decisions);
    locks = Map.copyOf(locks);
    phases = Map.copyOf(phases);
    keys = List.copyOf(keys);
  }
}
