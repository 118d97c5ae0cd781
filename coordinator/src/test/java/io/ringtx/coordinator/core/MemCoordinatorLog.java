package io.ringtx.coordinator.core;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.step.WriteSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A coordinator's log for unit tests: the latest record per transaction and every write set. */
final class MemCoordinatorLog implements CoordinatorCore.LogView {
  private final Map<TxId, LogRecord> latest = new HashMap<>();
  final List<WriteSet> applied = new ArrayList<>();

  void apply(WriteSet ws) {
    applied.add(ws);
    ws.records().forEach(r -> latest.put(r.txId(), r));
  }

  @Override
  public Optional<LogRecord> txState(TxId txId) {
    return Optional.ofNullable(latest.get(txId));
  }
}
