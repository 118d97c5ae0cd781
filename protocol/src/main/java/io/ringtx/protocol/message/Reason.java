package io.ringtx.protocol.message;

/** Why a transaction aborted (DESIGN §2). */
public enum Reason {
  /** A version read is no longer current, or a lock is held by another transaction. */
  CONFLICT,
  /** A vote or a reply did not arrive in time. */
  TIMEOUT,
  /** A participant could not take part (crashed, unreachable, or its log write failed). */
  PARTICIPANT_FAILED,
  /** The request was malformed or exceeded a limit. */
  INVALID,
  /** The key's owner changed while the transaction ran. */
  NOT_OWNER,
  /** The coordinator restarted and presumed the transaction aborted. */
  COORDINATOR_RESTARTED,
  /**
   * A participant had more work queued than its bound and refused the transaction before doing
   * anything for it; nothing was applied, and a later attempt may pass.
   */
  OVERLOADED,
  /**
   * The id names another transaction, with other reads or writes, that this node has already
   * decided or is running: this request is another transaction under a used id. Nothing of it
   * was applied, and the first transaction is unchanged; send it with a new id.
   */
  ID_REUSED
}
