package io.ringtx.protocol.rpc;

import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.ValidateRequest;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The replies a serving node keeps by request id, so that a retransmission is answered from its
 * stored reply and the handler never runs twice for one request (DESIGN §5). Entries are kept for
 * {@link #RETENTION_MILLIS} (well above any deadline) and at most {@link #MAX} of them. Used on
 * one context only, so nothing is locked.
 *
 * <p>Requests whose handler changes nothing ({@link #keeps}) are not kept: a retransmission runs
 * them again, which answers as the first run would have or with a newer state (their replies
 * were two fifths of those a participant kept at 64 clients).
 *
 * @param <K> the request id as the transport knows it
 */
final class StoredReplies<K> {
  /** How long a reply is kept to answer retransmissions: well above any deadline. */
  static final long RETENTION_MILLIS = 60_000;
  private static final int MAX = 200_000;

  /** A reply kept for retransmissions (the promise completes once the handler answered). */
  static final class Stored {
    final Promise<Buffer> reply = Promise.promise();
    final long at = System.currentTimeMillis();
    Message message;

    /** The handler answered {@code m}, encoded as {@code b}. */
    void answered(Message m, Buffer b) {
      message = m;
      reply.tryComplete(b);
    }
  }

  private final LinkedHashMap<K, Stored> replies = new LinkedHashMap<>();

  /**
   * Whether the reply to {@code request} is kept for retransmissions: every request but a read
   * and a validation of reads, whose handlers take no lock, write nothing and change no state.
   */
  private static boolean keeps(Message request) {
    return !(request instanceof ReadRequest || request instanceof ValidateRequest);
  }

  /**
   * The entry that {@code request}'s answer completes: kept under {@code id} if {@link #keeps}
   * says so (and {@code id} is known), else one that no retransmission will find.
   */
  Stored keepFor(K id, Message request) {
    return id != null && keeps(request) ? keep(id) : new Stored();
  }

  /** The reply kept for {@code id}, or null; drops the expired ones first. */
  Stored get(K id) {
    trim();
    return replies.get(id);
  }

  /** Keeps a new entry for {@code id}, to be completed when the handler answers. */
  Stored keep(K id) {
    Stored s = new Stored();
    replies.put(id, s);
    return s;
  }

  private void trim() {
    long cutoff = System.currentTimeMillis() - RETENTION_MILLIS;
    Iterator<Stored> it = replies.values().iterator();
    while (it.hasNext()) {
      Stored s = it.next();
      if (s.at >= cutoff && replies.size() <= MAX) {
        break;
      }
      it.remove();
    }
  }
}
