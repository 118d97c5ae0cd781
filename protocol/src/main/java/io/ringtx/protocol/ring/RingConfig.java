package io.ringtx.protocol.ring;

import java.util.Objects;

/**
 * How a ring is shaped and maintained.
 *
 * @param space the identifier circle (2^64 in production)
 * @param virtualNodes v, the virtual nodes each participant runs (DESIGN §4)
 * @param successors r, the length of each node's successor list (Chord §IV.E.3: with r =
 *     Ω(log N) lookups survive half of the nodes failing at once)
 * @param stabilizeMillis the period of {@code stabilize} (Chord §IV.E.1)
 * @param fixFingersMillis the period of {@code fix_fingers}; each run refreshes one finger
 * @param checkPredecessorMillis the period of {@code check_predecessor}
 */
public record RingConfig(
    IdSpace space,
    int virtualNodes,
    int successors,
    long stabilizeMillis,
    long fixFingersMillis,
    long checkPredecessorMillis) {

  /**
   * The default v. Measured by {@code VirtualNodeBalanceTest} over 100,000 random keys: the
   * participant with the most keys holds at most 1.25× the mean with 3 participants.
   */
  public static final int DEFAULT_VIRTUAL_NODES = 128;

  /** The default r: log2 of 65,536 virtual nodes, e.g. 256 participants at the default v. */
  public static final int DEFAULT_SUCCESSORS = 16;

  /** Validates the fields. */
  public RingConfig {
    Objects.requireNonNull(space, "space");
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes must be >= 1: " + virtualNodes);
    }
    if (successors < 1) {
      throw new IllegalArgumentException("successors must be >= 1: " + successors);
    }
    if (stabilizeMillis < 1 || fixFingersMillis < 1 || checkPredecessorMillis < 1) {
      throw new IllegalArgumentException("maintenance periods must be >= 1 ms");
    }
  }

  /** The production ring: m = 64, the default v and r, stabilize every second. */
  public static RingConfig defaults() {
    return new RingConfig(
        IdSpace.SHA256_64, DEFAULT_VIRTUAL_NODES, DEFAULT_SUCCESSORS, 1_000, 500, 2_000);
  }

  /** This configuration on another circle, e.g. the lecture's m = 6 ring. */
  public RingConfig withSpace(IdSpace newSpace) {
    return new RingConfig(
        newSpace,
        virtualNodes,
        successors,
        stabilizeMillis,
        fixFingersMillis,
        checkPredecessorMillis);
  }

  /** This configuration with successor lists of {@code r} entries. */
  public RingConfig withSuccessors(int r) {
    return new RingConfig(
        space, virtualNodes, r, stabilizeMillis, fixFingersMillis, checkPredecessorMillis);
  }
}
