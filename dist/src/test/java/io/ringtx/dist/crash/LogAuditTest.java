package io.ringtx.dist.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.RocksNodeStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash drills' audit finds what it is there to find, in hand-written logs. */
class LogAuditTest {
  private static final NodeId C1 = NodeId.of("c1");
  private static final NodeId P1 = NodeId.of("p1");
  private static final NodeId P2 = NodeId.of("p2");

  @TempDir Path tmp;

  @Test
  void atomicTransactions_passTheAudit_andTheBalancesAddUp() {
    write("p1", prepared("t1"), new Committed(TxId.of("t1"), 1, List.of()));
    write("p2", prepared("t1"), new Committed(TxId.of("t1"), 1, List.of()));
    write("p1", new Aborted(TxId.of("t2"), Reason.CONFLICT));
    write("p2", prepared("t2"), new Aborted(TxId.of("t2"), Reason.CONFLICT));
    write("c1", new CoordinatorCommit(TxId.of("t1"), List.of(P1, P2)),
        new CoordinatorEnd(TxId.of("t1"), Decision.COMMIT, null, List.of(P1, P2)));
    data("p1", "a", "70");
    data("p2", "b", "30");

    LogAudit audit = audit(List.of("a", "b"));

    assertThat(audit.violations()).isEmpty();
    assertThat(audit.total()).isEqualTo(100);
    assertThat(audit.fate("t1")).isEqualTo(
        "p1 [Prepared, Committed]; p2 [Prepared, Committed]; c1 [CoordinatorCommit, CoordinatorEnd]");
  }

  @Test
  void committedHereAndAbortedThere_isFound() {
    write("p1", prepared("t1"), new Committed(TxId.of("t1"), 1, List.of()));
    write("p2", prepared("t1"), new Aborted(TxId.of("t1"), Reason.TIMEOUT));
    write("c1");

    assertThat(audit(List.of()).violations())
        .anyMatch(v -> v.contains("t1: COMMITTED at [p1] but ABORTED at [p2]"));
  }

  @Test
  void aPreparedLeftInDoubt_orACommitThatDidNotReachAParticipant_isFound() {
    write("p1", prepared("t1"), new Committed(TxId.of("t1"), 1, List.of()));
    write("p2", prepared("t1"));
    write("c1", new CoordinatorCommit(TxId.of("t1"), List.of(P1, P2)));

    assertThat(audit(List.of()).violations())
        .anyMatch(v -> v.contains("at p2: PREPARED and never decided"))
        .anyMatch(v -> v.contains("p2 has no COMMITTED after its PREPARED"))
        .anyMatch(v -> v.contains("c1 logged COMMIT for [p1, p2] but p2 has no COMMITTED"));
  }

  @Test
  void aDecisionThatChanges_orAParticipantAgainstTheCoordinator_isFound() {
    write("p1", prepared("t1"), new Aborted(TxId.of("t1"), Reason.TIMEOUT),
        new Committed(TxId.of("t1"), 1, List.of()));
    write("p2", new Aborted(TxId.of("t2"), Reason.TIMEOUT));
    write("c1", new CoordinatorEnd(TxId.of("t2"), Decision.COMMIT, null, List.of(P2)));

    assertThat(audit(List.of()).violations())
        .anyMatch(v -> v.contains("t1 at p1: COMMIT after ABORT"))
        .anyMatch(v -> v.contains("t2: c1 decided COMMIT but [p2] ABORTED"));
  }

  private static Prepared prepared(String tx) {
    return new Prepared(TxId.of(tx), C1, List.of(P1, P2), List.of(), List.of(new KeyWrite("k", "v")));
  }

  private Path store(String node) {
    return tmp.resolve(node).resolve("store");
  }

  private void write(String node, LogRecord... records) {
    try (RocksNodeStore s = RocksNodeStore.open(store(node))) {
      for (LogRecord r : records) {
        s.write(WriteSet.forced(r)).join();
      }
    }
  }

  private void data(String node, String key, String value) {
    try (RocksNodeStore s = RocksNodeStore.open(store(node))) {
      s.write(WriteSet.forced(List.of(), List.of(new DataWrite(key, value, 1)))).join();
    }
  }

  private LogAudit audit(List<String> accounts) {
    Map<String, Path> ps = new LinkedHashMap<>();
    ps.put("p1", store("p1"));
    ps.put("p2", store("p2"));
    return LogAudit.read(ps, Map.of("c1", store("c1")), accounts);
  }
}
