package io.ringtx.protocol.log;

import java.util.Objects;

/** A record as stored: its position in the log and the wall-clock time it was appended. */
public record LogEntry(long seq, long timeMillis, LogRecord record) {
  public LogEntry {
    Objects.requireNonNull(record, "record");
  }
}
