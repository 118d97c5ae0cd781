package io.ringtx.client;

/** PLACEHOLDER for the Java client being built elsewhere (drop on merge). */
public final class RingTx {
  private RingTx() {}

  /** Connects to the coordinator at {@code url}, e.g. {@code http://127.0.0.1:8080}. */
  public static RingTxClient connect(String url) {
    return new RingTxClient(url);
  }
}
