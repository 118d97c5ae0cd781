package io.ringtx.protocol.log;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.KeyWrite;
import java.util.List;
import java.util.Objects;

/**
 * Participant COMMITTED, written in the same batch as the data it applies. {@code writes} holds
 * the writes of a one-phase commit; after a two-phase commit it is empty, the writes being in the
 * transaction's {@link Prepared} record. {@code version} is the version every written key got.
 */
public record Committed(TxId txId, long version, List<KeyWrite> writes) implements LogRecord {
  public Committed {
    Objects.requireNonNull(txId, "txId");
    writes = List.copyOf(writes);
  }
}
