package io.ringtx.client;

import java.util.Optional;

/** PLACEHOLDER for the Java client being built elsewhere (drop on merge). */
public final class RingTxClient implements AutoCloseable {
  private final String url;

  RingTxClient(String url) {
    this.url = url;
  }

  /** Reads a key outside any transaction. */
  public Optional<KeyValue> get(String key) {
    throw new UnsupportedOperationException("placeholder client cannot reach " + url);
  }

  /** Runs {@code fn} in a transaction, retrying on CONFLICT; returns fn's result. */
  public <T> T run(TxFunction<T> fn) {
    throw new UnsupportedOperationException("placeholder client cannot reach " + url);
  }

  @Override
  public void close() {}
}
