package io.ringtx.bench.run;

import io.ringtx.bench.workload.WorkloadSettings;
import io.ringtx.client.ClientOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a run is driven.
 *
 * @param workload what the transactions do
 * @param duration the measured time, after the warmup
 * @param warmup time run first and not counted (progress is still printed)
 * @param concurrency closed loop: the number of clients, each starting its next transaction when
 *     the last one ends; open loop: the most transactions in flight at once
 * @param rate open loop if > 0: transactions started per second, on a fixed schedule, with
 *     latency measured from each one's intended start; 0 for a closed loop
 * @param maxAttempts attempts per transaction: 1 (the default) counts each conflict as an abort;
 *     more lets the client retry conflicts inside one measured transaction
 * @param load whether to create the workload's initial data first (false to reuse data that a
 *     previous run left in an existing cluster)
 * @param progressInterval how often a progress line is printed
 * @param readsFromOwner whether the Java client reads each key straight from its owning
 *     participant (the default) or through the coordinator
 * @param commitBatch the most commits the Java client sends in one request ({@link
 *     ClientOptions#withMaxCommitBatch}; 1: each alone)
 * @param commitsToOwner whether the Java client sends a one-shard commit straight to its owning
 *     participant (the default, {@link ClientOptions#withDirectCommits}) or every commit to the
 *     coordinator
 * @param readBatch the most transactions' reads the Java client gathers into one request ({@link
 *     ClientOptions#withMaxReadBatch}; 1: each alone)
 */
public record BenchOptions(
    WorkloadSettings workload,
    Duration duration,
    Duration warmup,
    int concurrency,
    double rate,
    int maxAttempts,
    boolean load,
    Duration progressInterval,
    boolean readsFromOwner,
    int commitBatch,
    boolean commitsToOwner,
    int readBatch) {
  /** Validates the options. */
  public BenchOptions {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(progressInterval, "progressInterval");
    if (duration.toMillis() < 1) {
      throw new IllegalArgumentException("duration must be at least 1 ms, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup must not be negative, got " + warmup);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    }
    if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be >= 0 (0: closed loop), got " + rate);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, got " + maxAttempts);
    }
    if (commitBatch < 1 || commitBatch > ClientOptions.MAX_COMMIT_BATCH_LIMIT) {
      throw new IllegalArgumentException("commit batch must be 1.."
          + ClientOptions.MAX_COMMIT_BATCH_LIMIT + ", got " + commitBatch);
    }
    if (readBatch < 1 || readBatch > ClientOptions.MAX_READ_BATCH_LIMIT) {
      throw new IllegalArgumentException("read batch must be 1.."
          + ClientOptions.MAX_READ_BATCH_LIMIT + ", got " + readBatch);
    }
    if (progressInterval.toMillis() < 10) {
      throw new IllegalArgumentException("progress interval must be at least 10 ms");
    }
  }

  /**
   * As the canonical constructor, sending one-shard commits to their owner and gathering reads
   * as the client does by default.
   */
  public BenchOptions(WorkloadSettings workload, Duration duration, Duration warmup,
      int concurrency, double rate, int maxAttempts, boolean load, Duration progressInterval,
      boolean readsFromOwner, int commitBatch) {
    this(workload, duration, warmup, concurrency, rate, maxAttempts, load, progressInterval,
        readsFromOwner, commitBatch, true, ClientOptions.DEFAULT_MAX_READ_BATCH);
  }

  /**
   * As the canonical constructor, reading from each key's owner and batching commits as the
   * client does by default.
   */
  public BenchOptions(WorkloadSettings workload, Duration duration, Duration warmup,
      int concurrency, double rate, int maxAttempts, boolean load, Duration progressInterval) {
    this(workload, duration, warmup, concurrency, rate, maxAttempts, load, progressInterval, true,
        ClientOptions.DEFAULT_MAX_COMMIT_BATCH);
  }

  /** Whether transactions start on a schedule ({@code rate > 0}). */
  public boolean openLoop() {
    return rate > 0;
  }
}
