package io.ringtx.dist.local;

import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.protocol.api.Limits;
import io.ringtx.storage.LogPruner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an in-JVM cluster: where its nodes keep their data (one directory per node under
 * {@code dataDir}), how many participants, and where the coordinator's HTTP API listens ({@code
 * httpPort} 0 picks a free port). Every node forgets its finished transactions {@code
 * outcomeRetention} after they finished, looking every {@code pruneEvery}, as a process node does
 * ({@code outcomeRetentionSeconds}, by default an hour, every minute).
 */
public record LocalClusterConfig(
    Path dataDir,
    int participants,
    String host,
    int httpPort,
    ParticipantConfig participant,
    CoordinatorConfig coordinator,
    Limits limits,
    long requestTimeoutMillis,
    Duration outcomeRetention,
    Duration pruneEvery) {
  /** As a process node's default {@code outcomeRetentionSeconds}. */
  public static final Duration DEFAULT_OUTCOME_RETENTION = Duration.ofHours(1);

  /** Most participants of one in-JVM cluster, as of a process cluster. */
  public static final int MAX_PARTICIPANTS = 64;

  public LocalClusterConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    if (participants < 1 || participants > MAX_PARTICIPANTS) {
      throw new IllegalArgumentException(
          "participants must be 1-" + MAX_PARTICIPANTS + ", got " + participants);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("http port must be 0-65535, got " + httpPort);
    }
    if (requestTimeoutMillis <= 0) {
      throw new IllegalArgumentException("request timeout must be positive");
    }
    Objects.requireNonNull(outcomeRetention, "outcomeRetention");
    Objects.requireNonNull(pruneEvery, "pruneEvery");
    if (outcomeRetention.isNegative() || outcomeRetention.isZero()) {
      throw new IllegalArgumentException(
          "outcome retention must be positive, got " + outcomeRetention);
    }
    if (pruneEvery.isNegative() || pruneEvery.isZero()) {
      throw new IllegalArgumentException("prune interval must be positive, got " + pruneEvery);
    }
  }

  public LocalClusterConfig(
      Path dataDir, int participants, String host, int httpPort, ParticipantConfig participant,
      CoordinatorConfig coordinator, Limits limits, long requestTimeoutMillis) {
    this(dataDir, participants, host, httpPort, participant, coordinator, limits,
        requestTimeoutMillis, DEFAULT_OUTCOME_RETENTION, LogPruner.DEFAULT_EVERY);
  }

  public LocalClusterConfig(Path dataDir, int participants, String host, int httpPort) {
    this(dataDir, participants, host, httpPort, ParticipantConfig.defaults(),
        CoordinatorConfig.defaults(), Limits.DEFAULT, 1_000);
  }

  /** This configuration with finished transactions forgotten after {@code retention}. */
  public LocalClusterConfig withPruning(Duration retention, Duration every) {
    return new LocalClusterConfig(dataDir, participants, host, httpPort, participant, coordinator,
        limits, requestTimeoutMillis, retention, every);
  }

  /** Three participants, loopback, a free port. */
  public static LocalClusterConfig defaults(Path dataDir) {
    return new LocalClusterConfig(dataDir, 3, "127.0.0.1", 0);
  }
}
