package io.ringtx.protocol.id;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A transaction id: chosen by the client ({@code <clientId>-<sequence>}) or assigned by the
 * coordinator. At most 128 characters from {@code [A-Za-z0-9._:-]} so that it is safe in URLs,
 * log lines and RocksDB keys.
 */
public record TxId(String value) implements Comparable<TxId> {
  /** Longest id accepted. */
  public static final int MAX_LENGTH = 128;

  /** Validates the id; throws {@link IllegalArgumentException} naming the problem. */
  public TxId {
    Objects.requireNonNull(value, "transaction id");
    if (!IdChars.valid(value, MAX_LENGTH, true)) {
      throw new IllegalArgumentException(
          "transaction id must be 1-" + MAX_LENGTH + " characters of [A-Za-z0-9._:-]: '"
              + abbreviate(value) + "'");
    }
  }

  @JsonCreator
  public static TxId of(String value) {
    return new TxId(value);
  }

  /** True if {@code value} would be accepted as an id. */
  public static boolean isValid(String value) {
    return value != null && IdChars.valid(value, MAX_LENGTH, true);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(TxId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
