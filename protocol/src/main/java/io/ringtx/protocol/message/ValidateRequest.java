package io.ringtx.protocol.message;

import io.ringtx.protocol.id.TxId;
import java.util.List;
import java.util.Objects;

/**
 * The one round of a transaction that only read: every version must be current and not
 * write-locked. Nothing is locked or logged (DESIGN §3 step 1).
 */
public record ValidateRequest(TxId txId, List<ReadItem> reads) implements Message {
  public ValidateRequest {
    Objects.requireNonNull(txId, "txId");
    reads = List.copyOf(reads);
  }
}
