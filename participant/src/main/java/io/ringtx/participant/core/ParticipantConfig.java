package io.ringtx.participant.core;

import java.util.function.Predicate;

/**
 * Settings of the participant state machine. {@code readyTimeoutMillis}: how long a READY
 * transaction waits for a decision before asking for it; queries then back off, doubling up to
 * {@code maxQueryBackoffMillis}. {@code owns}: whether this shard owns a key (DESIGN §4: every
 * request is checked).
 */
public record ParticipantConfig(
    long readyTimeoutMillis, long maxQueryBackoffMillis, Predicate<String> owns) {
  public ParticipantConfig {
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
    return new ParticipantConfig(readyTimeoutMillis, maxQueryBackoffMillis, owns);
  }
}
