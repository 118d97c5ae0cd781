package io.ringtx.bench.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `ringtx bench calibrate` on this machine, with few samples: every figure, and the floor. */
class CalibrationTest {
  /**
   * Two free neighbouring loopback ports below Linux's ephemeral range (32768 and up), which the
   * calibration's own connections draw from: a pair taken from that range could be handed to one
   * of them before Hazelcast binds it.
   */
  static int freePortPair() throws Exception {
    int start = 20_000 + (int) (ProcessHandle.current().pid() % 5_000) * 2;
    for (int p = start; p < 32_000; p += 2) {
      try (ServerSocket a = new ServerSocket(p, 1, InetAddress.getLoopbackAddress());
          ServerSocket b = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try the next pair
      }
    }
    throw new IllegalStateException("no two free neighbouring ports from " + start);
  }

  @Test
  @Timeout(120)
  void measuresEveryFigure_andTheFloorFromThem(@TempDir Path dir) throws Exception {
    int hazelcastPort = freePortPair();
    StringWriter text = new StringWriter();
    Calibration.Result r = new Calibration(50, Duration.ofMillis(200),
        new PrintWriter(text, true)).run(dir, hazelcastPort);

    for (Calibration.Figure f : new Calibration.Figure[] {
        r.forcedWrite(), r.twoForcedWrites(), r.tcp(), r.transport(), r.eventBus()}) {
      assertThat(f.count()).as(f.what()).isEqualTo(50);
      assertThat(f.p50()).as(f.what()).isPositive();
      assertThat(f.p99()).as(f.what()).isGreaterThanOrEqualTo(f.p50());
      assertThat(f.max()).as(f.what()).isGreaterThanOrEqualTo(f.p99());
      assertThat(text.toString()).contains(f.what());
    }
    // Two round trips over the faster of the two transports, two forced writes in sequence.
    double rtt = Math.min(r.tcp().p50(), r.eventBus().p50());
    assertThat(r.floorMicros()).isCloseTo(2 * rtt + 2 * r.forcedWrite().p50(), within(0.01));
    assertThat(text.toString()).contains("2PC floor for a cross-shard commit")
        .contains("participants' forced writes at once");
  }
}
