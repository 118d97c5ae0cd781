package io.ringtx.protocol.inspect;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.ringtx.protocol.log.LogRecord;
import java.util.HashMap;
import java.util.Map;

/** The stable type names of log records (as on disk: PREPARED, COMMIT, HEURISTIC_ABORTED…). */
public final class RecordNames {
  private static final Map<Class<?>, String> NAMES = new HashMap<>();

  static {
    for (JsonSubTypes.Type t : LogRecord.class.getAnnotation(JsonSubTypes.class).value()) {
      NAMES.put(t.value(), t.name());
    }
  }

  private RecordNames() {}

  /** The type name of {@code record}. */
  public static String of(LogRecord record) {
    return NAMES.get(record.getClass());
  }
}
