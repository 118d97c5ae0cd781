package io.ringtx.protocol.log;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.KeyWrite;
import java.util.List;
import java.util.Objects;

/**
 * Participant COMMITTED, written in the same batch as the data it applies. {@code version} is the
 * version every written key got. {@code writes} is empty in every record this build writes: the
 * data of the same batch holds them (and, after a two-phase commit, the transaction's {@link
 * Prepared} record). Records of one-phase commits written before session 16 list them; they are
 * still read.
 */
public record Committed(TxId txId, long version, List<KeyWrite> writes) implements LogRecord {
  public Committed {
    Objects.requireNonNull(txId, "txId");
    writes = List.copyOf(writes);
  }
}
