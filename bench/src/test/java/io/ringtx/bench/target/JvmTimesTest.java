package io.ringtx.bench.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.metrics.JvmMetrics;
import io.ringtx.protocol.metrics.PromText;
import org.junit.jupiter.api.Test;

/** A node's JVM times, as its /metrics renders them and the harness reads them. */
class JvmTimesTest {
  @Test
  void theJvmsCpuJitAndGcTimes_areRenderedAndReadBack_andTheCpuTimeGrows() {
    NodeSample before = PrometheusText.sample(JvmMetrics.render(new PromText()).toString());
    assertThat(before.cpuNanos()).isPositive();
    assertThat(before.jitNanos()).isNotNull().isNotNegative();
    assertThat(before.gcNanos()).isNotNull().isNotNegative();
    // CPU time of this process, not wall time: burn some and see it counted.
    long end = System.nanoTime() + 200_000_000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x += Long.numberOfTrailingZeros(System.nanoTime());
    }
    NodeSample after = PrometheusText.sample(JvmMetrics.render(new PromText()).toString());
    assertThat(after.cpuNanos() - before.cpuNanos()).as("burned %d", x)
        .isGreaterThan(100_000_000L);
    assertThat(after.jitNanos()).isGreaterThanOrEqualTo(before.jitNanos());
    if (before.cpuWaitNanos() != null) {
      assertThat(after.cpuWaitNanos()).isGreaterThanOrEqualTo(before.cpuWaitNanos());
    }
  }

  @Test
  void secondsAreWrittenAsPlainDecimals_andReadAsNanoseconds() {
    String text = new PromText()
        .counter("process_cpu_seconds_total", "cpu", 12.5)
        .counter("ringtx_jvm_compile_seconds_total", "jit", 0.0003)
        .counter("ringtx_process_cpu_wait_seconds_total", "wait", 2.25)
        .toString();
    assertThat(text).contains("process_cpu_seconds_total 12.5\n")
        .contains("ringtx_jvm_compile_seconds_total 0.0003\n");
    NodeSample s = PrometheusText.sample(text);
    assertThat(s.cpuNanos()).isEqualTo(12_500_000_000L);
    assertThat(s.jitNanos()).isEqualTo(300_000L);
    assertThat(s.gcNanos()).isNull();
    assertThat(s.cpuWaitNanos()).isEqualTo(2_250_000_000L);
  }
}
