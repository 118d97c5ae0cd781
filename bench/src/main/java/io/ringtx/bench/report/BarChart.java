package io.ringtx.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * Compared results as one SVG picture ({@code ringtx bench compare --svg}): a horizontal bar of
 * committed/s per result, its p50 latency written beside it. No script, no external resource.
 */
public final class BarChart {
  private static final int W = 820;
  private static final int LEFT = 250;
  private static final int RIGHT = 170;
  private static final int TOP = 40;
  private static final int BAR = 18;
  private static final int GAP = 8;
  private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
      "#8c564b"};

  private BarChart() {}

  /** The chart of {@code rows} under {@code title}; bars of one target share a colour. */
  public static String svg(String title, List<Compare.Row> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("nothing to draw");
    }
    double max = 0;
    for (Compare.Row r : rows) {
      if (!Double.isNaN(r.committedPerSecond())) {
        max = Math.max(max, r.committedPerSecond());
      }
    }
    double top = max <= 0 ? 1 : SvgChart.niceCeil(max);
    int plotW = W - LEFT - RIGHT;
    int h = TOP + rows.size() * (BAR + GAP) + 40;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "font-family=\"sans-serif\" font-size=\"12\">%n", W, h));
    b.append(String.format(Locale.ROOT,
        "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, h));
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT,
        SvgChart.esc(title)));
    double step = SvgChart.niceStep(top / 5);
    int axisY = TOP + rows.size() * (BAR + GAP);
    for (double x = 0; x <= top + step / 1000; x += step) {
      double px = LEFT + plotW * x / top;
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
              + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
          px, TOP - 4, px, axisY, px, axisY + 16,
          String.format(Locale.ROOT, "%,d", (long) Math.rint(x))));
    }
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">committed transactions"
            + " per second (p50 latency beside each bar)</text>%n",
        LEFT + plotW / 2, axisY + 34));
    List<String> targets = rows.stream().map(Compare.Row::target).distinct().toList();
    int y = TOP;
    for (Compare.Row r : rows) {
      double v = Double.isNaN(r.committedPerSecond()) ? 0 : r.committedPerSecond();
      double len = plotW * v / top;
      String color = COLORS[targets.indexOf(r.target()) % COLORS.length];
      b.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 8, y + BAR - 5,
          SvgChart.esc(r.label())));
      b.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", LEFT, y, len,
          BAR, color));
      String p50 = Double.isNaN(r.p50()) ? ""
          : String.format(Locale.ROOT, ", p50 %s ms", trim(r.p50()));
      b.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\">%s/s%s</text>%n", LEFT + len + 6, y + BAR - 5,
          String.format(Locale.ROOT, "%,d", (long) Math.rint(v)), p50));
      y += BAR + GAP;
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static String trim(double v) {
    return v >= 10 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }
}
