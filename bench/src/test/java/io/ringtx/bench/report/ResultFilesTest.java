package io.ringtx.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a run writes: the JSON's field names, and a report that needs nothing else. */
class ResultFilesTest {
  @Test
  void resultJson_hasTheDocumentedFields_andNoNulls(@TempDir Path dir) throws Exception {
    ResultFiles.write(SampleResults.result("bank", "embedded", 1000, 2, 10), dir);
    JsonNode j = ResultFiles.read(dir);
    assertThat(j.path("format").asInt()).isEqualTo(BenchResult.FORMAT);
    for (String f : new String[] {"options", "target", "machine", "summary", "latencyMs",
        "timeline", "nodes", "storeTotals", "benchJvm", "bank", "histograms"}) {
      assertThat(j.has(f)).as(f).isTrue();
    }
    assertThat(j.path("summary").path("committedPerSecond").asDouble()).isEqualTo(1000);
    assertThat(j.path("latencyMs").path("total").path("p999").isNumber()).isTrue();
    assertThat(j.path("options").has("rate")).as("null fields are left out").isFalse();
    assertThat(Files.readString(dir.resolve(ResultFiles.RESULT))).doesNotContain("null");
  }

  @Test
  void report_isSelfContained_withPlots_andEscapesText(@TempDir Path dir) throws Exception {
    ResultFiles.write(SampleResults.result("ycsb-a", "cluster", 1000, 2, 10), dir);
    String html = Files.readString(dir.resolve(ResultFiles.REPORT));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("</html>");
    assertThat(html).contains("<svg").contains("<polyline").contains("Throughput over time")
        .contains("Latency by percentile");
    // Nothing to fetch: no script, no stylesheet or image from elsewhere.
    assertThat(html).doesNotContain("<script").doesNotContain("src=")
        .doesNotContain("<link").doesNotContain("@import");
    assertThat(html).contains("a &lt;test&gt; target &amp; more").doesNotContain("<test>");
  }
}
