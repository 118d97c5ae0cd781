package io.ringtx.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.RocksNodeStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopped nodes' data, read-only; a directory held by a running node is refused. */
class OfflineSourceTest {
  @TempDir Path tmp;

  /** A node data directory DIR/p1/data with one PREPARED transaction. */
  Path seed() throws Exception {
    Path data = tmp.resolve("p1").resolve("data");
    try (RocksNodeStore store = RocksNodeStore.open(data.resolve("store"))) {
      store.write(WriteSet.forced(new Prepared(TxId.of("t-9"), NodeId.of("c1"),
          List.of(NodeId.of("p1"), NodeId.of("p2")), List.of("r"),
          List.of(new KeyWrite("w", "1"))))).get(5, TimeUnit.SECONDS);
    }
    return data;
  }

  @Test
  void aNodesDataDir_isNamedAfterItsNode_andReportsItsPreparedTransaction() throws Exception {
    Path data = seed();

    try (OfflineSource s = OfflineSource.open(data)) {
      assertThat(s.nodes()).singleElement().satisfies(n -> {
        assertThat(n.id()).isEqualTo("p1");
        assertThat(n.role()).isEqualTo("participant");
      });
      var report = s.unfinished("p1").txs();
      assertThat(report).singleElement().satisfies(r -> {
        assertThat(r.state()).isEqualTo(TxState.READY);
        assertThat(r.locks()).containsExactly("r", "w");
        assertThat(r.coordinator()).isEqualTo("c1");
      });
      StringWriter out = new StringWriter();
      new RecoveryTool(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
          Clock.systemUTC()).dump(s, 1, false);
      assertThat(out.toString()).startsWith("seq=1 ").contains("PREPARED tx=t-9 coordinator=c1",
          "writes=[w=1]");
    }
  }

  @Test
  void aStoreDirectoryGivenItself_isNamedAfterItsNode() throws Exception {
    Path data = seed();
    // A process node's store (DIR/p1/data/store) and a `ringtx local` node's (DIR/p1, the store
    // itself) are both named after the node, not after the directory above it.
    try (OfflineSource s = OfflineSource.open(data.resolve("store"))) {
      assertThat(s.nodes()).singleElement().satisfies(n -> assertThat(n.id()).isEqualTo("p1"));
    }
    Path local = tmp.resolve("local-data").resolve("p2");
    try (RocksNodeStore store = RocksNodeStore.open(local)) {
      store.write(WriteSet.forced(new Prepared(TxId.of("t-8"), NodeId.of("c1"),
          List.of(NodeId.of("p2")), List.of(), List.of(new KeyWrite("w", "1")))))
          .get(5, TimeUnit.SECONDS);
    }
    try (OfflineSource s = OfflineSource.open(local)) {
      assertThat(s.nodes()).singleElement().satisfies(n -> assertThat(n.id()).isEqualTo("p2"));
    }
  }

  @Test
  void aDirectoryWithoutAStore_isRefused_namingWhatToGive() {
    assertThatThrownBy(() -> OfflineSource.open(tmp))
        .isInstanceOf(RecoveryException.class)
        .hasMessageContaining("holds no node store");
  }

  @Test
  void aDataDirHeldByARunningNode_isRefused_withAClearMessage() throws Exception {
    Path data = seed();
    Process holder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(),
        data.resolve("store").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("open");

      assertThatThrownBy(() -> OfflineSource.open(data))
          .isInstanceOf(RecoveryException.class)
          .hasMessageContaining("a running node holds it (node p1)")
          .hasMessageContaining("Nothing was read or changed")
          .hasMessageContaining("--cluster");
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  // ---- resolve on stopped nodes: the write command ----

  static final TxId T = TxId.of("t-5");

  /** A cluster directory: p1 and p2 PREPARED t-5; c1 with {@code coordinatorRecord} if any. */
  Path stoppedCluster(boolean coordinatorStore, boolean committedAtCoordinator) throws Exception {
    Path dir = tmp.resolve("cluster");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("cluster.json"), "{\"nodes\":["
        + "{\"id\":\"c1\",\"role\":\"COORDINATOR\"},{\"id\":\"p1\",\"role\":\"PARTICIPANT\"},"
        + "{\"id\":\"p2\",\"role\":\"PARTICIPANT\"}]}");
    for (String p : List.of("p1", "p2")) {
      try (RocksNodeStore store = RocksNodeStore.open(dir.resolve(p).resolve("data/store"))) {
        store.write(WriteSet.forced(new Prepared(T, NodeId.of("c1"),
            List.of(NodeId.of("p1"), NodeId.of("p2")), List.of(),
            List.of(new KeyWrite(p + "-key", "v"))))).get(5, TimeUnit.SECONDS);
      }
    }
    if (coordinatorStore) {
      try (RocksNodeStore store = RocksNodeStore.open(dir.resolve("c1").resolve("data/store"))) {
        if (committedAtCoordinator) {
          store.write(WriteSet.forced(new io.ringtx.protocol.log.CoordinatorCommit(T,
              List.of(NodeId.of("p1"), NodeId.of("p2"))))).get(5, TimeUnit.SECONDS);
        }
      }
    }
    return dir;
  }

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final RecoveryTool tool = new RecoveryTool(new PrintWriter(out, true),
      new PrintWriter(err, true), Clock.systemUTC());

  @Test
  void resolve_offline_learnsTheCoordinatorsLoggedCommit_refusesAbort_andWritesTheCommit()
      throws Exception {
    Path dir = stoppedCluster(true, true);

    try (OfflineSource s = OfflineSource.open(dir)) {
      assertThat(tool.resolve(s, T, io.ringtx.protocol.message.Decision.ABORT, true, "ops"))
          .isEqualTo(RecoveryTool.FAILED);
      assertThat(err.toString()).contains("outcome of t-5 is COMMIT",
          "coordinator c1's log");
      assertThat(tool.resolve(s, T, io.ringtx.protocol.message.Decision.COMMIT, false, "ops"))
          .isZero();
    }
    try (RocksNodeStore p1 = RocksNodeStore.openReadOnly(dir.resolve("p1/data/store"))) {
      assertThat(p1.txState(T)).get().isInstanceOf(io.ringtx.protocol.log.Committed.class);
      assertThat(p1.read("p1-key").value()).isEqualTo("v");
    }
  }

  @Test
  void resolve_offline_withoutACommitAtTheCoordinator_isPresumedAbort() throws Exception {
    Path dir = stoppedCluster(true, false);

    try (OfflineSource s = OfflineSource.open(dir)) {
      assertThat(tool.resolve(s, T, io.ringtx.protocol.message.Decision.COMMIT, false, "ops"))
          .isEqualTo(RecoveryTool.FAILED);
      assertThat(err.toString()).contains("presumed abort");
      assertThat(tool.resolve(s, T, io.ringtx.protocol.message.Decision.ABORT, false, "ops"))
          .isZero();
    }
    try (RocksNodeStore p2 = RocksNodeStore.openReadOnly(dir.resolve("p2/data/store"))) {
      assertThat(p2.txState(T)).get().isInstanceOf(io.ringtx.protocol.log.Aborted.class);
    }
  }

  @Test
  void resolve_offline_withTheCoordinatorsDataMissing_isBlocked_andHeuristicOnlyWithForce()
      throws Exception {
    Path dir = stoppedCluster(false, false);

    try (OfflineSource s = OfflineSource.open(dir)) {
      assertThat(tool.resolve(s, T, io.ringtx.protocol.message.Decision.COMMIT, false, "ops"))
          .isEqualTo(RecoveryTool.FAILED);
      assertThat(err.toString()).contains("is blocked");
      assertThat(tool.resolve(s, T, io.ringtx.protocol.message.Decision.COMMIT, true, "ops"))
          .isZero();
      assertThat(tool.list(s, new RecoveryTool.ListOptions(null, null, false))).isZero();
      assertThat(out.toString()).contains("HEURISTIC", "by ops");
    }
    try (RocksNodeStore p1 = RocksNodeStore.openReadOnly(dir.resolve("p1/data/store"))) {
      assertThat(p1.txState(T)).get()
          .isInstanceOf(io.ringtx.protocol.log.HeuristicCommitted.class);
      assertThat(p1.read("p1-key").value()).isEqualTo("v");
    }
  }
}
