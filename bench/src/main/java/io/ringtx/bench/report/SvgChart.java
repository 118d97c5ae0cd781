package io.ringtx.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG: axes with round-number ticks, one polyline per series, a
 * legend, optional shaded x-ranges. No script, no external resource: the report stays one file.
 */
final class SvgChart {
  private static final int W = 760;
  private static final int H = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 150;
  private static final int TOP = 30;
  private static final int BOTTOM = 44;

  /** One line: its name in the legend, its colour, its (x, y) points. */
  record Series(String name, String color, List<double[]> points) {}

  /** A labelled position on the x axis. */
  record XTick(double x, String label) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<double[]> shades = new ArrayList<>();
  private List<XTick> xTicks;
  private Double xFrom;

  SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgChart add(Series s) {
    series.add(s);
    return this;
  }

  /** Shades {@code [from, to]} on the x axis (for example the warmup), labelled. */
  SvgChart shade(double from, double to) {
    shades.add(new double[] {from, to});
    return this;
  }

  /** Starts the x axis at {@code x} (for example 0 for time) rather than at the first point. */
  SvgChart xFrom(double x) {
    this.xFrom = x;
    return this;
  }

  /** Labels the x axis at these positions instead of at round numbers. */
  SvgChart xTicks(List<XTick> ticks) {
    this.xTicks = ticks;
    return this;
  }

  String render() {
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        minX = Math.min(minX, p[0]);
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    StringBuilder b = new StringBuilder(4096);
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " role=\"img\" aria-label=\"%s\">%n", W, H, W, H, esc(title)));
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT,
        esc(title)));
    if (minX == Double.MAX_VALUE) {
      b.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" font-size=\"13\">no data</text>%n</svg>%n", LEFT, H / 2));
      return b.toString();
    }
    if (xFrom != null) {
      minX = Math.min(minX, xFrom);
    }
    if (maxX <= minX) {
      maxX = minX + 1;
    }
    double yTop = niceCeil(maxY <= 0 ? 1 : maxY * 1.05);
    double x0 = minX;
    double x1 = maxX;
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    java.util.function.DoubleUnaryOperator sx = x -> LEFT + (x - x0) / (x1 - x0) * plotW;
    java.util.function.DoubleUnaryOperator sy = y -> TOP + plotH - y / yTop * plotH;

    for (double[] s : shades) {
      double a = Math.max(x0, s[0]);
      double z = Math.min(x1, s[1]);
      if (z > a) {
        b.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eeeeee\"/>%n",
            sx.applyAsDouble(a), TOP, sx.applyAsDouble(z) - sx.applyAsDouble(a), plotH));
      }
    }
    // Horizontal grid and y labels.
    double step = niceStep(yTop / 5);
    for (double y = 0; y <= yTop + step / 1000; y += step) {
      double py = sy.applyAsDouble(y);
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
              + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
          LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4, label(y)));
    }
    List<XTick> ticks = xTicks != null ? xTicks : roundTicks(x0, x1);
    for (XTick t : ticks) {
      if (t.x() < x0 - 1e-9 || t.x() > x1 + 1e-9) {
        continue;
      }
      double px = sx.applyAsDouble(t.x());
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>"
              + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
          px, TOP, px, TOP + plotH, px, TOP + plotH + 15, esc(t.label())));
    }
    b.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888888\"/>%n",
        LEFT, TOP, plotW, plotH));
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n",
        LEFT + plotW / 2, H - 8, esc(xLabel)));
    b.append(String.format(Locale.ROOT,
        "<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\""
            + " transform=\"rotate(-90 14 %d)\">%s</text>%n",
        TOP + plotH / 2, TOP + plotH / 2, esc(yLabel)));
    int legendY = TOP + 10;
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (double[] p : s.points()) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.applyAsDouble(p[0]),
            sy.applyAsDouble(p[1])));
      }
      b.append(String.format(Locale.ROOT,
          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          s.color(), pts.toString().trim()));
      if (s.points().size() == 1) {
        double[] p = s.points().get(0);
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
            sx.applyAsDouble(p[0]), sy.applyAsDouble(p[1]), s.color()));
      }
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
              + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
          LEFT + plotW + 10, legendY, LEFT + plotW + 30, legendY, s.color(), LEFT + plotW + 36,
          legendY + 4, esc(s.name())));
      legendY += 18;
    }
    b.append("</svg>\n");
    return b.toString();
  }

  private static List<XTick> roundTicks(double x0, double x1) {
    double step = niceStep((x1 - x0) / 8);
    List<XTick> ticks = new ArrayList<>();
    for (double x = Math.ceil(x0 / step) * step; x <= x1 + step / 1000; x += step) {
      ticks.add(new XTick(x, label(x)));
    }
    return ticks;
  }

  /** The smallest of 1, 2, 5 times a power of ten that is at least {@code v}. */
  static double niceStep(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static double niceCeil(double v) {
    double step = niceStep(v / 5);
    return Math.ceil(v / step) * step;
  }

  private static String label(double v) {
    if (Math.abs(v - Math.rint(v)) < 1e-9) {
      return String.format(Locale.ROOT, "%,d", (long) Math.rint(v));
    }
    String s = String.format(Locale.ROOT, "%.3f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
