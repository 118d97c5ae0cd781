package io.ringtx.protocol.step;

/** The timers the state machines set. */
public enum TimerKind {
  /** Coordinator in WAIT: votes missing at this time mean abort. */
  VOTE_TIMEOUT,
  /** Coordinator in COMMIT/ABORT: resend the decision to participants that have not acked. */
  DECISION_RESEND,
  /** Participant in READY: no decision yet, ask for it (termination protocol). */
  READY_TIMEOUT
}
