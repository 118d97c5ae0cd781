package io.ringtx.bench.engine;

/** The body of one benchmark transaction; it may run again if the engine retries a conflict. */
@FunctionalInterface
public interface TxBody {
  /** Reads and writes through {@code tx}; returning commits, throwing aborts. */
  void apply(TxView tx);
}
