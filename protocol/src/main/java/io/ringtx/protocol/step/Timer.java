package io.ringtx.protocol.step;

import io.ringtx.protocol.id.TxId;
import java.util.Objects;

/**
 * Fire {@code kind} for {@code txId} at {@code atMillis} (the state machine's clock, from the
 * events it was given). Timers are never cancelled: a state machine ignores one that no longer
 * applies, which keeps the shell trivial.
 */
public record Timer(TxId txId, TimerKind kind, long atMillis) {
  public Timer {
    Objects.requireNonNull(txId, "txId");
    Objects.requireNonNull(kind, "kind");
  }
}
