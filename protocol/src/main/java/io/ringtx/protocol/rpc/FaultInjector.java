package io.ringtx.protocol.rpc;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;

/**
 * Decides the fate of each message the transport puts on the wire, for fault tests: deliver,
 * drop, deliver twice, or deliver late. {@link #NONE} delivers everything and costs nothing.
 */
public interface FaultInjector {
  /** What to do with one message. */
  record Fate(boolean deliver, boolean duplicate, long delayMillis) {
    public static final Fate DELIVER = new Fate(true, false, 0);
    public static final Fate DROP = new Fate(false, false, 0);
  }

  /** Delivers every message at once. */
  FaultInjector NONE = (from, to, m, isReply) -> Fate.DELIVER;

  /** The fate of {@code message} from {@code from} to {@code to} (a request, or a reply). */
  Fate fate(NodeId from, NodeId to, Message message, boolean isReply);
}
