package io.ringtx.protocol.api;

import java.util.Locale;

/** The Content-Type every JSON body of the HTTP API must have: JSON, in UTF-8 if it says. */
public final class JsonContentType {
  private JsonContentType() {}

  /**
   * Whether {@code contentType} is {@code application/json}, with parameters allowed but a
   * charset, if given, only UTF-8.
   */
  public static boolean isJsonUtf8(String contentType) {
    String[] parts = contentType.split(";");
    if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      int eq = param.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = param.substring(0, eq).trim();
      String value = param.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (name.equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
        return false;
      }
    }
    return true;
  }
}
