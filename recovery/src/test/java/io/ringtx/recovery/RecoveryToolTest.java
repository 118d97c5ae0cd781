package io.ringtx.recovery;

import static io.ringtx.recovery.Reports.T;
import static io.ringtx.recovery.Reports.committed;
import static io.ringtx.recovery.Reports.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.message.Decision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What the commands print and decide, on a fake cluster behind the real {@link Source}. */
class RecoveryToolTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final RecoveryTool tool = new RecoveryTool(new PrintWriter(out, true), new PrintWriter(err, true),
      Clock.fixed(Instant.ofEpochMilli(61_000), ZoneOffset.UTC));

  /** p1 and p2 READY, their coordinator c1 gone; c2 alive. */
  FakeSource blocked() {
    return new FakeSource().node("c2", "coordinator", true)
        .node("p1", "participant", true, ready("p1"))
        .node("p2", "participant", true, ready("p2"));
  }

  @Test
  void list_printsOneRowPerTransaction_withStatesAgeLocksAndWhy() {
    assertThat(tool.list(blocked(), new RecoveryTool.ListOptions(null, null, false))).isZero();

    assertThat(out.toString()).contains("1 transaction not finished")
        .contains("TX  AGE    STATUS   COORDINATOR  PARTICIPANTS       LOCKS  WHY")
        .contains("t   1m00s  BLOCKED  c1=DOWN      p1=READY p2=READY  2      every participant");
  }

  @Test
  void list_filtersByStatusOrNodeState_andByAge() {
    assertThat(tool.list(blocked(), new RecoveryTool.ListOptions("committed", null, false)))
        .isZero();
    assertThat(out.toString()).contains("0 transactions");
    tool.list(blocked(), new RecoveryTool.ListOptions("ready", null, false));
    assertThat(out.toString()).contains("1 transaction ");
    tool.list(blocked(), new RecoveryTool.ListOptions(null, Duration.ofMinutes(5), false));
    assertThat(out.toString()).contains("0 transactions not finished or decided heuristically "
        + "(older than 5m00s)");
  }

  @Test
  void list_json_isParseable() throws Exception {
    tool.list(blocked(), new RecoveryTool.ListOptions(null, null, true));

    var tree = io.ringtx.protocol.codec.Json.MAPPER.readTree(out.toString());
    assertThat(tree.get(0).get("status").asText()).isEqualTo("BLOCKED");
    assertThat(tree.get(0).get("nodes").get("p1").get("report").get("records").size())
        .isEqualTo(1);
  }

  @Test
  void resolve_ofBlockedTx_withoutForce_isRefused_andSendsNothing() {
    FakeSource s = blocked();

    assertThat(tool.resolve(s, T, Decision.ABORT, false, "ops")).isEqualTo(RecoveryTool.FAILED);

    assertThat(s.decided).isEmpty();
    assertThat(err.toString()).contains("refused", "blocked", "--abort --force",
        "Nothing was changed");
  }

  @Test
  void resolve_ofBlockedTx_withForce_recordsAHeuristicDecisionAtEveryParticipant() {
    FakeSource s = blocked();

    assertThat(tool.resolve(s, T, Decision.ABORT, true, "ops")).isZero();

    assertThat(s.decided).containsExactly("p1:ABORT:heuristic:ops", "p2:ABORT:heuristic:ops");
    assertThat(out.toString()).contains("HEURISTIC ABORT of t by operator ops",
        "heuristic mismatch");
  }

  @Test
  void resolve_contraryToALearnedOutcome_isRefused_evenWithForce() {
    FakeSource s = new FakeSource().node("p1", "participant", true, committed("p1"))
        .node("p2", "participant", true, ready("p2"));

    assertThat(tool.resolve(s, T, Decision.ABORT, true, "ops")).isEqualTo(RecoveryTool.FAILED);

    assertThat(s.decided).isEmpty();
    assertThat(err.toString()).contains("outcome of t is COMMIT (learned from p1 committed)",
        "resolve t --commit");
  }

  @Test
  void resolve_withTheLearnedOutcome_sendsItToTheUndecidedOnly_asTheProtocolsOwn() {
    FakeSource s = new FakeSource().node("p1", "participant", true, committed("p1"))
        .node("p2", "participant", true, ready("p2"));

    assertThat(tool.resolve(s, T, Decision.COMMIT, false, "ops")).isZero();

    assertThat(s.decided).containsExactly("p2:COMMIT");
    assertThat(out.toString()).contains("finished with COMMIT (learned from p1 committed) at p2");
  }

  @Test
  void resolve_whenAParticipantIsDown_andNothingIsDecided_isRefused() {
    FakeSource s = new FakeSource().node("p1", "participant", true, ready("p1"))
        .node("p2", "participant", false);

    assertThat(tool.resolve(s, T, Decision.COMMIT, true, "ops")).isEqualTo(RecoveryTool.FAILED);

    assertThat(s.decided).isEmpty();
    assertThat(err.toString()).contains("p2 unreachable");
  }

  @Test
  void show_tellsTheStory_inTimeOrder_withWhatIsOwed() {
    FakeSource s = new FakeSource().node("p1", "participant", true, committed("p1"))
        .node("p2", "participant", true, ready("p2"));

    assertThat(tool.show(s, T, false, false)).isZero();

    String text = out.toString();
    assertThat(text).contains("status:      COORDINATOR_DOWN",
        "outcome:     COMMIT (learned from p1 committed)", "c1: unreachable",
        "p2: READY (in memory: READY), locks [k]", "p1  seq=2", "COMMITTED tx=t",
        "GLOBAL-COMMIT to p2", "written values hidden");
    assertThat(text.indexOf("p1  seq=1")).isLessThan(text.indexOf("p1  seq=2"));
  }

  @Test
  void show_ofAnUnknownTransaction_fails() {
    assertThat(tool.show(blocked(), io.ringtx.protocol.id.TxId.of("nobody"), false, false))
        .isEqualTo(RecoveryTool.FAILED);
    assertThat(err.toString()).contains("no node knows transaction nobody");
  }
}
