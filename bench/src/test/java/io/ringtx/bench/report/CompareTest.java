package io.ringtx.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ringtx bench compare}: figures from result files, ratios to the first. */
class CompareTest {
  @Test
  void table_givesRatiosToTheFirstResult(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("ringtx");
    Path b = dir.resolve("rocks");
    ResultFiles.write(SampleResults.result("single", "embedded", 1000, 2.0, 10.0), a);
    ResultFiles.write(SampleResults.result("single", "rocksdb-local", 2500, 0.5, 4.0), b);

    List<Compare.Row> rows = List.of(
        Compare.Row.of(Compare.label(a.resolve(ResultFiles.RESULT)), ResultFiles.read(a)),
        Compare.Row.of(Compare.label(b.resolve(ResultFiles.RESULT)), ResultFiles.read(b)));
    String table = Compare.table(rows);

    assertThat(rows.get(1).committedPerSecond()).isEqualTo(2500);
    assertThat(rows.get(1).p99()).isEqualTo(4.0);
    String[] lines = table.split("\n");
    assertThat(lines[0]).contains("committed/s").contains("p50 ms").contains("p99 ms");
    assertThat(lines[1]).startsWith("ringtx").contains("1,000.0").contains("1.00");
    // 2500/1000 = 2.50 throughput; 0.5/2.0 = 0.25 at p50; 4/10 = 0.40 at p99.
    assertThat(lines[2]).startsWith("rocks").contains("2.50").contains("0.25").contains("0.40")
        .contains("rocksdb-local").contains("closed 16").contains("0.99%");
    assertThat(lines[3]).contains("ratio to the first run (ringtx)");
  }

  @Test
  void missingFigures_showAsDashes_notAsErrors(@TempDir Path dir) throws Exception {
    Path old = dir.resolve("old.json");
    Files.writeString(old, "{\"options\":{\"workload\":\"bank\"},\"summary\":{}}");
    JsonNode json = ResultFiles.read(old);
    Compare.Row base = Compare.Row.of("base", ResultFiles.read(write(dir)));
    String table = Compare.table(List.of(base, Compare.Row.of(Compare.label(old), json)));
    assertThat(table.split("\n")[2]).startsWith("old").contains("bank").contains(" - ");
  }

  @Test
  void ratio_ofUnknownOrZeroBase_isUnknown() {
    assertThat(Compare.ratio(2, 4)).isEqualTo(0.5);
    assertThat(Compare.ratio(2, 0)).isNaN();
    assertThat(Compare.ratio(Double.NaN, 1)).isNaN();
    assertThatThrownBy(() -> Compare.table(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void label_isTheDirectoryOfAResultJson_orTheFileName() {
    assertThat(Compare.label(Path.of("runs/bank-64/result.json"))).isEqualTo("bank-64");
    assertThat(Compare.label(Path.of("runs/etcd.json"))).isEqualTo("etcd");
  }

  private static Path write(Path dir) throws Exception {
    Path d = dir.resolve("base");
    ResultFiles.write(SampleResults.result("bank", "embedded", 100, 1, 2), d);
    return d;
  }
}
