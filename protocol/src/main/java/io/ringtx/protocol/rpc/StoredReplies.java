package io.ringtx.protocol.rpc;

import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.ValidateRequest;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

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

  /**
   * A reply kept for retransmissions: the handler's encoded answer once it came, and the
   * retransmissions that came before it. Tens of thousands are alive at once on a busy node, and
   * each lives for many young collections, so it holds the frame's bytes alone: at 64 clients a
   * participant's young collections copied 14-39 MB of these each (session 20), when each also
   * held a promise, a buffer and the reply message.
   */
  static final class Stored {
    final long at = System.currentTimeMillis();
    /** The reply frame, once the handler answered; null before. */
    private byte[] frame;
    /** The reply, kept only for a fault injector to look at; null otherwise. */
    private Message message;
    /** Retransmissions that came before the answer; null while there are none. */
    private List<Consumer<Stored>> waiting;

    /**
     * The handler answered with {@code frame}; {@code message} is kept if not null. Answers the
     * retransmissions that were waiting.
     */
    private void answered(Buffer frame, Message message) {
      if (this.frame != null) {
        return;
      }
      this.frame = frame.getBytes();
      this.message = message;
      List<Consumer<Stored>> w = waiting;
      waiting = null;
      if (w != null) {
        w.forEach(c -> c.accept(this));
      }
    }

    /** Runs {@code then} with this entry once the handler has answered (now, if it has). */
    void whenAnswered(Consumer<Stored> then) {
      if (frame != null) {
        then.accept(this);
        return;
      }
      if (waiting == null) {
        waiting = new ArrayList<>(1);
      }
      waiting.add(then);
    }

    /** The reply frame; only once answered. */
    Buffer frame() {
      return Buffer.buffer(frame);
    }

    /** The reply if it was kept (see {@link StoredReplies#StoredReplies}), else null. */
    Message message() {
      return message;
    }
  }

  private final LinkedHashMap<K, Stored> replies = new LinkedHashMap<>();
  private final boolean keepMessages;

  /**
   * Replies kept as frames; {@code keepMessages} also keeps each reply message, for a fault
   * injector that looks at what it answers again (tests): a node without one keeps the bytes
   * alone.
   */
  StoredReplies(boolean keepMessages) {
    this.keepMessages = keepMessages;
  }

  /**
   * Whether the reply to {@code request} is kept for retransmissions: every request but a read
   * and a validation of reads, whose handlers take no lock, write nothing and change no state.
   */
  private static boolean keeps(Message request) {
    return !(request instanceof ReadRequest || request instanceof ValidateRequest);
  }

  /**
   * The entry that {@code request}'s answer completes, kept under {@code id}; null if {@link
   * #keeps} says it is not kept (or {@code id} is not known).
   */
  Stored keepFor(K id, Message request) {
    return id != null && keeps(request) ? keep(id) : null;
  }

  /**
   * The handler of the request {@code stored} was kept for (by {@link #keepFor}; null if it was
   * not kept) answered {@code message}, encoded as {@code frame}.
   */
  void answered(Stored stored, Message message, Buffer frame) {
    if (stored != null) {
      stored.answered(frame, keepMessages ? message : null);
    }
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
