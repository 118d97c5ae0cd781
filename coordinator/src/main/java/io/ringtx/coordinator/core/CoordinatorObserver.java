package io.ringtx.coordinator.core;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.TxResult;

/**
 * What a {@link CoordinatorCore} reports as it runs transactions, for metrics. The core calls it
 * on its own thread with durations computed from the {@code now} of its events (no clock of its
 * own); an implementation must be cheap and must never throw. Nothing it does can influence a
 * decision: the core ignores it otherwise.
 */
public interface CoordinatorObserver {
  /** The timed phases of a transaction. */
  enum TxPhase {
    /** 2PC: VOTE-REQs sent until every vote is in (or the first no, or the vote timeout). */
    PREPARE,
    /** 2PC: the decision made until its record is durable (COMMIT, or a forced abort). */
    DECISION,
    /** 2PC: the decision durable until every writing shard acknowledged it. */
    ACKNOWLEDGE,
    /** A transaction on one shard: request sent until its answer. */
    ONE_PHASE,
    /** A read-only transaction: validations sent until every shard answered. */
    VALIDATE
  }

  /** A client's transaction started (not a retry of one already known). */
  void begun();

  /** The client was given {@code result} (once per begun transaction). */
  void answered(TxResult result);

  /**
   * A timed phase of transaction {@code id} begins now (the one before it, if any, was reported
   * by {@link #phase} just before): an observer with a finer clock than the core's may time the
   * phase itself.
   */
  void phaseBegins(TxId id);

  /**
   * Phase {@code phase} of transaction {@code id} ended; by the core's clock it took {@code
   * millis}.
   */
  void phase(TxId id, TxPhase phase, long millis);

  /** Reports nothing. */
  CoordinatorObserver NONE =
      new CoordinatorObserver() {
        @Override
        public void begun() {}

        @Override
        public void answered(TxResult result) {}

        @Override
        public void phaseBegins(TxId id) {}

        @Override
        public void phase(TxId id, TxPhase phase, long millis) {}
      };
}
