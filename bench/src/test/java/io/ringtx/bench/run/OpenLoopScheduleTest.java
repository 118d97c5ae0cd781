package io.ringtx.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The open loop's intended start times: evenly spaced from the start, never drifting. */
class OpenLoopScheduleTest {
  @Test
  void tickets_startAtEvenIntervalsFromTheStart() {
    OpenLoopSchedule s = new OpenLoopSchedule(1_000, 1_000); // 1,000 tx/s: every 1 ms
    assertThat(s.intendedStart(0)).isEqualTo(1_000);
    assertThat(s.intendedStart(1)).isEqualTo(1_001_000);
    assertThat(s.intendedStart(2)).isEqualTo(2_001_000);
    assertThat(s.intervalNanos()).isEqualTo(1_000_000.0);
  }

  @Test
  void fractionalIntervals_doNotAccumulateRoundingError() {
    // 3 tx/s: 333,333,333.33 ns apart; adding a rounded interval would drift by 1/3 ns a ticket.
    OpenLoopSchedule s = new OpenLoopSchedule(0, 3);
    assertThat(s.intendedStart(3)).isEqualTo(1_000_000_000L);
    assertThat(s.intendedStart(3_000_000)).isEqualTo(1_000_000_000_000_000L);
    assertThat(s.intendedStart(1)).isEqualTo(333_333_333L);
  }

  @Test
  void intendedStarts_doNotDependOnWhenTicketsAreTaken() {
    // A late worker's ticket keeps its place in the schedule: the wait is then counted in its
    // latency (coordinated-omission-free), rather than the schedule sliding.
    OpenLoopSchedule s = new OpenLoopSchedule(500, 200);
    long[] first = new long[100];
    for (int i = 0; i < 100; i++) {
      first[i] = s.intendedStart(i);
    }
    for (int i = 99; i >= 0; i--) {
      assertThat(s.intendedStart(i)).isEqualTo(first[i]);
    }
    for (int i = 1; i < 100; i++) {
      assertThat(first[i] - first[i - 1]).isEqualTo(5_000_000L);
    }
  }

  @Test
  void ticketsBefore_countsTheStartsDueBeforeAMoment() {
    OpenLoopSchedule s = new OpenLoopSchedule(0, 10); // every 100 ms
    assertThat(s.ticketsBefore(0)).isZero();
    assertThat(s.ticketsBefore(1)).isEqualTo(1); // ticket 0 at t=0
    assertThat(s.ticketsBefore(100_000_000)).isEqualTo(1);
    assertThat(s.ticketsBefore(100_000_001)).isEqualTo(2);
    assertThat(s.ticketsBefore(1_000_000_000)).isEqualTo(10);
  }

  @Test
  void rate_mustBePositive() {
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoopSchedule(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoopSchedule(0, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OpenLoopSchedule(0, 1).intendedStart(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
