package io.ringtx.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.inspect.RecordNames;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the recovery tools print: log records as lines, tables, ages and durations. */
public final class Formats {
  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Formats() {}

  /**
   * Parses a duration given on the command line: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d},
   * {@code 500ms}, or ISO-8601 ({@code PT1H30M}).
   *
   * @throws IllegalArgumentException naming the value if it is none of these or negative
   */
  public static Duration parseDuration(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException | NullPointerException e) {
      // reported below, with the accepted forms
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 30s, 5m, 2h, "
        + "1d, 500ms or PT1H30M");
  }

  /** An age for a table: {@code 42s}, {@code 3m07s}, {@code 2h05m}, {@code 3d04h}. */
  public static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, (s % 86_400) / 3600);
  }

  /** A timestamp in UTC with milliseconds. */
  public static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /**
   * One log entry as a line: {@code seq=12 2026-11-24T00:40:01.123Z PREPARED tx=t-17
   * coordinator=c1 participants=[p1, p2] …}. Written values are shown only with {@code values}.
   */
  public static String entry(LogEntry e, boolean values) {
    return "seq=" + e.seq() + " " + time(e.timeMillis()) + " " + record(e.record(), values);
  }

  /** A record as {@code TYPE tx=… field=value …}, fields in their declared order. */
  public static String record(LogRecord r, boolean values) {
    JsonNode tree = Json.MAPPER.valueToTree(r);
    StringBuilder b = new StringBuilder(RecordNames.of(r)).append(" tx=").append(r.txId());
    for (Map.Entry<String, JsonNode> f : tree.properties()) {
      if (f.getKey().equals("type") || f.getKey().equals("txId")) {
        continue;
      }
      String v = f.getKey().equals("timeMillis") && f.getValue().canConvertToLong()
          ? time(f.getValue().asLong()) : value(f.getValue(), values);
      b.append(' ').append(f.getKey().equals("timeMillis") ? "time" : f.getKey()).append('=')
          .append(v);
    }
    return b.toString();
  }

  private static String value(JsonNode v, boolean values) {
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(value(i, values)));
      return "[" + String.join(", ", items) + "]";
    }
    if (v.isObject() && v.has("key")) {
      // A KeyWrite: the key, and its new value only on request (values may be sensitive).
      String key = v.get("key").asText();
      if (!values) {
        return key;
      }
      JsonNode val = v.get("value");
      return key + "=" + (val == null || val.isNull() ? "(deleted)" : quote(val.asText()));
    }
    if (v.isObject()) {
      List<String> items = new ArrayList<>();
      v.properties().forEach(f -> items.add(f.getKey() + "=" + value(f.getValue(), values)));
      return "{" + String.join(", ", items) + "}";
    }
    return v.isNull() ? "-" : v.asText();
  }

  private static String quote(String s) {
    boolean plain = !s.isEmpty() && s.chars().allMatch(c -> c > ' ' && c < 127 && c != '"');
    return plain ? s : Json.MAPPER.valueToTree(s).toString();
  }

  /** Rows as a table with a header, columns padded to their widest cell; the last unpadded. */
  public static List<String> table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    List<String> out = new ArrayList<>();
    out.add(line(header, width));
    rows.forEach(r -> out.add(line(r, width)));
    return out;
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append("  ");
      }
      String c = cells.get(i);
      b.append(c);
      if (i < cells.size() - 1) {
        b.append(" ".repeat(width[i] - c.length()));
      }
    }
    return b.toString();
  }
}
