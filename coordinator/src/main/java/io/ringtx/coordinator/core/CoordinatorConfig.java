package io.ringtx.coordinator.core;

/**
 * Settings of the coordinator state machine: how long it waits for votes (and for a one-phase or
 * read-only answer) before aborting, and how it backs off while resending a decision that has
 * not been acknowledged.
 */
public record CoordinatorConfig(
    long voteTimeoutMillis, long resendInitialMillis, long resendMaxMillis) {
  public CoordinatorConfig {
    if (voteTimeoutMillis <= 0 || resendInitialMillis <= 0 || resendMaxMillis < resendInitialMillis) {
      throw new IllegalArgumentException("timeouts must be positive, max >= initial: " + this);
    }
  }

  /** Votes within 2 s; resend decisions after 200 ms, backing off to 5 s. */
  public static CoordinatorConfig defaults() {
    return new CoordinatorConfig(2_000, 200, 5_000);
  }
}
