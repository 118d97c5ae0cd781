package io.ringtx.protocol.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.KeyWrite;
import java.util.List;
import java.util.Objects;

/**
 * Participant COMMITTED, written in the same batch as the data it applies. {@code version} is the
 * version every written key got. {@code writes} is empty in every record this build writes: the
 * data of the same batch holds them (and, after a two-phase commit, the transaction's {@link
 * Prepared} record). Records of one-phase commits written before session 16 list them; they are
 * still read. {@code digest} is set after a one-phase commit only: the whole transaction's
 * {@link io.ringtx.protocol.message.TxDigest} (null before session 25), so that a later one-phase
 * commit with the same id and other reads or writes is refused {@code ID_REUSED}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Committed(TxId txId, long version, List<KeyWrite> writes, Long digest)
    implements LogRecord {
  public Committed {
    Objects.requireNonNull(txId, "txId");
    writes = List.copyOf(writes);
  }

  /** A record without a digest: after a two-phase commit, and before session 25. */
  public Committed(TxId txId, long version, List<KeyWrite> writes) {
    this(txId, version, writes, null);
  }
}
