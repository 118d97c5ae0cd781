package io.ringtx.protocol.rpc;

import io.ringtx.protocol.metrics.PromText;

/** The metrics every node reports about its RPC layer, in the Prometheus text format. */
public final class RpcMetrics {
  private RpcMetrics() {}

  /** Appends the transport's retransmission and duplicate counters to {@code out}. */
  public static PromText render(PromText out, Transport transport) {
    return out
        .counter("ringtx_rpc_retransmissions_total",
            "Requests to other nodes sent again after an attempt timed out or found no handler.",
            transport.retransmissions())
        .counter("ringtx_rpc_duplicates_answered_total",
            "Retransmitted requests from other nodes answered from the stored reply, not run again.",
            transport.duplicatesAnswered());
  }
}
