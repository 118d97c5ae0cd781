package io.ringtx.dist.cluster;

/**
 * An expected failure of a cluster operation, with the exit code the {@code ringtx cluster}
 * commands end with: {@link #USAGE} for a request that cannot be carried out as asked (unknown
 * node, a directory that is not a cluster, a cluster that is already running), {@link #FAILED}
 * for an operation that was tried and failed (a node that did not come up in time).
 */
public final class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code of a request that cannot be carried out; nothing was changed. */
  public static final int USAGE = 2;

  /** Exit code of an operation that was tried and failed. */
  public static final int FAILED = 1;

  private final int exitCode;

  private ClusterException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A request that cannot be carried out as asked; nothing was changed. */
  public static ClusterException usage(String message) {
    return new ClusterException(USAGE, message, null);
  }

  /** An operation that was tried and failed. */
  public static ClusterException failed(String message) {
    return new ClusterException(FAILED, message, null);
  }

  /** An operation that was tried and failed because of {@code cause}. */
  public static ClusterException failed(String message, Throwable cause) {
    return new ClusterException(FAILED, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
