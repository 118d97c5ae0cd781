package io.ringtx.coordinator.api;

import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.TxResult;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Reads several keys, each at its owning shard, all at once: the replies in the order of
   * {@code keys}. Fails if any read fails.
   */
  default CompletableFuture<List<ReadReply>> readAll(List<String> keys) {
    List<CompletableFuture<ReadReply>> reads = new ArrayList<>(keys.size());
    for (String key : keys) {
      reads.add(read(key));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(v -> reads.stream().map(CompletableFuture::join).toList());
  }

  /** Commits (or aborts) a transaction; idempotent by transaction id (DESIGN §2). */
  CompletableFuture<TxResult> commit(TxRequest request);

  /** What is known of a transaction, asking the participants if needed; empty if nobody knows. */
  CompletableFuture<Optional<TxStatus>> status(TxId id);

  /** Nodes, roles, ranges and health, as a JSON-ready map. */
  Map<String, Object> cluster();

  /**
   * Where keys are read, for clients that read straight from the owning participant: {@code
   * {"bits","virtualNodes":[{"node","id"}],"participants":{"<node>":"<url>"}}} (the routing this
   * coordinator uses, ids unsigned decimal, and the HTTP URL of every participant discovery sees
   * alive); empty if this service has no such routing.
   */
  default Optional<Map<String, Object>> routing() {
    return Optional.empty();
  }

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
