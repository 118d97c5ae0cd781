package io.ringtx.participant.core;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.step.DataView;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A shard's store for unit tests: committed data, the latest record of each transaction, and
 * every write set applied, in order. A test applies a {@link WriteSet} when it "completes" the
 * persist that carried it, as the real shell does.
 */
final class MemShardStore implements DataView, ParticipantCore.LogView {
  private final Map<String, Versioned> data = new HashMap<>();
  private final Map<TxId, LogRecord> latest = new HashMap<>();
  final List<WriteSet> applied = new ArrayList<>();
  private long lastVersion;

  /** Seeds a committed value. */
  MemShardStore put(String key, String value, long version) {
    data.put(key, new Versioned(value, version));
    lastVersion = Math.max(lastVersion, version);
    return this;
  }

  void apply(WriteSet ws) {
    applied.add(ws);
    for (LogRecord r : ws.records()) {
      latest.put(r.txId(), r);
    }
    for (DataWrite w : ws.data()) {
      if (w.value() == null) {
        data.remove(w.key());
      } else {
        data.put(w.key(), new Versioned(w.value(), w.version()));
      }
      lastVersion = Math.max(lastVersion, w.version());
    }
  }

  long lastVersion() {
    return lastVersion;
  }

  List<LogRecord> records() {
    List<LogRecord> out = new ArrayList<>();
    applied.forEach(ws -> out.addAll(ws.records()));
    return out;
  }

  @Override
  public Versioned read(String key) {
    return data.getOrDefault(key, Versioned.ABSENT);
  }

  @Override
  public Optional<LogRecord> txState(TxId txId) {
    return Optional.ofNullable(latest.get(txId));
  }
}
