package io.ringtx.dist.local;

/** PLACEHOLDER for the in-JVM local cluster being built elsewhere (drop on merge). */
public final class LocalCluster implements AutoCloseable {
  private LocalCluster() {}

  /** Starts a whole cluster (participants and one coordinator) inside this JVM. */
  public static LocalCluster start(LocalClusterConfig cfg) throws Exception {
    throw new UnsupportedOperationException("LocalCluster is not merged into this branch yet");
  }

  /** The coordinator's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void close() {}
}
