package io.ringtx.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.bench.report.BenchResult;
import io.ringtx.bench.target.RocksLocalTarget;
import io.ringtx.bench.workload.Workload;
import io.ringtx.bench.workload.WorkloadSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bank on the rocksdb-local target: transfers under contention conserve the total. */
class RocksLocalRunTest {
  @Test
  void bank_onRocksLocal_conservesTheTotal_andCountsForcedWrites(@TempDir Path dir)
      throws Exception {
    BenchOptions o = new BenchOptions(new WorkloadSettings(Workload.BANK, 20, 8, 4,
        Workload.Distribution.ZIPFIAN, 0.99, 11), Duration.ofMillis(800), Duration.ZERO, 4, 0, 1,
        true, Duration.ofMillis(200));
    StringWriter out = new StringWriter();
    try (RocksLocalTarget target = RocksLocalTarget.open(dir)) {
      BenchResult r = new BenchRunner(o, new PrintWriter(out)).run(target);

      assertThat(r.bank().conserved()).as(out.toString()).isTrue();
      assertThat(r.bank().totalAfter()).isEqualTo(20_000);
      assertThat(r.summary().committed()).isPositive();
      assertThat(r.storeTotals().forcedWrites()).isPositive();
      assertThat(r.storeTotals().syncs()).isPositive();
      assertThat(r.nodes().get("local").cpuSeconds()).isNotNull();
      assertThat(r.target().kind()).isEqualTo("rocksdb-local");
      assertThat(r.benchJvm().note()).contains("nodes run in this JVM");
    }
  }
}
