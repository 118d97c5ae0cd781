package io.ringtx.protocol.step;

/** A key's last committed value and version; absent is {@code (null, 0)}. */
public record Versioned(String value, long version) {
  /** An absent key. */
  public static final Versioned ABSENT = new Versioned(null, 0);

  public boolean present() {
    return value != null;
  }
}
