package io.ringtx.participant.core;

import java.util.function.Predicate;

/**
 * Settings of the participant state machine. {@code readyTimeoutMillis}: how long a READY
 * transaction waits for a decision before asking for it; queries then back off, doubling up to
 * {@code maxQueryBackoffMillis}. {@code owns}: whether this shard owns a key (DESIGN §4: every
 * request is checked). {@code maxQueuedWork}: how many requests parked behind a commit plus log
 * writes in flight this shard holds before it refuses new work (reads, validations, prepares and
 * one-phase commits) as {@code OVERLOADED}; decisions and status queries are always served,
 * since they are what frees the queue.
 */
public record ParticipantConfig(
    long readyTimeoutMillis,
    long maxQueryBackoffMillis,
    Predicate<String> owns,
    int maxQueuedWork) {
  /** The default bound on queued work: far above what a healthy shard holds. */
  public static final int DEFAULT_MAX_QUEUED_WORK = 1_000;

  /** Settings with the default bound on queued work. */
  public ParticipantConfig(
      long readyTimeoutMillis, long maxQueryBackoffMillis, Predicate<String> owns) {
    this(readyTimeoutMillis, maxQueryBackoffMillis, owns, DEFAULT_MAX_QUEUED_WORK);
  }

  public ParticipantConfig {
    if (maxQueuedWork < 1) {
      throw new IllegalArgumentException("maxQueuedWork must be >= 1, got " + maxQueuedWork);
    }
    if (readyTimeoutMillis <= 0 || maxQueryBackoffMillis < readyTimeoutMillis) {
      throw new IllegalArgumentException(
          "need 0 < readyTimeoutMillis <= maxQueryBackoffMillis, got "
              + readyTimeoutMillis
              + ", "
              + maxQueryBackoffMillis);
    }
  }

  /** Ask after 1 s, back off to 2 s, own every key. */
  public static ParticipantConfig defaults() {
    return new ParticipantConfig(1_000, 2_000, key -> true);
  }

  public ParticipantConfig withOwnership(Predicate<String> owns) {
    return new ParticipantConfig(readyTimeoutMillis, maxQueryBackoffMillis, owns, maxQueuedWork);
  }

  /** A copy with another bound on queued work. */
  public ParticipantConfig withMaxQueuedWork(int max) {
    return new ParticipantConfig(readyTimeoutMillis, maxQueryBackoffMillis, owns, max);
  }
}
