package io.ringtx.bench.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Runs benchmark transactions against a system under test. Thread-safe: every worker of a run
 * shares one engine. An outcome — commit, abort or error — is a value, never an exception: the
 * harness counts them all.
 */
public interface TxEngine extends AutoCloseable {
  /** Runs {@code body} as one serializable transaction and says how it ended. */
  Attempt execute(TxBody body);

  /**
   * Whether {@link #executeAsync} runs transactions without a thread waiting on each: then the
   * harness runs its clients as chains of callbacks rather than one thread per client.
   */
  default boolean asynchronous() {
    return false;
  }

  /**
   * Runs {@code body} as {@link #execute} does, without blocking the caller; the future ends
   * with the attempt. Only for an engine that is {@link #asynchronous}.
   */
  default CompletableFuture<Attempt> executeAsync(TxBody body) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " runs blocking only");
  }

  /** Releases connections; the target itself stays up. */
  @Override
  void close();
}
