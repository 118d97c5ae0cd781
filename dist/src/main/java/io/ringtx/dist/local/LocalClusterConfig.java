package io.ringtx.dist.local;

import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.protocol.api.Limits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of an in-JVM cluster: where its nodes keep their data (one directory per node under
 * {@code dataDir}), how many participants, and where the coordinator's HTTP API listens ({@code
 * httpPort} 0 picks a free port).
 */
public record LocalClusterConfig(
    Path dataDir,
    int participants,
    String host,
    int httpPort,
    ParticipantConfig participant,
    CoordinatorConfig coordinator,
    Limits limits,
    long requestTimeoutMillis) {
  public LocalClusterConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    if (participants < 1 || participants > 64) {
      throw new IllegalArgumentException("participants must be 1-64, got " + participants);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("http port must be 0-65535, got " + httpPort);
    }
    if (requestTimeoutMillis <= 0) {
      throw new IllegalArgumentException("request timeout must be positive");
    }
  }

  public LocalClusterConfig(Path dataDir, int participants, String host, int httpPort) {
    this(dataDir, participants, host, httpPort, ParticipantConfig.defaults(),
        CoordinatorConfig.defaults(), Limits.DEFAULT, 1_000);
  }

  /** Three participants, loopback, a free port. */
  public static LocalClusterConfig defaults(Path dataDir) {
    return new LocalClusterConfig(dataDir, 3, "127.0.0.1", 0);
  }
}
