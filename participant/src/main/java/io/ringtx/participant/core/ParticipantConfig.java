package io.ringtx.participant.core;

import io.ringtx.protocol.api.Limits;
import java.util.function.Predicate;

/**
 * Settings of the participant state machine. {@code readyTimeoutMillis}: how long a READY
 * transaction waits for a decision before asking for it; queries then back off, doubling up to
 * {@code maxQueryBackoffMillis}. {@code owns}: whether this shard owns a key (DESIGN §4: every
 * request is checked). {@code maxQueuedWork}: how many requests parked behind a commit plus log
 * writes in flight this shard holds before it refuses new work (reads, validations, prepares and
 * one-phase commits) as {@code OVERLOADED}; decisions and status queries are always served,
 * since they are what frees the queue. {@code maxValueBytes}: the largest value (UTF-8 bytes) a
 * write may leave a key with; an append that would make one larger is refused as {@code INVALID}
 * (a put is checked before it gets here, but an append's result is known only here).
 */
public record ParticipantConfig(
    long readyTimeoutMillis,
    long maxQueryBackoffMillis,
    Predicate<String> owns,
    int maxQueuedWork,
    int maxValueBytes) {
  /** The default bound on queued work: far above what a healthy shard holds. */
  public static final int DEFAULT_MAX_QUEUED_WORK = 1_000;

  /** Settings with the default bound on queued work and value size. */
  public ParticipantConfig(
      long readyTimeoutMillis, long maxQueryBackoffMillis, Predicate<String> owns) {
    this(readyTimeoutMillis, maxQueryBackoffMillis, owns, DEFAULT_MAX_QUEUED_WORK);
  }

  /** Settings with the default bound on value size (DESIGN §2: 1 MiB). */
  public ParticipantConfig(long readyTimeoutMillis, long maxQueryBackoffMillis,
      Predicate<String> owns, int maxQueuedWork) {
    this(readyTimeoutMillis, maxQueryBackoffMillis, owns, maxQueuedWork,
        Limits.DEFAULT.maxValueBytes());
  }

  public ParticipantConfig {
    if (maxValueBytes < 0) {
      throw new IllegalArgumentException("maxValueBytes must be >= 0, got " + maxValueBytes);
    }
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
    return new ParticipantConfig(readyTimeoutMillis, maxQueryBackoffMillis, owns, maxQueuedWork,
        maxValueBytes);
  }

  /** A copy with another bound on queued work. */
  public ParticipantConfig withMaxQueuedWork(int max) {
    return new ParticipantConfig(readyTimeoutMillis, maxQueryBackoffMillis, owns, max,
        maxValueBytes);
  }

  /** A copy with another bound on value size. */
  public ParticipantConfig withMaxValueBytes(int max) {
    return new ParticipantConfig(readyTimeoutMillis, maxQueryBackoffMillis, owns, maxQueuedWork,
        max);
  }
}
