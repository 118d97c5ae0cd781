package io.ringtx.bench.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, as written to {@code result.json} (format {@link #FORMAT}). Times
 * are in milliseconds unless a field's name says otherwise; counters cover the measured window
 * only (after the warmup). A field a target cannot tell is null, and left out of the file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "tool", "startedAt", "options", "target", "machine", "summary",
    "latencyMs", "timeline", "nodes", "storeTotals", "benchJvm", "bank", "histograms"})
public record BenchResult(
    int format,
    String tool,
    String startedAt,
    Options options,
    Target target,
    Machine machine,
    Summary summary,
    Latencies latencyMs,
    List<Tick> timeline,
    Map<String, Node> nodes,
    StoreTotals storeTotals,
    BenchJvm benchJvm,
    Bank bank,
    Histograms histograms) {

  /** The version of this layout; bumped when a field changes meaning or goes away. */
  public static final int FORMAT = 1;

  /** The options of the run. {@code rate} is null for a closed loop. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Options(
      String workload,
      int keys,
      int valueSize,
      int opsPerTxn,
      String dist,
      Double zipfTheta,
      long seed,
      double durationSeconds,
      double warmupSeconds,
      String loop,
      int concurrency,
      Double rate,
      int maxAttempts,
      boolean load) {}

  /** What ran the transactions. */
  public record Target(String kind, String description, List<String> urls) {}

  /** The machine and JVM of the harness. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Machine(
      int cores,
      String os,
      String arch,
      String jvmVersion,
      String jvmName,
      String jvmVendor,
      long maxHeapBytes,
      Double loadAverageStart,
      Double loadAverageEnd) {}

  /**
   * Counts over the measured window: {@code transactions} ended in it (committed, aborted or
   * failed; each counts once, however many attempts it took). {@code missedStarts} (open loop
   * only): starts the schedule had due within the run that never began because the workers were
   * still busy when it ended — a sign of overload. {@code aborted} are transactions the system aborted (by its
   * reason); {@code failed} are those whose outcome the harness could not learn or that hit an
   * error (by kind, such as {@code OUTCOME_UNKNOWN}). {@code secondHalfRatio}: commits per second
   * in the second half of the measured window over those in the first (from the progress
   * ticks; null with fewer than four): well above 1 means the system was still warming up.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Summary(
      double measuredSeconds,
      long transactions,
      Long missedStarts,
      long committed,
      double committedPerSecond,
      long aborted,
      double abortRate,
      Map<String, Long> abortsByReason,
      long failed,
      Map<String, Long> failuresByReason,
      Double secondHalfRatio) {}

  /**
   * Latency of committed transactions. {@code total}: from the (intended) start to the outcome;
   * {@code readPhase}: the transaction's body, whose reads go to the cluster; {@code commitCall}:
   * from the body's end to the outcome; {@code commitOneShard} and {@code commitCrossShard}: the
   * commit call of the transactions whose keys one shard owns (one-phase commit) and of those
   * that span several (two-phase commit), when the engine knew the ring (null otherwise, or when
   * there were none); {@code serviceTime} (open loop only): from the actual start, without the
   * wait for a free worker. {@code coordinatorPhases}: the coordinators' own timing of the
   * commit's phases over the measured window (their metrics), by phase.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Latencies(
      Stats total, Stats readPhase, Stats commitCall, Stats commitOneShard,
      Stats commitCrossShard, Stats serviceTime, Map<String, PhaseStats> coordinatorPhases) {}

  /**
   * One phase of the commit as the coordinators timed it ({@code ringtx_coordinator_phase_seconds}):
   * {@code prepare} (vote requests sent to the last vote), {@code decision} (forcing the decision
   * record), {@code acknowledge} (decision durable to the last acknowledgement), {@code
   * one_phase}, {@code validate}. Percentiles are read from the histogram's buckets (0.1 ms apart
   * at the low end), the mean from its sum; null when the phase did not occur.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PhaseStats(long count, Double mean, Double p50, Double p90, Double p99) {}

  /** One latency distribution; {@code percentiles} is the curve for plots. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stats(
      long count,
      double mean,
      double p50,
      double p90,
      double p99,
      double p999,
      double max,
      List<Point> percentiles) {}

  /** The latency at one percentile. */
  public record Point(double percentile, double ms) {}

  /**
   * One progress interval. {@code t}: seconds since the run began (warmup included) at the
   * interval's end; rates per second over the interval; latencies of the interval's commits.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Tick(
      double t,
      boolean warmup,
      double committedPerSecond,
      double abortedPerSecond,
      Double p50,
      Double p99) {}

  /**
   * One node's counters over the measured window: forced writes and fsyncs of its store, their
   * ratio (the mean group-commit batch), its CPU time (in seconds, and as a share of one core
   * over the window), the seconds its JVM spent in JIT compilation and garbage collection, and
   * the seconds its threads spent ready to run but waiting for a CPU (summed over its threads).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(
      Long forcedWrites,
      Long syncs,
      Long lazyWrites,
      Double meanBatch,
      Double cpuSeconds,
      Double cpuCores,
      Double jitSeconds,
      Double gcSeconds,
      Double cpuWaitSeconds) {
    /** A node whose JVM times are not known. */
    public Node(Long forcedWrites, Long syncs, Long lazyWrites, Double meanBatch,
        Double cpuSeconds, Double cpuCores) {
      this(forcedWrites, syncs, lazyWrites, meanBatch, cpuSeconds, cpuCores, null, null, null);
    }
  }

  /** The stores' counters summed over the nodes that told them, and per committed transaction. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StoreTotals(
      long forcedWrites,
      long syncs,
      Double meanBatch,
      Double forcedWritesPerCommit,
      Double syncsPerCommit,
      List<String> nodesNotReporting) {}

  /** The harness's own JVM: for embedded and rocksdb-local targets it holds the nodes too. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BenchJvm(Double cpuSeconds, Double cpuCores, String note) {}

  /** The bank's audit: the sum of every balance before and after the run. */
  public record Bank(int accounts, long expectedTotal, long totalBefore, long totalAfter,
      boolean conserved) {}

  /**
   * The latency histograms, HdrHistogram's compressed encoding in base64, values in microseconds:
   * for recomputing any percentile or merging runs later.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Histograms(String unit, String total, String readPhase, String commitCall) {}
}
