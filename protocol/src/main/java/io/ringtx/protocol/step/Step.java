package io.ringtx.protocol.step;

import java.util.ArrayList;
import java.util.List;

/**
 * What a state machine returns for one event: writes to persist (each with the messages that
 * wait for it), messages to send now, and timers to set.
 */
public record Step(List<Persist> persists, List<Outbound> sends, List<Timer> timers) {
  /** A step with no effects. */
  public static final Step NONE = new Step(List.of(), List.of(), List.of());

  public Step {
    persists = List.copyOf(persists);
    sends = List.copyOf(sends);
    timers = List.copyOf(timers);
  }

  public boolean isEmpty() {
    return persists.isEmpty() && sends.isEmpty() && timers.isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the effects of one event. */
  public static final class Builder {
    private final List<Persist> persists = new ArrayList<>();
    private final List<Outbound> sends = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();

    public Builder persist(Persist p) {
      persists.add(p);
      return this;
    }

    public Builder send(Outbound o) {
      sends.add(o);
      return this;
    }

    public Builder timer(Timer t) {
      timers.add(t);
      return this;
    }

    /** Adds every effect of {@code other}. */
    public Builder add(Step other) {
      persists.addAll(other.persists());
      sends.addAll(other.sends());
      timers.addAll(other.timers());
      return this;
    }

    public Step build() {
      return persists.isEmpty() && sends.isEmpty() && timers.isEmpty()
          ? NONE
          : new Step(persists, sends, timers);
    }
  }
}
