package io.ringtx.protocol.rpc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters every {@link Transport} of ours keeps for the metrics: retransmissions, duplicates
 * answered from a stored reply, and messages refused because their MAC did not check.
 */
abstract class CountingTransport implements Transport {
  /** Requests sent again after an attempt failed. */
  protected final AtomicLong retransmissions = new AtomicLong();
  /** Retransmitted requests answered from a stored reply. */
  protected final AtomicLong duplicatesAnswered = new AtomicLong();
  /** Requests refused and replies discarded because their MAC did not check. */
  protected final AtomicLong refused = new AtomicLong();

  /** Requests sent again after an attempt failed. */
  @Override
  public long retransmissions() {
    return retransmissions.get();
  }

  /** Retransmitted requests answered from a stored reply. */
  @Override
  public long duplicatesAnswered() {
    return duplicatesAnswered.get();
  }

  /** Requests refused and replies discarded because their MAC did not check. */
  public long refused() {
    return refused.get();
  }
}
