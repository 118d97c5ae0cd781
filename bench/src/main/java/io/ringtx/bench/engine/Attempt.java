package io.ringtx.bench.engine;

import java.util.Objects;

/**
 * How one benchmark transaction ended, and how long its two client-visible phases took: the
 * read phase (the body running: its reads go to the cluster) and the commit call (from the body
 * returning to the outcome being known). With retries these are the last attempt's phases.
 *
 * @param status committed, aborted, or failed (the engine could not tell: an error)
 * @param reason why it aborted or failed (an abort {@code Reason} name such as {@code CONFLICT},
 *     or {@code OUTCOME_UNKNOWN}, {@code REJECTED_<error>}, {@code ERROR}); null when committed
 * @param shards how many shards the last attempt's keys belong to: 1 commits in one phase, more
 *     take two-phase commit; 0 when the engine cannot tell (one store, or the ring not known yet)
 */
public record Attempt(Status status, String reason, long readNanos, long commitNanos, int shards) {
  /** The three ends of a transaction. */
  public enum Status {
    COMMITTED,
    ABORTED,
    FAILED
  }

  public Attempt {
    Objects.requireNonNull(status, "status");
    if ((status == Status.COMMITTED) != (reason == null)) {
      throw new IllegalArgumentException("a reason is given exactly when not committed");
    }
    if (shards < 0) {
      throw new IllegalArgumentException("shards must be 0 (not known) or more: " + shards);
    }
  }

  public static Attempt committed(long readNanos, long commitNanos) {
    return new Attempt(Status.COMMITTED, null, readNanos, commitNanos, 0);
  }

  public static Attempt aborted(String reason, long readNanos, long commitNanos) {
    return new Attempt(Status.ABORTED, reason, readNanos, commitNanos, 0);
  }

  public static Attempt failed(String reason, long readNanos, long commitNanos) {
    return new Attempt(Status.FAILED, reason, readNanos, commitNanos, 0);
  }

  /** This attempt, known to span {@code shards} shards. */
  public Attempt withShards(int shards) {
    return new Attempt(status, reason, readNanos, commitNanos, shards);
  }

  public boolean committed() {
    return status == Status.COMMITTED;
  }
}
