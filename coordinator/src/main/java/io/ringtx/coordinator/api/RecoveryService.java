package io.ringtx.coordinator.api;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.TxReport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a coordinator tells operator tools ({@code ringtx recovery}), served under {@code
 * /v1/recovery/} by its HTTP API: nothing here changes any state.
 */
public interface RecoveryService {
  /** This coordinator's knowledge of {@code id}: state, participants, acks missing, records. */
  CompletableFuture<TxReport> tx(TxId id);

  /** Transactions in memory here, and those whose decision has no END yet. */
  CompletableFuture<NodeReport> unfinished();

  /** The latest record of every transaction this coordinator retains, and its phases. */
  CompletableFuture<NodeAudit> audit();

  /** The owner of each key by this coordinator's routing. */
  Map<String, String> owners(List<String> keys);
}
