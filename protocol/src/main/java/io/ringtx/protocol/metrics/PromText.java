package io.ringtx.protocol.metrics;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Writes metrics in the Prometheus text format 0.0.4, one family at a time: a {@code # HELP} and
 * {@code # TYPE} line, then its samples. Label values are escaped; label names and metric names
 * are the caller's constants.
 *
 * <pre>{@code
 * String text = new PromText()
 *     .counter("ringtx_x_total", "Things done.", 42)
 *     .gauge("ringtx_y", "Things pending.", 3)
 *     .toString();
 * }</pre>
 */
public final class PromText {
  /** The Content-Type of the format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder b = new StringBuilder(2048);

  /** A counter without labels. */
  public PromText counter(String name, String help, long value) {
    header(name, help, "counter");
    b.append(name).append(' ').append(value).append('\n');
    return this;
  }

  /** A counter without labels whose value is not a whole number, e.g. seconds. */
  public PromText counter(String name, String help, double value) {
    header(name, help, "counter");
    b.append(name).append(' ').append(number(value)).append('\n');
    return this;
  }

  /** A gauge without labels. */
  public PromText gauge(String name, String help, long value) {
    header(name, help, "gauge");
    b.append(name).append(' ').append(value).append('\n');
    return this;
  }

  /** A counter with one label, one sample per entry of {@code values}. */
  public PromText counter(String name, String help, String label, Map<String, Long> values) {
    header(name, help, "counter");
    values.forEach((k, v) -> b.append(name).append('{').append(label).append("=\"")
        .append(escape(k)).append("\"} ").append(v).append('\n'));
    return this;
  }

  /** A histogram without labels. */
  public PromText histogram(String name, String help, Histogram h) {
    header(name, help, "histogram");
    samples(name, "", h);
    return this;
  }

  /** A histogram with one label, one series per entry of {@code values}. */
  public PromText histogram(String name, String help, String label, Map<String, Histogram> values) {
    header(name, help, "histogram");
    values.forEach((k, h) -> samples(name, label + "=\"" + escape(k) + "\",", h));
    return this;
  }

  /** Appends text rendered elsewhere (another family or families, each with its header). */
  public PromText raw(String text) {
    b.append(text);
    return this;
  }

  private void samples(String name, String labels, Histogram h) {
    double[] bounds = h.bounds();
    long[] cumulative = h.cumulative();
    long count = h.count();
    for (int i = 0; i < bounds.length; i++) {
      b.append(name).append("_bucket{").append(labels).append("le=\"").append(number(bounds[i]))
          .append("\"} ").append(Math.min(cumulative[i], count)).append('\n');
    }
    b.append(name).append("_bucket{").append(labels).append("le=\"+Inf\"} ").append(count)
        .append('\n');
    String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
    b.append(name).append("_sum").append(plain).append(' ').append(number(h.sum())).append('\n');
    b.append(name).append("_count").append(plain).append(' ').append(count).append('\n');
  }

  private void header(String name, String help, String type) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    // 0.0003, not 3.0E-4: both parse, the plain form reads better beside its neighbours.
    return Double.isFinite(v)
        ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString()
        : Double.toString(v);
  }

  /** Label value escaping of the text format: backslash, double quote and line feed. */
  public static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
