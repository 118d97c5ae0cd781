package io.ringtx.dist;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line: {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, or bare seconds ({@code 1.5}). */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    Matcher m = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: give a number with ms, s, m or h (e.g. 30s)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> n;
      case "s" -> n * 1_000;
      case "m" -> n * 60_000;
      default -> n * 3_600_000;
    };
    return Duration.ofMillis(Math.round(millis));
  }
}
