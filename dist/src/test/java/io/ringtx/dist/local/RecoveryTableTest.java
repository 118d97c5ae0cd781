package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.RocksNodeStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §3 recovery table, checked on real stores: logs are written by hand as a crash would
 * leave them, then a cluster starts on them and must finish every transaction by the table.
 */
class RecoveryTableTest {
  static final NodeId P1 = NodeId.of("p1");
  static final NodeId P2 = NodeId.of("p2");
  static final NodeId P3 = NodeId.of("p3");
  static final NodeId C1 = NodeId.of("c1");
  static final Router ROUTER = LocalCluster.placement(3);

  @TempDir Path dir;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String keyOn(NodeId node, String prefix) {
    for (int i = 0; ; i++) {
      if (ROUTER.ownerOf(prefix + i).equals(node)) {
        return prefix + i;
      }
    }
  }

  void write(NodeId node, LogRecord... records) throws Exception {
    try (NodeStore s = RocksNodeStore.open(dir.resolve(node.value()))) {
      for (LogRecord r : records) {
        s.write(WriteSet.forced(r)).get(10, TimeUnit.SECONDS);
      }
    }
  }

  static Prepared prepared(String tx, NodeId... participants) {
    return new Prepared(TxId.of(tx), C1, List.of(participants), List.of(), List.of());
  }

  static Prepared prepared(String tx, String key, String value) {
    return new Prepared(TxId.of(tx), C1, List.of(P1, P2), List.of(), List.of(new KeyWrite(key, value)));
  }

  String read(String key) throws Exception {
    return cluster.coordinator().read(key).get(10, TimeUnit.SECONDS).value();
  }

  TxState stateAt(int participant, String tx) throws Exception {
    return cluster.participants().get(participant).inspect(c -> c.state(TxId.of(tx)))
        .toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void preparedEverywhere_coordinatorCommitWithoutEnd_commitsEverywhere() throws Exception {
    // coordinator: COMMIT without END → resend GLOBAL-COMMIT; participants: PREPARED → ask.
    String a = keyOn(P1, "a");
    String b = keyOn(P2, "b");
    write(P1, prepared("tA", a, "A"));
    write(P2, prepared("tA", b, "A"));
    write(C1, new CoordinatorCommit(TxId.of("tA"), List.of(P1, P2)));

    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));

    await().atMost(Duration.ofSeconds(10)).until(() -> "A".equals(read(a)) && "A".equals(read(b)));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        cluster.coordinator().inspect(c -> c.activeCount()).toCompletionStage()
            .toCompletableFuture().get() == 0);
    assertThat(cluster.coordinator().status(TxId.of("tA")).get(10, TimeUnit.SECONDS))
        .hasValueSatisfying(s -> assertThat(s.outcome()).isEqualTo(Outcome.COMMITTED));
  }

  @Test
  void preparedWithNoCoordinatorRecord_abortsEverywhere_andReleasesLocks() throws Exception {
    // coordinator: nothing (crashed in INIT or WAIT) → presumed abort.
    String a = keyOn(P1, "a");
    String b = keyOn(P2, "b");
    write(P1, prepared("tB", a, "B"));
    write(P2, prepared("tB", b, "B"));

    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));

    await().atMost(Duration.ofSeconds(10)).until(() ->
        stateAt(0, "tB") == TxState.ABORT && stateAt(1, "tB") == TxState.ABORT);
    assertThat(read(a)).isNull();
    assertThat(read(b)).isNull();
    // The locks are gone: a new transaction on the same keys commits.
    var r = cluster.coordinator().commit(new io.ringtx.protocol.api.TxRequest(null, List.of(),
        List.of(io.ringtx.protocol.message.WriteOp.put(a, "new"),
            io.ringtx.protocol.message.WriteOp.put(b, "new")))).get(10, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.COMMITTED);
  }

  @Test
  void committedAtOneParticipant_preparedAtTheOther_completesTheCommit() throws Exception {
    // participant: COMMITTED → committed; the other, PREPARED, learns COMMIT.
    String a = keyOn(P1, "a");
    String b = keyOn(P2, "b");
    write(P1, prepared("tC", a, "C"));
    try (NodeStore s = RocksNodeStore.open(dir.resolve("p1"))) {
      s.write(WriteSet.forced(List.of(new Committed(TxId.of("tC"), 5, List.of())),
          List.of(new DataWrite(a, "C", 5)))).get(10, TimeUnit.SECONDS);
    }
    write(P2, prepared("tC", b, "C"));
    write(C1, new CoordinatorCommit(TxId.of("tC"), List.of(P1, P2)));

    cluster = LocalCluster.start(LocalClusterConfig.defaults(dir));

    await().atMost(Duration.ofSeconds(10)).until(() -> "C".equals(read(b)));
    assertThat(read(a)).isEqualTo("C");
    assertThat(stateAt(0, "tC")).isEqualTo(TxState.COMMIT);
    assertThat(stateAt(1, "tC")).isEqualTo(TxState.COMMIT);
  }
}
