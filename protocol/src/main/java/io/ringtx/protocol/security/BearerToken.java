package io.ringtx.protocol.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The token that clients present as {@code Authorization: Bearer <token>}. Compared in constant
 * time: both sides are hashed first, so neither the position of the first wrong character nor the
 * token's length shows in how long a refusal takes.
 */
public final class BearerToken {
  /** Fewest characters a token may have. */
  public static final int MIN_LENGTH = 16;

  private static final String PREFIX = "bearer ";
  private final byte[] digest;

  private BearerToken(String token) {
    this.digest = sha256(token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws IllegalArgumentException if the token is shorter than {@link #MIN_LENGTH} or holds
   *     anything but visible ASCII (it travels in an HTTP header)
   */
  public static BearerToken of(String token) {
    String problem = problem(token);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new BearerToken(token);
  }

  /** What is wrong with {@code token} as a bearer token, or null if nothing. */
  public static String problem(String token) {
    if (token == null || token.length() < MIN_LENGTH) {
      return "a token needs at least " + MIN_LENGTH + " characters, got "
          + (token == null ? 0 : token.length());
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return "a token may hold only visible ASCII characters (no spaces), found character "
            + (int) c + " at position " + i;
      }
    }
    return null;
  }

  /** Whether an {@code Authorization} header value (null if absent) carries this token. */
  public boolean accepts(String authorization) {
    if (authorization == null || authorization.length() <= PREFIX.length()
        || !authorization.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
      return false;
    }
    String given = authorization.substring(PREFIX.length()).strip();
    return MessageDigest.isEqual(digest, sha256(given.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[hidden]";
  }
}
