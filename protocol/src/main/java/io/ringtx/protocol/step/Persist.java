package io.ringtx.protocol.step;

import java.util.List;
import java.util.Objects;

/**
 * A write the state machine asks for, and the messages that may only be sent once it is durable
 * (a participant's VOTE-COMMIT, a coordinator's GLOBAL-COMMIT). The shell writes, then sends
 * {@code afterPersist}, then reports {@code Persisted(id)}; on failure it drops them and reports
 * {@code PersistFailed(id)}. Holding the messages here means no code path can send them early.
 */
public record Persist(long id, WriteSet writes, List<Outbound> afterPersist) {
  public Persist {
    Objects.requireNonNull(writes, "writes");
    afterPersist = List.copyOf(afterPersist);
  }
}
