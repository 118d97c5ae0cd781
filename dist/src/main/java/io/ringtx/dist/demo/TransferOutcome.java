package io.ringtx.dist.demo;

import java.util.Objects;

/**
 * How one transfer ended: committed or aborted (with the reason the store gave), after
 * {@code attempts} runs of the transaction; every attempt but the last was an abort retried.
 */
public record TransferOutcome(boolean committed, int attempts, String abortReason) {

  /** Validates: at least one attempt, and an abort names its reason. */
  public TransferOutcome {
    if (attempts < 1) {
      throw new IllegalArgumentException("a transfer takes at least one attempt: " + attempts);
    }
    if (committed != (abortReason == null)) {
      throw new IllegalArgumentException("an abort, and only an abort, has a reason");
    }
  }

  public static TransferOutcome committed(int attempts) {
    return new TransferOutcome(true, attempts, null);
  }

  public static TransferOutcome aborted(int attempts, String reason) {
    return new TransferOutcome(false, attempts, Objects.requireNonNull(reason, "reason"));
  }

  /** Aborts (conflicts, passing failures) that the client retried before the final attempt. */
  public int abortsRetried() {
    return attempts - 1;
  }
}
