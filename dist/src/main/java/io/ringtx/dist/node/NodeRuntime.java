package io.ringtx.dist.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What a running node tells the tools about itself: written to {@code <dataDir>/node.json} once
 * the node serves (atomically: a reader never sees half a file) and removed when it stops
 * cleanly. A file left behind by a killed node names a pid that is no longer alive. {@code tls}:
 * whether its HTTP endpoint serves HTTPS. {@code rpcPort}: the port of its TCP RPC server, which
 * other nodes send their requests to (0 with transport {@code eventbus}, or in a file written
 * before there was one).
 */
public record NodeRuntime(
    String nodeId,
    String role,
    long pid,
    String host,
    int httpPort,
    int busPort,
    int hazelcastPort,
    String clusterName,
    long startedAtMillis,
    boolean tls,
    int rpcPort) {

  /** The file name inside a node's data directory. */
  public static final String FILE = "node.json";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /**
   * The node's HTTP base URL (the client API on a coordinator; health and metrics on all):
   * {@code https://} when the node serves TLS.
   */
  public String url() {
    return (tls ? "https://" : "http://") + host + ":" + httpPort;
  }

  /** Writes {@code <dataDir>/node.json} atomically. */
  public void write(Path dataDir) throws IOException {
    Path tmp = dataDir.resolve(FILE + ".tmp");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    try {
      Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Reads {@code <dataDir>/node.json}, if there is one. */
  public static Optional<NodeRuntime> read(Path dataDir) throws IOException {
    Path f = dataDir.resolve(FILE);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(f.toFile(), NodeRuntime.class));
  }

  /** Removes the file (clean stop). */
  public static void delete(Path dataDir) throws IOException {
    Files.deleteIfExists(dataDir.resolve(FILE));
  }
}
