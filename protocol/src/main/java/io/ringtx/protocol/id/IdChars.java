package io.ringtx.protocol.id;

/**
 * The character check of ids, as a loop rather than a regular expression: ids are checked for
 * every message decoded, so this is on the hot path of every transaction.
 */
final class IdChars {
  private IdChars() {}

  /**
   * True if {@code s} is 1 to {@code maxLength} characters of {@code [A-Za-z0-9._-]}, and also
   * {@code :} if {@code colon}.
   */
  static boolean valid(String s, int maxLength, boolean colon) {
    int n = s.length();
    if (n == 0 || n > maxLength) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || (colon && c == ':');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
