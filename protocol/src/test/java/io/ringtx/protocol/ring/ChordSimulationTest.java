package io.ringtx.protocol.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ringtx.protocol.id.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4 acceptance, by deterministic simulation (STYLE §6): a ring of 1,000 virtual nodes built
 * by random joins and failures converges under stabilisation; then every node's lookups find the
 * true owner in about ½·log2(N) hops (Chord §V.D), and with successor lists of r ≥ log2(N) they
 * still do after half of the nodes fail at once (Chord §IV.E.3, Theorem IV.5) and the ring
 * stabilises again. A failure prints the seed and the command that replays the run.
 */
class ChordSimulationTest {
  private static final String REPLAY =
      "mvn -B -q verify -pl protocol -Dtest=ChordSimulationTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dringtx.seed=";
  private static final int N = 1_000;
  private static final int LOOKUPS_PER_NODE = 10;
  private static final long MAX_CONVERGE_MILLIS = 120_000;
  private static final long MAX_BUILD_MILLIS = 300_000;
  private static final long MAX_LOOKUP_SLACK_MILLIS = 10_000;

  private int nextNode;
  private long nextRequest;

  /**
   * Just after half failed, with r = log2 N a lookup may find no owner when some live node's whole
   * successor list failed (in about 4 runs out of 10, then for about 1-2% of the keys), and never
   * names a wrong one; when no list failed whole, and always with r = 3·log2 N, every lookup
   * finds the true owner.
   */
  @ParameterizedTest(name = "r = {0}·⌈log2 N⌉")
  @ValueSource(ints = {1, 3})
  void thousandNodes_withChurnThenHalfFailing_lookupsFindTheTrueOwnerInLogHops(int timesLog2N) {
    long seed = Long.getLong("ringtx.seed", System.nanoTime());
    try {
      run(seed, timesLog2N * (int) Math.ceil(log2(N)));
    } catch (AssertionError e) {
      fail("seed " + seed + "\nreplay: " + REPLAY + seed, e);
    }
  }

  /**
   * A participant leaves the ring with all its virtual nodes at once, as {@code ringtx cluster
   * leave} makes it. With maintenance paused, so that only the leave messages act, every live
   * node's successor is already the true one: none points at a virtual node that left, though
   * the participant's virtual nodes sit side by side in places.
   */
  @ParameterizedTest(name = "latency seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void aParticipantLeavingWithAllItsVirtualNodes_leavesNoSuccessorPointingAtOne(long seed) {
    RingConfig config = RingConfig.defaults().withSuccessors(8);
    SimRing sim = new SimRing(config, seed, 1, 20);
    List<VirtualNode> all = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      all.addAll(config.space().virtualNodes(NodeId.of("p" + p), 16));
    }
    sim.start(all.get(0));
    for (VirtualNode v : all.subList(1, all.size())) {
      sim.join(v, all.get(0));
      sim.runFor(config.stabilizeMillis() / 20);
    }
    converge(sim, sim.now());
    NodeId gone = NodeId.of("p3");
    long sideBySide = sim.nodes().stream().filter(n -> n.self().node().equals(gone)
        && n.successor().node().equals(gone)).count();
    assertThat(sideBySide).as("p3's virtual nodes followed by another of p3's").isPositive();

    sim.pauseMaintenance();
    all.stream().filter(v -> v.node().equals(gone)).forEach(v -> sim.leave(v.id()));
    sim.runFor(1_000);

    assertThat(sim.size()).isEqualTo(80);
    for (ChordNode n : sim.nodes()) {
      assertThat(n.successor()).as("successor of %s", n.self())
          .isEqualTo(sim.trueSuccessor(n.self().id().plus(1)));
      assertThat(n.predecessor().map(VirtualNode::node)).as("predecessor of %s", n.self())
          .isNotEqualTo(java.util.Optional.of(gone));
    }
  }

  private void run(long seed, int r) {
    long started = System.nanoTime();
    RingConfig config =
        RingConfig.defaults().withSuccessors(r); // m = 64, hashed ids, as in production
    SimRing sim = new SimRing(config, seed, 1, 20);
    System.out.printf("simulation seed %d, N=%d, r=%d, m=%d%n", seed, N, r, 64);

    // Build: random joins through random members, interleaved with random failures; failures
    // start once there are 64 nodes. Chord §IV.E assumes churn small next to the rate of
    // stabilisation: one event every 1/20 of a stabilize period, 1/40 from 256 nodes on, has up to
    // ~6% of the nodes fail, and up to a quarter join, between two runs of stabilize.
    long slowStep = config.stabilizeMillis() / 20;
    long fastStep = config.stabilizeMillis() / 40;
    sim.start(newNode(config));
    int joins = 1;
    int failures = 0;
    while (sim.size() < N) {
      if (sim.now() > MAX_BUILD_MILLIS) {
        throw new AssertionError(
            "ring of " + sim.size() + " did not grow to " + N + " in " + MAX_BUILD_MILLIS + " ms");
      }
      List<ChordNode> nodes = sim.nodes();
      if (sim.size() < 64 || sim.random.nextInt(10) < 8) {
        ChordNode known = nodes.get(sim.random.nextInt(nodes.size()));
        if (known.state() == ChordNode.State.JOINED) {
          sim.join(newNode(config), known.self());
          joins++;
        }
      } else {
        sim.fail(nodes.get(sim.random.nextInt(nodes.size())).self().id());
        failures++;
      }
      sim.runFor(sim.size() < 256 ? slowStep : fastStep);
      if (sim.now() % 500 == 0) {
        sim.rediscover();
      }
    }
    long convergedIn = converge(sim, sim.now());
    System.out.printf(
        "built by %d joins and %d failures; converged %d ms (simulated) after the last join%n",
        joins, failures, convergedIn);
    settleFingers(sim);

    Result before = lookups(sim);
    double bound = 0.5 * log2(sim.size()) + 1;
    System.out.printf(
        "N=%d: %d lookups, %d correct, mean hops %.2f (bound ½·log2 N + 1 = %.2f),"
            + " fingers correct %.1f%%%n",
        sim.size(), before.total, before.correct, before.meanHops(), bound, fingerAccuracy(sim));
    assertThat(before.correct).as("lookups that found the true owner").isEqualTo(before.total);
    assertThat(before.meanHops()).isLessThanOrEqualTo(bound);

    // Half of the nodes fail at once.
    List<ChordNode> nodes = sim.nodes();
    for (int i = nodes.size() - 1; i > 0; i--) { // Fisher-Yates with the simulation's source
      int j = sim.random.nextInt(i + 1);
      ChordNode t = nodes.get(i);
      nodes.set(i, nodes.get(j));
      nodes.set(j, t);
    }
    for (ChordNode dead : nodes.subList(0, N / 2)) {
      sim.fail(dead.self().id());
    }
    long failedAt = sim.now();
    // Lookups started the instant half failed, with no maintenance running until they end: only
    // the lookups' own fall-back past the dead nodes they meet (Chord §IV.E.3) can find the
    // owners. A lookup can fail only near a live node whose whole successor list failed: each
    // live node's does with a chance of 2^-r, 1 in 1,024 for r = 10 and 1 in 10^9 for r = 30.
    sim.pauseMaintenance();
    Result during = lookups(sim);
    sim.resumeMaintenance();
    System.out.printf(
        "lookups started the instant half failed (N=%d, before any stabilisation): %d/%d found"
            + " the true owner, %d named a failed node, %d another live node, %d found none;"
            + " live nodes that had lost their whole successor list: %d;"
            + " mean hops %.2f (FindSuccessor requests, those to failed nodes included)%n",
        sim.size(), during.correct, during.total, during.deadOwner, during.wrongLive, during.none,
        during.stranded, during.meanHops());
    assertThat(during.deadOwner).as("lookups that named a failed node").isZero();
    assertThat(during.wrongLive).as("lookups that named the wrong live node").isZero();
    if (r >= 3 * log2(N) || during.stranded == 0) {
      assertThat(during.correct).as("lookups that found the true owner").isEqualTo(during.total);
    }

    long reconvergedIn = converge(sim, failedAt);
    settleFingers(sim);
    Result after = lookups(sim);
    System.out.printf(
        "half failed; successors and predecessors all right again %d ms (simulated) later;"
            + " then %d/%d lookups found the true owner,"
            + " mean hops %.2f, fingers correct %.1f%%%n",
        reconvergedIn, after.correct, after.total, after.meanHops(), fingerAccuracy(sim));
    assertThat(after.correct).as("lookups after half failed").isEqualTo(after.total);
    assertThat(after.meanHops()).isLessThanOrEqualTo(0.5 * log2(sim.size()) + 1);
    System.out.printf(
        "simulation: %d messages delivered, %.1f s wall clock%n",
        sim.delivered(), (System.nanoTime() - started) / 1e9);
  }

  private VirtualNode newNode(RingConfig config) {
    NodeId id = NodeId.of("s" + nextNode++);
    return new VirtualNode(id, config.space().ofVirtualNode(id, 0));
  }

  /** Lets fix_fingers run through every finger table about twice (~log2 N lookups each). */
  private static void settleFingers(SimRing sim) {
    sim.runFor(2 * 12 * sim.config.fixFingersMillis());
  }

  /**
   * Runs until every live node's successor and predecessor are the true ones; returns how long
   * after {@code since} that was.
   */
  private static long converge(SimRing sim, long since) {
    long start = sim.now();
    while (!converged(sim)) {
      if (sim.now() - start > MAX_CONVERGE_MILLIS) {
        throw new AssertionError(
            "ring did not converge in " + MAX_CONVERGE_MILLIS + " ms: " + wrong(sim));
      }
      sim.runFor(500);
      sim.rediscover();
    }
    return sim.now() - since;
  }

  private static boolean converged(SimRing sim) {
    return wrong(sim).isEmpty();
  }

  private static List<String> wrong(SimRing sim) {
    List<String> out = new ArrayList<>();
    for (ChordNode node : sim.nodes()) {
      RingId id = node.self().id();
      VirtualNode succ = sim.trueSuccessor(id.plus(1));
      VirtualNode pred = sim.truePredecessor(id);
      if (node.state() != ChordNode.State.JOINED
          || !node.successor().equals(succ)
          || !node.predecessor().map(pred::equals).orElse(false)) {
        out.add(node + " TRUE succ=" + succ + " pred=" + pred);
        if (out.size() > 3) {
          break;
        }
      }
    }
    return out;
  }

  private static double fingerAccuracy(SimRing sim) {
    long right = 0;
    long all = 0;
    for (ChordNode node : sim.nodes()) {
      List<VirtualNode> fingers = node.fingers();
      for (int i = 0; i < fingers.size(); i++) {
        all++;
        if (fingers.get(i).equals(sim.trueSuccessor(node.self().id().plusPowerOfTwo(i)))) {
          right++;
        }
      }
    }
    return 100.0 * right / all;
  }

  private record Result(
      int total, int correct, int deadOwner, int wrongLive, int none, int stranded, long hops) {
    double meanHops() {
      return (double) hops / Math.max(1, total - none);
    }
  }

  /**
   * LOOKUPS_PER_NODE lookups of random ids from every live node, checked against the truth;
   * also counts the live nodes whose successor lists hold no live node (just after failures, a
   * lookup for a key behind such a node may find no owner: no live node knows of the next one).
   */
  private Result lookups(SimRing sim) {
    // Taken before the lookups start: they make the nodes forget the failed nodes they meet.
    Set<RingId> stranded = new HashSet<>();
    for (ChordNode node : sim.nodes()) {
      if (node.successors().stream().noneMatch(v -> sim.node(v.id()) != null)) {
        stranded.add(node.self().id());
      }
    }
    List<long[]> started = new ArrayList<>();
    List<RingId> targets = new ArrayList<>();
    for (ChordNode from : sim.nodes()) {
      for (int k = 0; k < LOOKUPS_PER_NODE; k++) {
        RingId target = sim.config.space().id(sim.random.nextLong());
        long requestId = nextRequest++;
        sim.startLookup(from, requestId, target);
        started.add(new long[] {requestId});
        targets.add(target);
      }
    }
    // Every lookup ends, by an answer or by giving up; each dead node it meets costs a timeout,
    // and a node gives a lookup up after a bounded number of steps: so the bound is that many
    // timeouts, plus slack for the answered steps.
    long bound = (long) ChordNode.maxLookupSteps(sim.config) * sim.timeoutMillis
        + MAX_LOOKUP_SLACK_MILLIS;
    long deadline = sim.now() + bound;
    while (started.stream().anyMatch(s -> sim.lookup(s[0]) == null)) {
      if (sim.now() > deadline) {
        throw new AssertionError("lookups still running after " + bound + " ms");
      }
      sim.runFor(100);
    }
    int correct = 0;
    int deadOwner = 0;
    int wrongLive = 0;
    int none = 0;
    long hops = 0;
    for (int i = 0; i < started.size(); i++) {
      RingStep.LookupDone done = sim.lookup(started.get(i)[0]);
      assertThat(done.target()).isEqualTo(targets.get(i));
      if (!done.succeeded()) {
        none++;
        continue;
      }
      hops += done.hops();
      if (sim.trueSuccessor(done.target()).equals(done.owner())) {
        correct++;
      } else if (sim.node(done.owner().id()) == null) {
        deadOwner++;
      } else {
        wrongLive++;
      }
    }
    return new Result(
        started.size(), correct, deadOwner, wrongLive, none, stranded.size(), hops);
  }


  private static double log2(int n) {
    return Math.log(n) / Math.log(2);
  }
}
