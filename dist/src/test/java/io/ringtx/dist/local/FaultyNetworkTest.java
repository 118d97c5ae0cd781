package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.coordinator.api.TxRequest;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.route.HashRouter;
import io.ringtx.protocol.rpc.FaultInjector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §5–6 under a lossy network: requests and replies are dropped, duplicated and delayed
 * (seeded). Afterwards no request was applied twice and no transaction was decided differently
 * on two shards.
 */
class FaultyNetworkTest {
  @TempDir Path dir;

  /** Seeded faults, switched off once the load is done so that everything can finish. */
  static final class Faults implements FaultInjector {
    final SplittableRandom random;
    volatile boolean on = true;

    Faults(long seed) {
      random = new SplittableRandom(seed);
    }

    @Override
    public synchronized Fate fate(NodeId from, NodeId to, Message m, boolean isReply) {
      if (!on) {
        return Fate.DELIVER;
      }
      int r = random.nextInt(100);
      if (r < 10) {
        return Fate.DROP;
      }
      if (r < 20) {
        return new Fate(true, true, 0);
      }
      if (r < 35) {
        return new Fate(true, false, 1 + random.nextInt(30));
      }
      return Fate.DELIVER;
    }
  }

  @Test
  void droppedDuplicatedAndDelayedMessages_neverApplyTwice_norSplitADecision() throws Exception {
    long seed = Long.getLong("faults.seed", System.nanoTime());
    Faults faults = new Faults(seed);
    HashRouter router = new HashRouter(List.of(NodeId.of("p1"), NodeId.of("p2"), NodeId.of("p3")));
    String a = "audit-a";
    String b = null;
    for (int i = 0; b == null; i++) {
      if (!router.ownerOf("audit-b" + i).equals(router.ownerOf(a))) {
        b = "audit-b" + i;
      }
    }
    String keyB = b;
    try (LocalCluster cluster = LocalCluster.start(LocalClusterConfig.defaults(dir), faults)) {
      int n = 150;
      List<CompletableFuture<TxResult>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        // Blind appends: each commits unless a lock is busy; applying one twice would show.
        fs.add(cluster.coordinator().commit(new TxRequest(TxId.of("f-" + i), List.of(),
            List.of(WriteOp.append(a, "<" + i + ">"), WriteOp.append(keyB, "<" + i + ">")))));
      }
      for (var f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      faults.on = false;
      await().atMost(Duration.ofSeconds(30)).until(() -> quiet(cluster));

      String va = cluster.coordinator().read(a).get(10, TimeUnit.SECONDS).value();
      String vb = cluster.coordinator().read(keyB).get(10, TimeUnit.SECONDS).value();
      int committed = 0;
      for (int i = 0; i < n; i++) {
        String tag = "<" + i + ">";
        int inA = count(va, tag);
        int inB = count(vb, tag);
        assertThat(inA).as("seed %d: tx f-%d applied at most once at %s", seed, i, a).isLessThanOrEqualTo(1);
        assertThat(inB).as("seed %d: tx f-%d applied at most once at %s", seed, i, keyB).isLessThanOrEqualTo(1);
        assertThat(inA).as("seed %d: tx f-%d all-or-nothing", seed, i).isEqualTo(inB);
        TxId id = TxId.of("f-" + i);
        TxState sa = stateAt(cluster, router.ownerOf(a), id);
        TxState sb = stateAt(cluster, router.ownerOf(keyB), id);
        assertThat(sa == TxState.COMMIT).as("seed %d: f-%d decided alike on both shards (%s, %s)",
            seed, i, sa, sb).isEqualTo(sb == TxState.COMMIT);
        assertThat(sa == TxState.COMMIT).as("seed %d: f-%d data matches decision", seed, i)
            .isEqualTo(inA == 1);
        TxResult r = fs.get(i).get();
        if (r.outcome() == Outcome.COMMITTED) {
          assertThat(inA).as("seed %d: acknowledged f-%d is applied", seed, i).isEqualTo(1);
          committed++;
        }
      }
      assertThat(committed).as("seed %d: some transactions commit despite the faults", seed).isPositive();
    }
  }

  static boolean quiet(LocalCluster c) throws Exception {
    for (var p : c.participants()) {
      if (p.inspect(core -> core.activeCount()).toCompletionStage().toCompletableFuture().get() > 0) {
        return false;
      }
    }
    return c.coordinator().inspect(core -> core.activeCount()).toCompletionStage()
        .toCompletableFuture().get() == 0;
  }

  static TxState stateAt(LocalCluster c, NodeId node, TxId id) throws Exception {
    int i = Integer.parseInt(node.value().substring(1)) - 1;
    return c.participants().get(i).inspect(core -> core.state(id)).toCompletionStage()
        .toCompletableFuture().get();
  }

  static int count(String s, String tag) {
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (int i = s.indexOf(tag); i >= 0; i = s.indexOf(tag, i + 1)) {
      n++;
    }
    return n;
  }
}
