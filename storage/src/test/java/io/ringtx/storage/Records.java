package io.ringtx.storage;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.WriteSet;
import java.util.List;

/** Small builders of records and write sets for the store tests. */
final class Records {
  private Records() {}

  static TxId tx(String id) {
    return TxId.of(id);
  }

  static Prepared prepared(String txId, KeyWrite... writes) {
    return new Prepared(
        tx(txId), NodeId.of("c1"), List.of(NodeId.of("p1"), NodeId.of("p2")), List.of("r"),
        List.of(writes));
  }

  static Committed committed(String txId, long version) {
    return new Committed(tx(txId), version, List.of());
  }

  static Aborted aborted(String txId) {
    return new Aborted(tx(txId), Reason.CONFLICT);
  }

  /** A one-phase commit: the COMMITTED record and its data write, forced. */
  static WriteSet commitPut(String txId, String key, String value, long version) {
    return WriteSet.forced(
        List.of(new Committed(tx(txId), version, List.of(new KeyWrite(key, value)))),
        List.of(new DataWrite(key, value, version)));
  }

  /** As {@link #commitPut}, forced in the background. */
  static WriteSet commitPutInBackground(String txId, String key, String value, long version) {
    WriteSet set = commitPut(txId, key, value, version);
    return WriteSet.forcedInBackground(set.records(), set.data());
  }

  static WriteSet forced(LogRecord... records) {
    return WriteSet.forced(List.of(records), List.of());
  }

  static WriteSet lazy(LogRecord... records) {
    return new WriteSet(List.of(records), List.of(), false);
  }

  static WriteSet data(boolean forced, DataWrite... writes) {
    return new WriteSet(List.of(), List.of(writes), forced);
  }
}
