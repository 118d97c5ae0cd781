package io.ringtx.bench.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The coordinator's phase histograms, read from its metrics text and turned into percentiles. */
class PhaseMetricsTest {
  private static final String TEXT = """
      # HELP ringtx_store_syncs_total fsyncs
      # TYPE ringtx_store_syncs_total counter
      ringtx_store_syncs_total 12
      # HELP ringtx_coordinator_phase_seconds Duration of each phase
      # TYPE ringtx_coordinator_phase_seconds histogram
      ringtx_coordinator_phase_seconds_bucket{phase="prepare",le="0.0002"} 0
      ringtx_coordinator_phase_seconds_bucket{phase="prepare",le="0.0004"} 6
      ringtx_coordinator_phase_seconds_bucket{phase="prepare",le="0.001"} 10
      ringtx_coordinator_phase_seconds_bucket{phase="prepare",le="+Inf"} 10
      ringtx_coordinator_phase_seconds_sum{phase="prepare"} 0.0041
      ringtx_coordinator_phase_seconds_count{phase="prepare"} 10
      ringtx_coordinator_phase_seconds_bucket{phase="decision",le="0.0002"} 0
      ringtx_coordinator_phase_seconds_bucket{phase="decision",le="0.0004"} 0
      ringtx_coordinator_phase_seconds_bucket{phase="decision",le="0.001"} 0
      ringtx_coordinator_phase_seconds_bucket{phase="decision",le="+Inf"} 0
      ringtx_coordinator_phase_seconds_sum{phase="decision"} 0
      ringtx_coordinator_phase_seconds_count{phase="decision"} 0
      ringtx_coordinator_phase_seconds_bucket{phase="broken",le="0.0002"} 5
      ringtx_coordinator_phase_seconds_bucket{phase="broken",le="0.0004"} 3
      ringtx_coordinator_phase_seconds_sum{phase="broken"} 1
      ringtx_coordinator_phase_seconds_count{phase="broken"} 5
      ringtx_coordinator_phase_seconds_bucket{phase="nocount",le="0.0002"} 1
      ringtx_coordinator_phase_seconds_sum{phase="nocount"} 1
      """;

  @Test
  void theHistogramsOfEachPhase_areRead_andInconsistentOnesLeftOut() {
    NodeSample s = PrometheusText.sample(TEXT);
    assertThat(s.syncs()).isEqualTo(12);
    assertThat(s.phases()).containsOnlyKeys("prepare", "decision");
    PhaseBuckets prepare = s.phases().get("prepare");
    assertThat(prepare.bounds()).containsExactly(0.0002, 0.0004, 0.001);
    assertThat(prepare.cumulative()).containsExactly(0, 6, 10);
    assertThat(prepare.count()).isEqualTo(10);
    assertThat(prepare.sumSeconds()).isEqualTo(0.0041);
  }

  @Test
  void quantiles_areInterpolatedWithinTheirBucket() {
    PhaseBuckets prepare = PrometheusText.sample(TEXT).phases().get("prepare");
    // 5 of 10 lie in (0.2, 0.4] ms with the 6 there: the median is 5/6 of the way.
    assertThat(prepare.quantile(0.5)).isCloseTo(0.0002 + 0.0002 * 5 / 6, within(1e-12));
    // 9 of 10: the 3rd of the 4 in (0.4, 1] ms.
    assertThat(prepare.quantile(0.9)).isCloseTo(0.0004 + 0.0006 * 3 / 4, within(1e-12));
    assertThat(PrometheusText.sample(TEXT).phases().get("decision").quantile(0.5)).isNaN();
  }

  @Test
  void theMeasuredWindow_isTheDifferenceOfTwoSamples_summedOverCoordinators() {
    PhaseBuckets before = new PhaseBuckets(new double[] {0.001, 0.002}, new long[] {4, 5}, 0.005,
        6);
    PhaseBuckets after = new PhaseBuckets(new double[] {0.001, 0.002}, new long[] {4, 9}, 0.012,
        11);
    PhaseBuckets window = after.minus(before);
    assertThat(window.cumulative()).containsExactly(0, 4);
    assertThat(window.count()).isEqualTo(5);
    assertThat(window.sumSeconds()).isCloseTo(0.007, within(1e-12));
    assertThat(window.plus(window).cumulative()).containsExactly(0, 8);
    // One observation beyond the last bound: its quantile is that bound.
    assertThat(window.quantile(1.0)).isEqualTo(0.002);
    PhaseBuckets other = new PhaseBuckets(new double[] {0.001}, new long[] {1}, 0.001, 1);
    assertThat(window.plus(other)).isNull();
    assertThat(Map.of("p", window)).containsEntry("p", after.minus(before));
  }
}
