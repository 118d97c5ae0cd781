package io.ringtx.protocol.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-queue wait of a process's threads, read from files laid out as Linux's /proc. */
class CpuWaitTest {
  @TempDir Path tasks;

  private void thread(String tid, String schedstat) throws IOException {
    Files.createDirectories(tasks.resolve(tid));
    Files.writeString(tasks.resolve(tid).resolve("schedstat"), schedstat);
  }

  private void ended(String tid) throws IOException {
    Files.delete(tasks.resolve(tid).resolve("schedstat"));
    Files.delete(tasks.resolve(tid));
  }

  @Test
  void theTotalIsTheSecondFieldSummedOverTheThreads() throws IOException {
    thread("100", "5000 300 7\n");
    thread("101", "9000 1200 40\n");
    assertThat(new CpuWait(tasks).totalNanos()).hasValue(1500);
  }

  @Test
  void aThreadThatEnded_keepsTheWaitItHadWhenLastRead_soTheTotalNeverGoesDown()
      throws IOException {
    CpuWait w = new CpuWait(tasks);
    thread("100", "5000 300 7\n");
    thread("101", "9000 1200 40\n");
    assertThat(w.totalNanos()).hasValue(1500);
    ended("101");
    thread("100", "6000 400 9\n");
    assertThat(w.totalNanos()).hasValue(1600);
    assertThat(w.totalNanos()).as("counted once, not on every reading").hasValue(1600);
  }

  @Test
  void aReusedThreadIdWithLessWait_isANewThread() throws IOException {
    CpuWait w = new CpuWait(tasks);
    thread("100", "5000 900 7\n");
    assertThat(w.totalNanos()).hasValue(900);
    thread("100", "10 20 1\n");
    assertThat(w.totalNanos()).hasValue(920);
  }

  @Test
  void aMalformedOrMissingFileLeavesOnlyThatThreadOut() throws IOException {
    thread("100", "5000 300 7\n");
    thread("101", "garbage\n");
    thread("102", "1 -5 2\n");
    Files.createDirectories(tasks.resolve("103"));
    assertThat(new CpuWait(tasks).totalNanos()).hasValue(300);
  }

  @Test
  void nothingReadable_isNoFigureAtAll() throws IOException {
    assertThat(new CpuWait(tasks.resolve("absent")).totalNanos()).isEmpty();
    thread("100", "x y z\n");
    assertThat(new CpuWait(tasks).totalNanos()).isEmpty();
  }

  @Test
  void onLinux_thisProcessTellsItsWait_andItNeverGoesDown() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/task")), "Linux /proc only");
    OptionalLong first = CpuWait.selfNanos();
    assumeTrue(first.isPresent(), "this kernel keeps scheduler statistics");
    Thread t = new Thread(() -> { });
    t.start();
    OptionalLong second = CpuWait.selfNanos();
    assertThat(second).isPresent();
    assertThat(second.getAsLong()).isGreaterThanOrEqualTo(first.getAsLong());
  }
}
