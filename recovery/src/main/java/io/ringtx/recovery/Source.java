package io.ringtx.recovery;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.message.Decision;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the recovery tools learn what the nodes know: a live cluster over HTTP ({@link
 * LiveSource}) or stopped nodes' data directories ({@link OfflineSource}). Every read names the
 * node; a node that cannot be asked is {@link NodeUnavailableException}.
 */
public interface Source extends AutoCloseable {
  /** A node as this source sees it. {@code where}: its URL or data directory. */
  record Node(String id, String role, boolean reachable, String where, String problem) {
    public boolean isParticipant() {
      return role.equals("participant");
    }
  }

  /** Every node known: reachable ones and those known but unreachable (down, or no data). */
  List<Node> nodes();

  /** What {@code where} this source is, for reports: "cluster http://…" or "data dir …". */
  String describe();

  /** True for stopped nodes' data: nothing is in memory, nothing can be decided by messages. */
  boolean offline();

  NodeReport unfinished(String node);

  TxReport tx(String node, TxId id);

  NodeAudit audit(String node);

  /** The owner of every key by the cluster's routing; empty if this source has no routing. */
  Optional<Map<String, String>> owners(List<String> keys);

  /** What a node answered to an operator's decision. */
  record DecideResult(String node, boolean done, Decision decision, String message) {}

  /** Sends an operator's decision to a participant ({@code /v1/recovery/tx/{id}/decide}). */
  DecideResult decide(String node, TxId id, Decision decision, String operator, boolean heuristic);

  @Override
  void close();

  /** The node could not be asked (down, unreachable, or it answered an error). */
  final class NodeUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NodeUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
