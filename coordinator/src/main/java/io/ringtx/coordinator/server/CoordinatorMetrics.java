package io.ringtx.coordinator.server;

import io.ringtx.coordinator.core.CoordinatorObserver;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.metrics.Histogram;
import io.ringtx.protocol.metrics.PromText;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The coordinator's transaction metrics, fed by its core ({@link CoordinatorObserver}) and read
 * by scrapes on any thread: transactions begun, answered by outcome and abort reason, and the
 * 2PC phase latencies as histograms. Every series exists from the start, at 0.
 */
final class CoordinatorMetrics implements CoordinatorObserver {
  private final LongAdder begun = new LongAdder();
  private final LongAdder committed = new LongAdder();
  private final LongAdder unknown = new LongAdder();
  private final Map<Reason, LongAdder> aborted = new EnumMap<>(Reason.class);
  private final Map<TxPhase, Histogram> phases = new EnumMap<>(TxPhase.class);

  CoordinatorMetrics() {
    for (Reason r : Reason.values()) {
      aborted.put(r, new LongAdder());
    }
    for (TxPhase p : TxPhase.values()) {
      phases.put(p, Histogram.millisAsSeconds());
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
  public void phase(TxPhase phase, long millis) {
    phases.get(phase).observe(Math.max(0, millis));
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
