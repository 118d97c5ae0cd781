package io.ringtx.coordinator.sim;

import io.ringtx.protocol.id.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A seeded network: every message is delayed by a random amount (so messages overtake each
 * other), and may be dropped, duplicated, or held back far beyond any deadline (a late message).
 * A node can be isolated until a given time (a partition). All randomness comes from the
 * cluster's one {@link Random}, so a seed replays exactly.
 */
final class SimNetwork {
  /** Fault settings; {@link #NONE} once faults stop. */
  record Faults(double drop, double duplicate, double late, long minDelay, long maxDelay, long lateMax) {
    static final Faults NONE = new Faults(0, 0, 0, 1, 8, 8);
  }

  private final SimScheduler scheduler;
  private final Random rnd;
  private final Map<NodeId, Long> isolatedUntil = new HashMap<>();
  private Faults faults;
  long sent;
  long dropped;
  long duplicated;

  SimNetwork(SimScheduler scheduler, Random rnd, Faults faults) {
    this.scheduler = scheduler;
    this.rnd = rnd;
    this.faults = faults;
  }

  void setFaults(Faults faults) {
    this.faults = faults;
  }

  /** Drops every message to or from {@code node} until {@code untilMillis}. */
  void isolate(NodeId node, long untilMillis) {
    isolatedUntil.put(node, untilMillis);
  }

  void heal() {
    isolatedUntil.clear();
  }

  /**
   * Carries one message: {@code deliver} runs at the receiver after a delay, unless the message
   * is lost; with {@code mayDuplicate} it may run twice.
   */
  void transmit(NodeId from, NodeId to, boolean mayDuplicate, Runnable deliver) {
    sent++;
    if (isolated(from) || isolated(to) || rnd.nextDouble() < faults.drop()) {
      dropped++;
      return;
    }
    scheduler.after(delay(), deliver);
    if (mayDuplicate && rnd.nextDouble() < faults.duplicate()) {
      duplicated++;
      scheduler.after(delay(), deliver);
    }
  }

  private boolean isolated(NodeId n) {
    Long until = isolatedUntil.get(n);
    return until != null && scheduler.now() < until;
  }

  private long delay() {
    if (rnd.nextDouble() < faults.late()) {
      return faults.maxDelay() + 1 + (long) (rnd.nextDouble() * faults.lateMax());
    }
    return faults.minDelay() + (long) (rnd.nextDouble() * (faults.maxDelay() - faults.minDelay() + 1));
  }
}
