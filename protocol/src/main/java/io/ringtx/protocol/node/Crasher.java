package io.ringtx.protocol.node;

import io.ringtx.protocol.id.TxId;

/**
 * What a {@link MachineRunner} tells when it reaches a {@link CrashPoint}. Passed to the runner
 * (never a static registry, STYLE §6), so each node of an in-JVM cluster or a simulation can have
 * its own. {@link #NONE}, the default, does nothing, and the runner does not even classify its
 * effects when given it: crash points cost nothing when off.
 */
@FunctionalInterface
public interface Crasher {
  /** No crash point: the runner skips every check. */
  Crasher NONE = (point, tx) -> {};

  /**
   * {@code point} is reached for {@code tx}. An implementation may halt the process here (it
   * then never returns); if it returns, the runner carries on as if nothing happened.
   */
  void reached(CrashPoint point, TxId tx);

  /**
   * Whether reaching {@code point} may halt. The points that need the runner to hold messages
   * back ({@link CrashPoint#AFTER_SOME_PREPARES}, {@link CrashPoint#AFTER_SOME_GLOBAL_COMMITS})
   * change its behaviour only when armed.
   */
  default boolean armed(CrashPoint point) {
    return false;
  }
}
