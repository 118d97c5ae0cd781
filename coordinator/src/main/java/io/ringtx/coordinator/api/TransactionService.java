package io.ringtx.coordinator.api;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.TxResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a coordinator offers its clients; the HTTP API and in-process callers use this. Inputs
 * are validated by the caller against {@link #limits()} before they reach it.
 */
public interface TransactionService {
  /** Reads a key at its owning shard: value and version, or value null and version 0. */
  CompletableFuture<ReadReply> read(String key);

  /** Commits (or aborts) a transaction; idempotent by transaction id (DESIGN §2). */
  CompletableFuture<TxResult> commit(TxRequest request);

  /** What is known of a transaction, asking the participants if needed; empty if nobody knows. */
  CompletableFuture<Optional<TxStatus>> status(TxId id);

  /** Nodes, roles, ranges and health, as a JSON-ready map. */
  Map<String, Object> cluster();

  /** The limits that inputs are checked against. */
  Limits limits();

  /**
   * The service's own metrics in the Prometheus text format (whole families, each with its
   * {@code # HELP} and {@code # TYPE} lines), appended to the HTTP layer's at {@code GET /metrics};
   * empty by default.
   */
  default CompletableFuture<String> metrics() {
    return CompletableFuture.completedFuture("");
  }

  /** What operator tools may ask of this coordinator; empty if it serves none of it. */
  default java.util.Optional<RecoveryService> recovery() {
    return java.util.Optional.empty();
  }
}
