package io.ringtx.coordinator.sim;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The last lines of what happened in a run, kept only when enabled (a failing seed is replayed
 * with tracing on, so the fast path builds no strings).
 */
final class SimTrace {
  /** Off, the last lines only (to explain a failure), or everything. */
  enum Mode {
    OFF(0),
    TAIL(400),
    FULL(Integer.MAX_VALUE);

    private final int keep;

    Mode(int keep) {
      this.keep = keep;
    }

    int keep() {
      return keep;
    }
  }

  private final boolean enabled;
  private final int keep;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final SimScheduler clock;

  SimTrace(SimScheduler clock, boolean enabled, int keep) {
    this.clock = clock;
    this.enabled = enabled;
    this.keep = keep;
  }

  boolean enabled() {
    return enabled;
  }

  void log(Supplier<String> line) {
    if (!enabled) {
      return;
    }
    if (lines.size() == keep) {
      lines.removeFirst();
    }
    lines.addLast(String.format("%7d  %s", clock.now(), line.get()));
  }

  String tail() {
    return String.join("\n", lines);
  }
}
