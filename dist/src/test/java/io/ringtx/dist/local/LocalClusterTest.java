package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.coordinator.server.CoordinatorNode;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.route.Router;
import io.ringtx.storage.StoreStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a real in-JVM cluster: RocksDB stores, Vert.x event bus, both 2PC cores. */
class LocalClusterTest {
  @TempDir Path dir;
  LocalCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  CoordinatorNode c() {
    return cluster.coordinator();
  }

  static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  ReadReply read(String key) throws Exception {
    return get(c().read(key));
  }

  TxResult commit(String id, List<ReadItem> reads, List<WriteOp> writes) throws Exception {
    return get(c().commit(new TxRequest(id == null ? null : TxId.of(id), reads, writes)));
  }

  /** Two keys owned by different shards. */
  static String[] keysOnTwoShards() {
    Router r = LocalCluster.placement(3);
    String a = "k0";
    for (int i = 1; ; i++) {
      String b = "k" + i;
      if (!r.ownerOf(a).equals(r.ownerOf(b))) {
        return new String[] {a, b};
      }
    }
  }

  static NodeId ownerOf(String key) {
    return LocalCluster.placement(3).ownerOf(key);
  }

  @Test
  void multiShardTransaction_commitsAtomically_andIsReadable() throws Exception {
    String[] k = keysOnTwoShards();
    TxResult r = commit(null, List.of(), List.of(WriteOp.put(k[0], "a"), WriteOp.put(k[1], "b")));
    assertThat(r.outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(r.id().value()).startsWith("c1-");
    assertThat(read(k[0]).value()).isEqualTo("a");
    assertThat(read(k[1]).value()).isEqualTo("b");
    assertThat(read(k[0]).version()).isPositive();
    assertThat(read("never-written").value()).isNull();
    assertThat(read("never-written").version()).isZero();
  }

  @Test
  void finishedTransactions_areForgottenAfterTheRetentionWindow_andTheirDataStays()
      throws Exception {
    cluster.close();
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir.resolve("pruning"))
        .withPruning(Duration.ofMillis(300), Duration.ofMillis(100)));
    String[] k = keysOnTwoShards();
    TxResult first =
        commit(null, List.of(), List.of(WriteOp.put(k[0], "a"), WriteOp.put(k[1], "b")));
    // A later transaction on the same nodes: a store never prunes its last record.
    TxResult second =
        commit(null, List.of(), List.of(WriteOp.append(k[0], "2"), WriteOp.append(k[1], "2")));
    assertThat(List.of(first.outcome(), second.outcome()))
        .containsOnly(Outcome.COMMITTED);

    List<NodeId> nodes = List.of(ownerOf(k[0]), ownerOf(k[1]), NodeId.of("c1"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (NodeId n : nodes) {
        assertThat(cluster.store(n).txState(first.id())).as("%s knows %s", n, first.id())
            .isEmpty();
        assertThat(cluster.store(n).prunedTotal().transactions()).as(n.value()).isPositive();
      }
    });
    assertThat(read(k[0]).value()).isEqualTo("a2");
    assertThat(read(k[1]).value()).isEqualTo("b2");
  }

  @Test
  @SuppressWarnings("unchecked")
  void routing_publishesTheRing_withNoParticipantAddress_sinceNoParticipantServesHttp() {
    Map<String, Object> routing = c().routing().orElseThrow();
    List<Map<String, String>> vnodes = (List<Map<String, String>>) routing.get("virtualNodes");
    assertThat(vnodes).extracting(v -> v.get("node")).containsOnly("p1", "p2", "p3");
    assertThat((Map<String, String>) routing.get("participants")).isEmpty();
  }

  @Test
  void appendAndDelete_resolveAgainstCurrentValues() throws Exception {
    String[] k = keysOnTwoShards();
    commit(null, List.of(), List.of(WriteOp.put(k[0], "x"), WriteOp.append(k[1], "1")));
    commit(null, List.of(), List.of(WriteOp.append(k[0], "y"), WriteOp.append(k[1], "2")));
    assertThat(read(k[0]).value()).isEqualTo("xy");
    assertThat(read(k[1]).value()).isEqualTo("12");
    commit(null, List.of(), List.of(WriteOp.delete(k[0]), WriteOp.append(k[1], "3")));
    assertThat(read(k[0]).value()).isNull();
    assertThat(read(k[0]).version()).isZero();
    assertThat(read(k[1]).value()).isEqualTo("123");
  }

  @Test
  void singleShardTransaction_commitsInOnePhase_withOneForcedWrite() throws Exception {
    // DESIGN §3 step 1: one shard validates, logs and applies in one forced write.
    String key = "solo";
    NodeId owner = ownerOf(key);
    commit(null, List.of(), List.of(WriteOp.put(key, "warm")));
    await().until(() -> c().inspect(core -> core.activeCount()).toCompletionStage()
        .toCompletableFuture().get() == 0);
    StoreStats p0 = cluster.store(owner).stats();
    StoreStats c0 = cluster.store(NodeId.of("c1")).stats();
    // Each participant forced its initial ranges at start-up (the ring); nothing since counts.
    Map<NodeId, Long> othersBefore = new HashMap<>();
    for (NodeId other : List.of(NodeId.of("p1"), NodeId.of("p2"), NodeId.of("p3"))) {
      othersBefore.put(other, cluster.store(other).stats().forcedWrites());
    }
    long v = read(key).version();

    TxResult r = commit(null, List.of(new ReadItem(key, v)), List.of(WriteOp.put(key, "v2")));

    assertThat(r.outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(cluster.store(owner).stats().forcedWrites() - p0.forcedWrites()).isEqualTo(1);
    assertThat(cluster.store(NodeId.of("c1")).stats().forcedWrites()).isEqualTo(c0.forcedWrites());
    for (NodeId other : List.of(NodeId.of("p1"), NodeId.of("p2"), NodeId.of("p3"))) {
      if (!other.equals(owner)) {
        assertThat(cluster.store(other).stats().forcedWrites()).isEqualTo(othersBefore.get(other));
      }
    }
  }

  @Test
  void conflict_secondOfTwoTransactionsThatReadTheSameVersion_aborts() throws Exception {
    String[] k = keysOnTwoShards();
    commit(null, List.of(), List.of(WriteOp.put(k[0], "0"), WriteOp.put(k[1], "0")));
    long v0 = read(k[0]).version();
    long v1 = read(k[1]).version();
    List<ReadItem> reads = List.of(new ReadItem(k[0], v0), new ReadItem(k[1], v1));

    TxResult first = commit(null, reads, List.of(WriteOp.put(k[0], "t1"), WriteOp.put(k[1], "t1")));
    TxResult second = commit(null, reads, List.of(WriteOp.put(k[0], "t2"), WriteOp.put(k[1], "t2")));

    assertThat(first.outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(second.outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(second.reason()).isEqualTo(Reason.CONFLICT);
    assertThat(read(k[0]).value()).isEqualTo("t1");
    assertThat(read(k[1]).value()).isEqualTo("t1");
  }

  @Test
  void concurrentConflictingTransactions_neverBothCommit() throws Exception {
    String[] k = keysOnTwoShards();
    commit(null, List.of(), List.of(WriteOp.put(k[0], "0"), WriteOp.put(k[1], "0")));
    int bothCommitted = 0;
    int oneCommitted = 0;
    for (int round = 0; round < 50; round++) {
      List<ReadItem> reads =
          List.of(new ReadItem(k[0], read(k[0]).version()), new ReadItem(k[1], read(k[1]).version()));
      var f1 = c().commit(new TxRequest(null, reads,
          List.of(WriteOp.put(k[0], "a" + round), WriteOp.put(k[1], "a" + round))));
      var f2 = c().commit(new TxRequest(null, reads,
          List.of(WriteOp.put(k[0], "b" + round), WriteOp.put(k[1], "b" + round))));
      int n = (get(f1).outcome() == Outcome.COMMITTED ? 1 : 0)
          + (get(f2).outcome() == Outcome.COMMITTED ? 1 : 0);
      bothCommitted += n == 2 ? 1 : 0;
      oneCommitted += n == 1 ? 1 : 0;
      // Both keys always hold the same writer's value: all-or-nothing across the two shards.
      assertThat(read(k[0]).value()).isEqualTo(read(k[1]).value());
    }
    assertThat(bothCommitted).isZero();
    assertThat(oneCommitted).isPositive();
  }

  @Test
  void writeSkew_twoTransactionsEachReadingWhatTheOtherWrites_neverBothCommit() throws Exception {
    // x + y must stay >= 1: each transaction checks the pair and zeroes one of them.
    String[] k = keysOnTwoShards();
    int bothCommitted = 0;
    for (int round = 0; round < 30; round++) {
      commit(null, List.of(), List.of(WriteOp.put(k[0], "1"), WriteOp.put(k[1], "1")));
      List<ReadItem> reads =
          List.of(new ReadItem(k[0], read(k[0]).version()), new ReadItem(k[1], read(k[1]).version()));
      var t1 = c().commit(new TxRequest(null, reads, List.of(WriteOp.put(k[0], "0"))));
      var t2 = c().commit(new TxRequest(null, reads, List.of(WriteOp.put(k[1], "0"))));
      boolean both = get(t1).outcome() == Outcome.COMMITTED && get(t2).outcome() == Outcome.COMMITTED;
      bothCommitted += both ? 1 : 0;
      assertThat(Integer.parseInt(read(k[0]).value()) + Integer.parseInt(read(k[1]).value()))
          .isGreaterThanOrEqualTo(1);
    }
    assertThat(bothCommitted).isZero();
  }

  @Test
  void commitRetriedWithTheSameId_appliesOnce_evenAfterRestart() throws Exception {
    String[] k = keysOnTwoShards();
    List<WriteOp> w = List.of(WriteOp.append(k[0], "+"), WriteOp.append(k[1], "+"));
    assertThat(commit("client7-1", List.of(), w).outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(commit("client7-1", List.of(), w).outcome()).isEqualTo(Outcome.COMMITTED);
    String solo = "solo-key";
    assertThat(commit("client7-2", List.of(), List.of(WriteOp.append(solo, "+"))).outcome())
        .isEqualTo(Outcome.COMMITTED);
    assertThat(commit("client7-2", List.of(), List.of(WriteOp.append(solo, "+"))).outcome())
        .isEqualTo(Outcome.COMMITTED);

    cluster.crash();
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));

    assertThat(commit("client7-1", List.of(), w).outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(commit("client7-2", List.of(), List.of(WriteOp.append(solo, "+"))).outcome())
        .isEqualTo(Outcome.COMMITTED);
    assertThat(read(k[0]).value()).isEqualTo("+");
    assertThat(read(k[1]).value()).isEqualTo("+");
    assertThat(read(solo).value()).isEqualTo("+");
  }

  @Test
  void abortedCommitRetriedWithTheSameId_staysAborted() throws Exception {
    String[] k = keysOnTwoShards();
    List<ReadItem> stale = List.of(new ReadItem(k[0], 999));
    List<WriteOp> w = List.of(WriteOp.put(k[0], "x"), WriteOp.put(k[1], "x"));
    TxResult first = commit("client8-1", stale, w);
    assertThat(first.outcome()).isEqualTo(Outcome.ABORTED);
    TxResult again = commit("client8-1", stale, w);
    assertThat(again).isEqualTo(first);
    assertThat(read(k[0]).value()).isNull();
  }

  @Test
  void crashAndReopen_keepsEveryCommittedTransaction() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      keys.add("acct-" + i);
    }
    List<CompletableFuture<TxResult>> inFlight = new ArrayList<>();
    for (int i = 0; i < 40; i += 2) {
      inFlight.add(c().commit(new TxRequest(TxId.of("load-" + i), List.of(),
          List.of(WriteOp.put(keys.get(i), "v" + i), WriteOp.put(keys.get(i + 1), "v" + i)))));
    }
    List<Integer> committed = new ArrayList<>();
    for (int i = 0; i < inFlight.size(); i++) {
      if (get(inFlight.get(i)).outcome() == Outcome.COMMITTED) {
        committed.add(i * 2);
      }
    }
    assertThat(committed).hasSize(20);

    cluster.crash();
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));

    for (int i : committed) {
      assertThat(read(keys.get(i)).value()).isEqualTo("v" + i);
      assertThat(read(keys.get(i + 1)).value()).isEqualTo("v" + i);
    }
  }

  @Test
  void transactionsInFlightAtACrash_areAllOrNothingAfterReopen() throws Exception {
    String[] k = keysOnTwoShards();
    int n = 60;
    List<CompletableFuture<TxResult>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(c().commit(new TxRequest(TxId.of("crash-" + i), List.of(),
          List.of(WriteOp.append(k[0], "<" + i + ">"), WriteOp.append(k[1], "<" + i + ">")))));
    }
    // Crash while some are still in flight.
    await().until(() -> fs.stream().anyMatch(CompletableFuture::isDone));
    cluster.crash();
    List<Integer> acknowledged = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (fs.get(i).isDone() && !fs.get(i).isCompletedExceptionally()
          && fs.get(i).get().outcome() == Outcome.COMMITTED) {
        acknowledged.add(i);
      }
    }
    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));

    // Recovery resolves every in-doubt transaction (DESIGN §3 recovery table); afterwards both
    // shards hold exactly the same set of transactions, including every acknowledged one.
    await().atMost(Duration.ofSeconds(20)).until(() -> inDoubtCount() == 0);
    String a = read(k[0]).value();
    String b = read(k[1]).value();
    assertThat(a).isEqualTo(b);
    for (int i : acknowledged) {
      assertThat(a).contains("<" + i + ">");
    }
  }

  long inDoubtCount() throws Exception {
    long total = 0;
    for (var p : cluster.participants()) {
      total += p.inspect(core -> core.inDoubt().size()).toCompletionStage().toCompletableFuture().get();
    }
    return total;
  }
}
