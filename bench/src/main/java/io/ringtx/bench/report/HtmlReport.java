package io.ringtx.bench.report;

import static io.ringtx.bench.report.SvgChart.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page — inline SVG plots of throughput and latency over
 * time and of the latency percentile curve, and the run's figures in tables. No script and no
 * external resource, so it opens anywhere, offline, and can be attached as it is.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** The page for {@code r}. */
  public static String render(BenchResult r) {
    StringBuilder b = new StringBuilder(32 * 1024);
    BenchResult.Options o = r.options();
    String title = "ringtx bench: " + o.workload() + " on " + r.target().kind();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(title)).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:24px;max-width:980px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 20px}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append("th{background:#f4f4f4}td.l,th.l{text-align:left}")
        .append(".bad{color:#b00020;font-weight:bold}")
        .append("\n</style></head><body>\n");
    b.append("<h1>").append(esc(title)).append("</h1>\n");
    b.append("<p>").append(esc(r.target().description())).append(". Started ")
        .append(esc(r.startedAt())).append(". ").append(esc(loop(o))).append(".</p>\n");

    summary(b, r);
    b.append(throughputChart(r.timeline()).render());
    b.append(latencyOverTimeChart(r.timeline()).render());
    b.append(percentileChart(r.latencyMs()).render());
    latencyTable(b, r.latencyMs(), o.rate() != null);
    nodes(b, r);
    keyValues(b, "Options", flatten(o.toString()));
    BenchResult.Machine m = r.machine();
    keyValues(b, "Machine", List.of(
        new String[] {"cores", Integer.toString(m.cores())},
        new String[] {"OS", m.os() + " " + m.arch()},
        new String[] {"JVM", m.jvmName() + " " + m.jvmVersion() + " (" + m.jvmVendor() + ")"},
        new String[] {"max heap", String.format(Locale.ROOT, "%,d MiB", m.maxHeapBytes() >> 20)},
        new String[] {"load average at start / end", m.loadAverageStart() + " / "
            + m.loadAverageEnd()}));
    b.append("</body></html>\n");
    return b.toString();
  }

  private static String loop(BenchResult.Options o) {
    return o.rate() == null
        ? "Closed loop, " + o.concurrency() + " clients"
        : String.format(Locale.ROOT, "Open loop at %.1f tx/s, at most %d in flight; latency from"
            + " each transaction's intended start", o.rate(), o.concurrency());
  }

  private static void summary(StringBuilder b, BenchResult r) {
    BenchResult.Summary s = r.summary();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"committed/s", fmt(s.committedPerSecond(), 1)});
    rows.add(new String[] {"committed", String.format(Locale.ROOT, "%,d in %.1f s", s.committed(),
        s.measuredSeconds())});
    rows.add(new String[] {"aborted", String.format(Locale.ROOT, "%,d (%.2f%%) %s", s.aborted(),
        100 * s.abortRate(), reasons(s.abortsByReason()))});
    if (s.failed() > 0) {
      rows.add(new String[] {"failed", s.failed() + " " + reasons(s.failuresByReason())});
    }
    rows.add(new String[] {"latency p50 / p99 / max (ms)", fmt(r.latencyMs().total().p50(), 3)
        + " / " + fmt(r.latencyMs().total().p99(), 3) + " / "
        + fmt(r.latencyMs().total().max(), 3)});
    BenchResult.StoreTotals t = r.storeTotals();
    if (t != null) {
      rows.add(new String[] {"forced writes / fsyncs (mean batch)", String.format(Locale.ROOT,
          "%,d / %,d (%s)", t.forcedWrites(), t.syncs(), fmt(t.meanBatch(), 2))});
      rows.add(new String[] {"forced writes, fsyncs per commit",
          fmt(t.forcedWritesPerCommit(), 2) + ", " + fmt(t.syncsPerCommit(), 2)});
    }
    if (r.bank() != null) {
      BenchResult.Bank k = r.bank();
      rows.add(new String[] {"bank total", String.format(Locale.ROOT, "%,d before, %,d after: %s",
          k.totalBefore(), k.totalAfter(), k.conserved() ? "conserved" : "NOT CONSERVED")});
    }
    keyValues(b, "Summary", rows);
  }

  private static SvgChart throughputChart(List<BenchResult.Tick> ticks) {
    List<double[]> commits = new ArrayList<>();
    List<double[]> aborts = new ArrayList<>();
    double warmEnd = -1;
    double prev = 0;
    for (BenchResult.Tick t : ticks) {
      commits.add(new double[] {t.t(), t.committedPerSecond()});
      aborts.add(new double[] {t.t(), t.abortedPerSecond()});
      if (t.warmup()) {
        warmEnd = t.t();
      }
      prev = t.t();
    }
    SvgChart c = new SvgChart("Throughput over time (grey: warmup)", "seconds since start",
        "transactions/s")
        .add(new SvgChart.Series("committed/s", "#1f77b4", commits))
        .add(new SvgChart.Series("aborted/s", "#d62728", aborts))
        .xFrom(0);
    if (warmEnd >= 0 && prev > 0) {
      c.shade(0, warmEnd);
    }
    return c;
  }

  private static SvgChart latencyOverTimeChart(List<BenchResult.Tick> ticks) {
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    for (BenchResult.Tick t : ticks) {
      if (t.p50() != null) {
        p50.add(new double[] {t.t(), t.p50()});
        p99.add(new double[] {t.t(), t.p99()});
      }
    }
    return new SvgChart("Latency over time, per interval", "seconds since start", "ms").xFrom(0)
        .add(new SvgChart.Series("p50", "#2ca02c", p50))
        .add(new SvgChart.Series("p99", "#ff7f0e", p99));
  }

  /** Percentiles on a log scale of 1/(1-p), as HdrHistogram plots them: the tail gets room. */
  private static SvgChart percentileChart(BenchResult.Latencies l) {
    SvgChart c = new SvgChart("Latency by percentile (committed transactions)", "percentile",
        "ms");
    c.add(curve("transaction", "#1f77b4", l.total()));
    c.add(curve("read phase", "#2ca02c", l.readPhase()));
    c.add(curve("commit call", "#9467bd", l.commitCall()));
    if (l.serviceTime() != null) {
      c.add(curve("from actual start", "#8c564b", l.serviceTime()));
    }
    c.xTicks(List.of(new SvgChart.XTick(0, "0%"), new SvgChart.XTick(1, "90%"),
        new SvgChart.XTick(2, "99%"), new SvgChart.XTick(3, "99.9%"),
        new SvgChart.XTick(4, "99.99%"), new SvgChart.XTick(5, "99.999%")));
    return c;
  }

  private static SvgChart.Series curve(String name, String color, BenchResult.Stats s) {
    List<double[]> pts = new ArrayList<>();
    if (s.percentiles() != null) {
      for (BenchResult.Point p : s.percentiles()) {
        if (p.percentile() < 100) {
          pts.add(new double[] {-Math.log10(1 - p.percentile() / 100), p.ms()});
        } else {
          // The maximum sits at the right edge of the axis.
          pts.add(new double[] {5, p.ms()});
        }
      }
    }
    return new SvgChart.Series(name, color, pts);
  }

  private static void latencyTable(StringBuilder b, BenchResult.Latencies l, boolean open) {
    b.append("<h2>Latency (ms)</h2>\n<table><tr><th class=\"l\"></th><th>count</th><th>mean</th>"
        + "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n");
    row(b, open ? "transaction, from intended start" : "transaction", l.total());
    if (l.serviceTime() != null) {
      row(b, "transaction, from actual start", l.serviceTime());
    }
    row(b, "read phase", l.readPhase());
    row(b, "commit call", l.commitCall());
    if (l.commitOneShard() != null) {
      row(b, "commit call, one shard (one phase)", l.commitOneShard());
    }
    if (l.commitCrossShard() != null) {
      row(b, "commit call, cross-shard (two-phase)", l.commitCrossShard());
    }
    b.append("</table>\n");
    if (l.coordinatorPhases() != null) {
      b.append("<h2>Commit phases, as the coordinators timed them (ms)</h2>\n<table><tr>"
          + "<th class=\"l\">phase</th><th>count</th><th>mean</th><th>p50</th><th>p90</th>"
          + "<th>p99</th></tr>\n");
      l.coordinatorPhases().forEach((phase, p) -> b.append("<tr><td class=\"l\">")
          .append(esc(phase)).append("</td><td>").append(p.count()).append("</td><td>")
          .append(fmt(p.mean(), 3)).append("</td><td>").append(fmt(p.p50(), 3))
          .append("</td><td>").append(fmt(p.p90(), 3)).append("</td><td>")
          .append(fmt(p.p99(), 3)).append("</td></tr>\n"));
      b.append("</table>\n<p>From the coordinators' metrics (ringtx_coordinator_phase_seconds):"
          + " percentiles to the resolution of its buckets.</p>\n");
    }
  }

  private static void row(StringBuilder b, String name, BenchResult.Stats s) {
    b.append("<tr><td class=\"l\">").append(esc(name)).append("</td><td>").append(s.count())
        .append("</td><td>").append(fmt(s.mean(), 3)).append("</td><td>").append(fmt(s.p50(), 3))
        .append("</td><td>").append(fmt(s.p90(), 3)).append("</td><td>").append(fmt(s.p99(), 3))
        .append("</td><td>").append(fmt(s.p999(), 3)).append("</td><td>")
        .append(fmt(s.max(), 3)).append("</td></tr>\n");
  }

  private static void nodes(StringBuilder b, BenchResult r) {
    b.append("<h2>Nodes (measured window)</h2>\n<table><tr><th class=\"l\">node</th>"
        + "<th>forced writes</th><th>fsyncs</th><th>mean batch</th><th>lazy writes</th>"
        + "<th>CPU s</th><th>cores</th><th>JIT s</th><th>GC s</th><th>CPU wait s</th></tr>\n");
    for (Map.Entry<String, BenchResult.Node> e : r.nodes().entrySet()) {
      BenchResult.Node n = e.getValue();
      b.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td>")
          .append(opt(n.forcedWrites())).append("</td><td>").append(opt(n.syncs()))
          .append("</td><td>").append(fmt(n.meanBatch(), 2)).append("</td><td>")
          .append(opt(n.lazyWrites())).append("</td><td>").append(fmt(n.cpuSeconds(), 2))
          .append("</td><td>").append(fmt(n.cpuCores(), 2)).append("</td><td>")
          .append(fmt(n.jitSeconds(), 2)).append("</td><td>").append(fmt(n.gcSeconds(), 2))
          .append("</td><td>").append(fmt(n.cpuWaitSeconds(), 2)).append("</td></tr>\n");
    }
    BenchResult.BenchJvm j = r.benchJvm();
    if (j != null) {
      b.append("<tr><td class=\"l\">harness JVM</td><td></td><td></td><td></td><td></td><td>")
          .append(fmt(j.cpuSeconds(), 2)).append("</td><td>").append(fmt(j.cpuCores(), 2))
          .append("</td><td></td><td></td><td></td></tr>\n");
    }
    b.append("</table>\n");
    if (j != null && j.note() != null) {
      b.append("<p>Harness JVM: ").append(esc(j.note())).append(".</p>\n");
    }
  }

  private static void keyValues(StringBuilder b, String heading, List<String[]> rows) {
    b.append("<h2>").append(esc(heading)).append("</h2>\n<table>\n");
    for (String[] kv : rows) {
      String cls = kv[1].contains("NOT CONSERVED") ? " class=\"l bad\"" : " class=\"l\"";
      b.append("<tr><th class=\"l\">").append(esc(kv[0])).append("</th><td").append(cls)
          .append(">").append(esc(kv[1])).append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  /** The record's {@code name=value} components, one row each. */
  private static List<String[]> flatten(String recordText) {
    List<String[]> rows = new ArrayList<>();
    String inner = recordText.substring(recordText.indexOf('[') + 1, recordText.lastIndexOf(']'));
    for (String part : inner.split(", ")) {
      int eq = part.indexOf('=');
      if (eq > 0 && !part.endsWith("=null")) {
        rows.add(new String[] {part.substring(0, eq), part.substring(eq + 1)});
      }
    }
    return rows;
  }

  private static String reasons(Map<String, Long> m) {
    return m.isEmpty() ? "" : m.toString();
  }

  private static String fmt(Double v, int digits) {
    return v == null ? "-" : String.format(Locale.ROOT, "%,." + digits + "f", v);
  }

  private static String opt(Long v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%,d", v);
  }
}
