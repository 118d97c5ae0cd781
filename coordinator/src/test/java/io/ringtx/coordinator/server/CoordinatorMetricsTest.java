package io.ringtx.coordinator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.coordinator.core.CoordinatorObserver.TxPhase;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.metrics.PromText;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The phase histograms: timed by the metrics' own clock, to a tenth of a millisecond. */
class CoordinatorMetricsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final CoordinatorMetrics metrics = new CoordinatorMetrics(nanos::get);

  private String text() {
    return metrics.render(new PromText()).toString();
  }

  private static String bucket(String phase, String le) {
    return "ringtx_coordinator_phase_seconds_bucket{phase=\"" + phase + "\",le=\"" + le + "\"} ";
  }

  @Test
  void aPhaseShorterThanAMillisecond_landsInItsOwnBucket_withItsExactSum() {
    TxId t = TxId.of("c-1");
    metrics.phaseBegins(t);
    nanos.addAndGet(250_000); // 0.25 ms; the core's millisecond clock would say 0
    metrics.phase(t, TxPhase.PREPARE, 0);
    String text = text();
    assertThat(text)
        .contains(bucket("prepare", "0.0002") + "0")
        .contains(bucket("prepare", "0.0003") + "1")
        .contains(bucket("prepare", "+Inf") + "1")
        .contains("ringtx_coordinator_phase_seconds_sum{phase=\"prepare\"} 0.00025\n")
        .contains("ringtx_coordinator_phase_seconds_count{phase=\"decision\"} 0\n");
  }

  @Test
  void consecutivePhases_areEachTimedFromTheirOwnBeginning() {
    TxId t = TxId.of("c-2");
    metrics.phaseBegins(t);
    nanos.addAndGet(400_000);
    metrics.phase(t, TxPhase.PREPARE, 0);
    metrics.phaseBegins(t);
    nanos.addAndGet(1_200_000);
    metrics.phase(t, TxPhase.DECISION, 1);
    assertThat(text())
        .contains(bucket("prepare", "0.0004") + "1")
        .contains(bucket("decision", "0.001") + "0")
        .contains(bucket("decision", "0.0015") + "1");
  }

  @Test
  void aPhaseWhoseBeginningWasNotSeen_countsTheCoresMilliseconds() {
    metrics.phase(TxId.of("c-3"), TxPhase.ACKNOWLEDGE, 7);
    assertThat(text())
        .contains(bucket("acknowledge", "0.005") + "0")
        .contains(bucket("acknowledge", "0.0075") + "1")
        .contains("ringtx_coordinator_phase_seconds_sum{phase=\"acknowledge\"} 0.007\n");
  }

  @Test
  void beginningsNeverEnded_areDroppedPastTheBound_notKeptForEver() {
    TxId first = TxId.of("c-first");
    metrics.phaseBegins(first);
    for (int i = 0; i < CoordinatorMetrics.MAX_OPEN_PHASES; i++) {
      metrics.phaseBegins(TxId.of("c-" + i));
    }
    nanos.addAndGet(100_000);
    // The first beginning was dropped: the phase falls back to the core's 3 ms.
    metrics.phase(first, TxPhase.PREPARE, 3);
    assertThat(text()).contains(bucket("prepare", "0.002") + "0")
        .contains(bucket("prepare", "0.003") + "1");
  }
}
