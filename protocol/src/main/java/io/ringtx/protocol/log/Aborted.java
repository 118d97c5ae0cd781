package io.ringtx.protocol.log;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Reason;
import java.util.Objects;

/** Participant ABORTED. Never forced (presumed abort), except to refuse a late prepare. */
public record Aborted(TxId txId, Reason reason) implements LogRecord {
  public Aborted {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(reason, "reason");
  }
}
