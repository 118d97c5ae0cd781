package io.ringtx.dist.demo;

import java.util.concurrent.atomic.LongAdder;

/** Running counts of the transfers, updated by every client thread, read by the progress line. */
final class Tally {
  private final LongAdder committed = new LongAdder();
  private final LongAdder aborted = new LongAdder();
  private final LongAdder abortsRetried = new LongAdder();
  private final LongAdder errors = new LongAdder();

  void record(TransferOutcome outcome) {
    if (outcome.committed()) {
      committed.increment();
    } else {
      aborted.increment();
    }
    abortsRetried.add(outcome.abortsRetried());
  }

  /** Counts a transfer that ended in an exception: its outcome is unknown to the demo. */
  void error() {
    errors.increment();
  }

  Counts counts() {
    return new Counts(committed.sum(), aborted.sum(), abortsRetried.sum(), errors.sum());
  }

  /** A reading of the counters; not atomic across counters, which progress lines tolerate. */
  record Counts(long committed, long aborted, long abortsRetried, long errors) {}
}
