package io.ringtx.protocol.message;

/** A participant's vote, in Narayana's vocabulary. */
public enum VoteKind {
  /** VOTE-COMMIT: PREPARED is durable and the locks are held. */
  PREPARE_OK,
  /** VOTE-ABORT. */
  PREPARE_NOTOK,
  /** Only reads at this shard: versions valid, shared locks held, nothing logged. */
  PREPARE_READONLY
}
