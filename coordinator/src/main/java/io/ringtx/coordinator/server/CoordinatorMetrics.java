package io.ringtx.coordinator.server;

import io.ringtx.coordinator.core.CoordinatorObserver;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.metrics.Histogram;
import io.ringtx.protocol.metrics.PromText;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The coordinator's transaction metrics, fed by its core ({@link CoordinatorObserver}) and read
 * by scrapes on any thread: transactions begun, answered by outcome and abort reason, and the
 * 2PC phase latencies as histograms. Every series exists from the start, at 0.
 */
final class CoordinatorMetrics implements CoordinatorObserver {
  /**
   * Phase starts held at most; past it they are dropped (a phase whose end never came, such as an
   * abort acknowledged before its record was durable, must not hold memory for ever).
   */
  static final int MAX_OPEN_PHASES = 100_000;

  private final LongAdder begun = new LongAdder();
  private final LongAdder committed = new LongAdder();
  private final LongAdder unknown = new LongAdder();
  private final Map<Reason, LongAdder> aborted = new EnumMap<>(Reason.class);
  private final Map<TxPhase, Histogram> phases = new EnumMap<>(TxPhase.class);
  private final LongSupplier nanoClock;
  /**
   * When the running phase of each transaction began, by this clock: the core's own times are
   * milliseconds, too coarse for phases of tenths of a millisecond. Touched on the core's thread
   * only.
   */
  private final Map<TxId, Long> phaseStarts = new HashMap<>();

  CoordinatorMetrics() {
    this(System::nanoTime);
  }

  /** With {@code nanoClock} (System.nanoTime, or a test's) timing the phases. */
  CoordinatorMetrics(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    for (Reason r : Reason.values()) {
      aborted.put(r, new LongAdder());
    }
    for (TxPhase p : TxPhase.values()) {
      phases.put(p, Histogram.nanosAsSeconds());
    }
  }

  @Override
  public void begun() {
    begun.increment();
  }

  @Override
  public void answered(TxResult result) {
    if (result.outcome() == Outcome.COMMITTED) {
      committed.increment();
    } else if (result.outcome() == Outcome.ABORTED && result.reason() != null) {
      aborted.get(result.reason()).increment();
    } else {
      unknown.increment();
    }
  }

  @Override
  public void phaseBegins(TxId id) {
    if (phaseStarts.size() >= MAX_OPEN_PHASES) {
      phaseStarts.clear();
    }
    phaseStarts.put(id, nanoClock.getAsLong());
  }

  @Override
  public void phase(TxId id, TxPhase phase, long millis) {
    Long start = phaseStarts.remove(id);
    long nanos = start != null ? nanoClock.getAsLong() - start : millis * 1_000_000;
    phases.get(phase).observe(Math.max(0, nanos));
  }

  /** Appends every family to {@code out}. */
  PromText render(PromText out) {
    Map<String, Long> byReason = new LinkedHashMap<>();
    aborted.forEach((r, a) -> byReason.put(r.name(), a.sum()));
    Map<String, Histogram> byPhase = new LinkedHashMap<>();
    phases.forEach((p, h) -> byPhase.put(p.name().toLowerCase(Locale.ROOT), h));
    return out
        .counter("ringtx_coordinator_tx_begun_total",
            "Transactions this coordinator started (retries of a known id are not counted).",
            begun.sum())
        .counter("ringtx_coordinator_tx_committed_total",
            "Transactions answered COMMITTED.", committed.sum())
        .counter("ringtx_coordinator_tx_aborted_total",
            "Transactions answered ABORTED, by reason.", "reason", byReason)
        .counter("ringtx_coordinator_tx_unknown_total",
            "Transactions whose outcome could not be learned when the client was answered.",
            unknown.sum())
        .histogram("ringtx_coordinator_phase_seconds",
            "Duration of each phase: prepare (votes), decision (forcing it), acknowledge "
                + "(decision durable to every ack), one_phase, validate.",
            "phase", byPhase);
  }
}
