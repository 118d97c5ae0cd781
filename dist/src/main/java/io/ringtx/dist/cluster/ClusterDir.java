package io.ringtx.dist.cluster;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files of a process cluster, all under one directory, so that nothing outside it is
 * touched:
 *
 * <pre>
 * DIR/cluster.json          the layout: cluster name, nodes, roles, ports ({@link ClusterLayout})
 * DIR/cluster.lock          locked while a command changes cluster.json ({@link ClusterLock})
 * DIR/&lt;id&gt;/config.json     the node's configuration file (ringtx participant|coordinator --config)
 * DIR/&lt;id&gt;/data/           the node's data directory; the node writes data/node.json while it serves
 * DIR/&lt;id&gt;/node.log        the node's stdout and stderr, appended across restarts
 * DIR/&lt;id&gt;/pid             the node's process id while the tools consider it started
 * </pre>
 */
public record ClusterDir(Path root) {
  /** The layout file's name. */
  public static final String LAYOUT_FILE = "cluster.json";

  public ClusterDir {
    root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  public Path layoutFile() {
    return root.resolve(LAYOUT_FILE);
  }

  public Path lockFile() {
    return root.resolve("cluster.lock");
  }

  public Path nodeDir(String id) {
    return root.resolve(id);
  }

  public Path configFile(String id) {
    return nodeDir(id).resolve("config.json");
  }

  public Path dataDir(String id) {
    return nodeDir(id).resolve("data");
  }

  public Path logFile(String id) {
    return nodeDir(id).resolve("node.log");
  }

  public Path pidFile(String id) {
    return nodeDir(id).resolve("pid");
  }
}
