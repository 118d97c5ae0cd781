package io.ringtx.bench.target;

/**
 * Cumulative counters of one node at one moment; null where the node does not tell.
 *
 * @param forcedWrites forced (fsynced) write sets requested of its store
 * @param syncs fsyncs its store performed for them (group commit: several writes per sync)
 * @param lazyWrites unforced write sets
 * @param cpuNanos CPU time of the node's process
 */
public record NodeSample(Long forcedWrites, Long syncs, Long lazyWrites, Long cpuNanos) {
  /** A node that told nothing. */
  public static final NodeSample EMPTY = new NodeSample(null, null, null, null);

  /** This sample with {@code cpuNanos} set. */
  public NodeSample withCpuNanos(Long nanos) {
    return new NodeSample(forcedWrites, syncs, lazyWrites, nanos);
  }
}
