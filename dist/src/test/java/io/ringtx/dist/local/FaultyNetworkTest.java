package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.rpc.FaultInjector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"the event bus", "tcp"})
  void droppedDuplicatedAndDelayedMessages_neverApplyTwice_norSplitADecision(String transport)
      throws Exception {
    long seed = Long.getLong("faults.seed", System.nanoTime());
    Faults faults = new Faults(seed);
    Router router = LocalCluster.placement(3);
    int n = 150;
    // Each transaction appends its tag to its own two keys on two different shards: commits
    // are expected, and a request applied twice would show as a doubled tag.
    List<String[]> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String a = "fa-" + i;
      String b = null;
      for (int j = 0; b == null; j++) {
        if (!router.ownerOf("fb-" + i + "-" + j).equals(router.ownerOf(a))) {
          b = "fb-" + i + "-" + j;
        }
      }
      keys.add(new String[] {a, b});
    }
    LocalClusterConfig config = LocalClusterConfig.defaults(dir);
    try (LocalCluster cluster = transport.equals("tcp")
        ? LocalCluster.startOverTcp(config, faults) : LocalCluster.start(config, faults)) {
      List<CompletableFuture<TxResult>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(cluster.coordinator().commit(new TxRequest(TxId.of("f-" + i), List.of(),
            List.of(WriteOp.append(keys.get(i)[0], "<" + i + ">"),
                WriteOp.append(keys.get(i)[1], "<" + i + ">")))));
      }
      for (var f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      faults.on = false;
      await().atMost(Duration.ofSeconds(30)).until(() -> quiet(cluster));

      int committed = 0;
      String replay = " (replay: mvn -B verify -pl dist -am -Dtest=FaultyNetworkTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dfaults.seed=" + seed + ")";
      for (int i = 0; i < n; i++) {
        String tag = "<" + i + ">";
        String va = cluster.coordinator().read(keys.get(i)[0]).get(10, TimeUnit.SECONDS).value();
        String vb = cluster.coordinator().read(keys.get(i)[1]).get(10, TimeUnit.SECONDS).value();
        assertThat(va).as("f-%d applied at most once%s", i, replay).isIn(null, tag);
        assertThat(vb).as("f-%d all-or-nothing%s", i, replay).isEqualTo(va);
        TxId id = TxId.of("f-" + i);
        TxState sa = stateAt(cluster, router.ownerOf(keys.get(i)[0]), id);
        TxState sb = stateAt(cluster, router.ownerOf(keys.get(i)[1]), id);
        assertThat(sa == TxState.COMMIT).as("f-%d decided alike on both shards (%s, %s)%s",
            i, sa, sb, replay).isEqualTo(sb == TxState.COMMIT);
        assertThat(sa == TxState.COMMIT).as("f-%d data matches the decision%s", i, replay)
            .isEqualTo(va != null);
        if (fs.get(i).get().outcome() == Outcome.COMMITTED) {
          assertThat(va).as("acknowledged f-%d is applied%s", i, replay).isEqualTo(tag);
          committed++;
        }
      }
      assertThat(committed).as("some transactions commit despite the faults%s", replay).isPositive();
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
}
