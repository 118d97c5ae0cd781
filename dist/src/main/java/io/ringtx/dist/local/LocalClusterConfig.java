package io.ringtx.dist.local;

import java.nio.file.Path;

/** PLACEHOLDER for the in-JVM local cluster being built elsewhere (drop on merge). */
public record LocalClusterConfig(Path dataDir, int participants, String host, int httpPort) {}
