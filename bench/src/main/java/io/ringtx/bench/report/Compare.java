package io.ringtx.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ringtx bench compare}: several results side by side, each figure also as a ratio to the
 * first result's — throughput (higher is better) and the p50 and p99 latencies (lower is better).
 * Reads result files as trees, so results of older formats compare on the fields they have.
 */
public final class Compare {
  private Compare() {}

  /** One compared result. Figures the file lacks are NaN. */
  public record Row(String label, String workload, String target, String loop,
      double committedPerSecond, double p50, double p99, double abortRate) {
    /** The figures of result {@code json}, under {@code label}. */
    public static Row of(String label, JsonNode json) {
      JsonNode o = json.path("options");
      String loop = "open".equals(o.path("loop").asText())
          ? "open " + o.path("rate").asText() + "/s"
          : "closed " + o.path("concurrency").asText("?");
      JsonNode total = json.path("latencyMs").path("total");
      return new Row(label, o.path("workload").asText("?"),
          json.path("target").path("kind").asText("?"), loop,
          number(json.path("summary").path("committedPerSecond")), number(total.path("p50")),
          number(total.path("p99")), number(json.path("summary").path("abortRate")));
    }

    private static double number(JsonNode n) {
      return n.isNumber() ? n.asDouble() : Double.NaN;
    }
  }

  /** The label of a result file: its directory's name for a {@code result.json}. */
  public static String label(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return file.toString();
    }
    String s = name.toString();
    if (s.equals(ResultFiles.RESULT) && file.getParent() != null
        && file.getParent().getFileName() != null) {
      return file.getParent().getFileName().toString();
    }
    return s.endsWith(".json") ? s.substring(0, s.length() - 5) : s;
  }

  /** The ratio of {@code value} to {@code base}: NaN if either is unknown or the base is 0. */
  public static double ratio(double value, double base) {
    if (Double.isNaN(value) || Double.isNaN(base) || base == 0) {
      return Double.NaN;
    }
    return value / base;
  }

  /** The table for {@code rows}, the first being the base of every ratio. */
  public static String table(List<Row> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare");
    }
    Row base = rows.get(0);
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"run", "workload", "target", "loop", "committed/s", "x", "p50 ms",
        "x", "p99 ms", "x", "aborts"});
    for (Row r : rows) {
      cells.add(new String[] {r.label(), r.workload(), r.target(), r.loop(),
          num(r.committedPerSecond(), 1), times(ratio(r.committedPerSecond(),
              base.committedPerSecond())),
          num(r.p50(), 3), times(ratio(r.p50(), base.p50())),
          num(r.p99(), 3), times(ratio(r.p99(), base.p99())),
          Double.isNaN(r.abortRate()) ? "-"
              : String.format(Locale.ROOT, "%.2f%%", 100 * r.abortRate())});
    }
    int[] width = new int[cells.get(0).length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        // Text columns left-aligned, figures right-aligned.
        String fmt = i < 4 ? "%-" + width[i] + "s" : "%" + width[i] + "s";
        b.append(String.format(Locale.ROOT, fmt, row[i]));
        b.append(i + 1 < row.length ? "  " : "\n");
      }
    }
    b.append("x: ratio to the first run (").append(base.label())
        .append("); throughput: higher is better, latency: lower is better\n");
    return b.toString();
  }

  private static String num(double v, int digits) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + digits + "f", v);
  }

  private static String times(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
