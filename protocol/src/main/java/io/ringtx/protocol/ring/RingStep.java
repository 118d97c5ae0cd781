package io.ringtx.protocol.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ChordNode} returns for one event: requests to send to other ring nodes, replies to
 * requests it was given, timers to set, and client lookups that finished.
 *
 * <p>The shell's contract: every {@link Send} is answered, later, by exactly one call of {@link
 * ChordNode#onReply} or {@link ChordNode#onSendFailed}; every {@link Reply} answers the request
 * that came with its token; every {@link Timer} is fed back to {@link ChordNode#onTimer} at or
 * after its time. Timers are never cancelled: the node ignores one that no longer applies.
 */
public record RingStep(
    List<Send> sends, List<Reply> replies, List<Timer> timers, List<LookupDone> lookups) {

  /** A step with no effects. */
  public static final RingStep NONE = new RingStep(List.of(), List.of(), List.of(), List.of());

  /** Copies the lists. */
  public RingStep {
    sends = List.copyOf(sends);
    replies = List.copyOf(replies);
    timers = List.copyOf(timers);
    lookups = List.copyOf(lookups);
  }

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return sends.isEmpty() && replies.isEmpty() && timers.isEmpty() && lookups.isEmpty();
  }

  /** Send {@code request} to the virtual node {@code to} (at {@code to.node()}). */
  public record Send(VirtualNode to, RingMessage.Request request) {
    /** Validates. */
    public Send {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(request, "request");
    }
  }

  /** Answer the request that arrived with {@code token}. */
  public record Reply(long token, RingMessage.Response response) {
    /** Validates. */
    public Reply {
      Objects.requireNonNull(response, "response");
    }
  }

  /** Call {@link ChordNode#onTimer} with this timer at {@code atMillis}. */
  public record Timer(TimerKind kind, long atMillis) {
    /** Validates. */
    public Timer {
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** The periodic maintenance of Chord §IV.E.1, and the retry of a failed join. */
  public enum TimerKind {
    /** Verify the successor, learn its successor list, notify it. */
    STABILIZE,
    /** Refresh the next finger. */
    FIX_FINGERS,
    /** Ping the predecessor; forget it if it does not answer. */
    CHECK_PREDECESSOR,
    /** The join lookup failed: try again through the same known node. */
    JOIN_RETRY
  }

  /**
   * A lookup started with {@link ChordNode#lookup} finished: {@code owner} is the successor of
   * {@code target}, confirmed alive, or null if the lookup failed. {@code hops} counts the {@link
   * RingMessage.FindSuccessor} requests it sent, not the {@link RingMessage.ConfirmOwner} that
   * ends it.
   */
  public record LookupDone(long requestId, RingId target, VirtualNode owner, int hops) {
    /** Validates. */
    public LookupDone {
      Objects.requireNonNull(target, "target");
    }

    /** Whether the lookup found an owner. */
    public boolean succeeded() {
      return owner != null;
    }
  }

  /** Collects the effects of one event. */
  static final class Builder {
    private final List<Send> sends = new ArrayList<>();
    private final List<Reply> replies = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private final List<LookupDone> lookups = new ArrayList<>();

    Builder send(VirtualNode to, RingMessage.Request request) {
      sends.add(new Send(to, request));
      return this;
    }

    Builder reply(long token, RingMessage.Response response) {
      replies.add(new Reply(token, response));
      return this;
    }

    Builder timer(TimerKind kind, long atMillis) {
      timers.add(new Timer(kind, atMillis));
      return this;
    }

    Builder lookupDone(LookupDone done) {
      lookups.add(done);
      return this;
    }

    RingStep build() {
      return sends.isEmpty() && replies.isEmpty() && timers.isEmpty() && lookups.isEmpty()
          ? NONE
          : new RingStep(sends, replies, timers, lookups);
    }
  }
}
