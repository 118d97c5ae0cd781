package io.ringtx.protocol.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A write resolved against the current value at a participant: the key's new value, or
 * {@code null} for a delete. Appends are resolved at prepare time, when the exclusive lock makes
 * the current value stable until the decision, so applying a PREPARED record is a plain overwrite
 * and re-applying it on recovery is idempotent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyWrite(String key, String value) {
  public KeyWrite {
    Objects.requireNonNull(key, "key");
  }

  /**
   * True for a delete. Not a JSON property: Jackson would otherwise write it as {@code "delete"}
   * and then refuse it on read (unknown properties fail), making every record with writes
   * undecodable.
   */
  @JsonIgnore
  public boolean isDelete() {
    return value == null;
  }
}
