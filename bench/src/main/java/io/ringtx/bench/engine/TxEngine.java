package io.ringtx.bench.engine;

/**
 * Runs benchmark transactions against a system under test. Thread-safe: every worker of a run
 * shares one engine. An outcome — commit, abort or error — is a value, never an exception: the
 * harness counts them all.
 */
public interface TxEngine extends AutoCloseable {
  /** Runs {@code body} as one serializable transaction and says how it ended. */
  Attempt execute(TxBody body);

  /** Releases connections; the target itself stays up. */
  @Override
  void close();
}
