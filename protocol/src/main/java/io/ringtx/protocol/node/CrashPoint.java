package io.ringtx.protocol.node;

import java.util.Arrays;
import java.util.List;

/**
 * A moment in two-phase commit where a test may make a node halt at once, as a kill -9 would
 * (issue 5, STYLE §6: typed points instead of Byteman rules that name methods as strings, which a
 * rename silently breaks). The {@link MachineRunner} reports each point to its {@link Crasher}
 * when it is truly reached, from the effects it carries out; the pure cores know nothing of them.
 *
 * <p>"Sent" means delivered: a message handed to the transport may still sit in a socket buffer
 * when the process halts, so the points that must follow a delivery wait for its evidence (the
 * reply, or the message that can only follow it) and say so below.
 */
public enum CrashPoint {
  // ---- coordinator -------------------------------------------------------------------------

  /**
   * Every prepare (VOTE-REQ) of a transaction has been handed to the transport together and the
   * first vote has come back, before the coordinator looks at it: the transaction is left in
   * WAIT, undecided, with its shards prepared, preparing or (should a prepare still have been in
   * a socket buffer) never asked.
   */
  AFTER_SENDING_PREPARES(Side.COORDINATOR),

  /**
   * The first prepare of a transaction with several shards has been delivered (its vote came
   * back) and the others are held back: one shard has voted (READY, unless it refused) and the
   * others never heard of the transaction (the "peer never prepared" case of cooperative
   * termination). Only when armed does the shell hold the other prepares back.
   */
  AFTER_SOME_PREPARES(Side.COORDINATOR),

  /** COMMIT is durable in the coordinator's log and no GLOBAL-COMMIT has left. */
  AFTER_FORCING_COMMIT(Side.COORDINATOR),

  /**
   * COMMIT is durable and the first GLOBAL-COMMIT has been delivered (acknowledged) while the
   * others are held back: one shard has committed and the others are READY. Only when armed does
   * the shell hold the others back.
   */
  AFTER_SOME_GLOBAL_COMMITS(Side.COORDINATOR),

  /** Every acknowledgement is in and the END record is about to be written. */
  BEFORE_END(Side.COORDINATOR),

  // ---- participant -------------------------------------------------------------------------

  /** The locks of a prepare are taken and its PREPARED record is about to be written. */
  AFTER_TAKING_LOCKS(Side.PARTICIPANT),

  /** PREPARED is durable and the VOTE-COMMIT has not left. */
  AFTER_FORCING_PREPARED(Side.PARTICIPANT),

  /**
   * The vote has been delivered: reached when a GLOBAL-COMMIT arrives, the proof that the
   * coordinator had every vote, before the node looks at it. The transaction is READY in its log
   * and the decision is lost with the process.
   */
  AFTER_VOTING(Side.PARTICIPANT),

  /** GLOBAL-COMMIT is applied (COMMITTED and the data durable) and the ack has not left. */
  AFTER_APPLYING_COMMIT_BEFORE_ACK(Side.PARTICIPANT);

  /** The role whose shell reaches a point. */
  public enum Side {
    COORDINATOR,
    PARTICIPANT
  }

  private final Side side;

  CrashPoint(Side side) {
    this.side = side;
  }

  public Side side() {
    return side;
  }

  /** The points a node of {@code side} can reach. */
  public static List<CrashPoint> of(Side side) {
    return Arrays.stream(values()).filter(p -> p.side == side).toList();
  }
}
