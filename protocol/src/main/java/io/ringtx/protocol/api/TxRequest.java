package io.ringtx.protocol.api;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import java.util.List;

/**
 * A commit request: the read set (key, version seen) and the buffered writes. {@code id} is the
 * client's chosen transaction id, or null for the coordinator to assign one.
 */
public record TxRequest(TxId id, List<ReadItem> reads, List<WriteOp> writes) {
  public TxRequest {
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
  }
}
