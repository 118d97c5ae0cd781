package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/** One buffered write of a transaction: put, append or delete (DESIGN §2). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WriteOp(Kind op, String key, String value) {

  /** The write operations. */
  public enum Kind {
    PUT,
    APPEND,
    DELETE;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.wireName().equals(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown op '" + s + "' (expected put, append or delete)");
    }
  }

  /** Validates the operation: put and append need a value, delete must not have one. */
  public WriteOp {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(key, "key");
    if (op == Kind.DELETE) {
      if (value != null) {
        throw new IllegalArgumentException("delete of '" + key + "' must not carry a value");
      }
    } else if (value == null) {
      throw new IllegalArgumentException(op.wireName() + " of '" + key + "' needs a value");
    }
  }

  public static WriteOp put(String key, String value) {
    return new WriteOp(Kind.PUT, key, value);
  }

  public static WriteOp append(String key, String suffix) {
    return new WriteOp(Kind.APPEND, key, suffix);
  }

  public static WriteOp delete(String key) {
    return new WriteOp(Kind.DELETE, key, null);
  }
}
