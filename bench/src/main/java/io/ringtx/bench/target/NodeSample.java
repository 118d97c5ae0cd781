package io.ringtx.bench.target;

import java.util.Map;

/**
 * Cumulative counters of one node at one moment; null where the node does not tell.
 *
 * @param forcedWrites forced (fsynced) write sets requested of its store
 * @param syncs fsyncs its store performed for them (group commit: several writes per sync)
 * @param lazyWrites unforced write sets
 * @param cpuNanos CPU time of the node's process
 * @param phases a coordinator's phase latency histograms by phase name ({@code prepare}, {@code
 *     decision}, ...); empty for a node that has none
 * @param jitNanos time the node's JIT compiler spent compiling
 * @param gcNanos time the node's garbage collectors spent
 * @param cpuWaitNanos time the node's threads spent ready to run but waiting for a CPU
 */
public record NodeSample(Long forcedWrites, Long syncs, Long lazyWrites, Long cpuNanos,
    Map<String, PhaseBuckets> phases, Long jitNanos, Long gcNanos, Long cpuWaitNanos) {
  /** A node that told nothing. */
  public static final NodeSample EMPTY = new NodeSample(null, null, null, null);

  public NodeSample {
    phases = phases == null ? Map.of() : Map.copyOf(phases);
  }

  /** A sample without JVM times. */
  public NodeSample(Long forcedWrites, Long syncs, Long lazyWrites, Long cpuNanos,
      Map<String, PhaseBuckets> phases) {
    this(forcedWrites, syncs, lazyWrites, cpuNanos, phases, null, null, null);
  }

  /** A sample without phase histograms or JVM times. */
  public NodeSample(Long forcedWrites, Long syncs, Long lazyWrites, Long cpuNanos) {
    this(forcedWrites, syncs, lazyWrites, cpuNanos, Map.of());
  }

  /** This sample with {@code cpuNanos} set. */
  public NodeSample withCpuNanos(Long nanos) {
    return new NodeSample(forcedWrites, syncs, lazyWrites, nanos, phases, jitNanos, gcNanos,
        cpuWaitNanos);
  }
}
