package io.ringtx.recovery;

import static io.ringtx.recovery.Reports.T;
import static io.ringtx.recovery.Reports.at;
import static io.ringtx.recovery.Reports.committed;
import static io.ringtx.recovery.Reports.coordinatorCommit;
import static io.ringtx.recovery.Reports.coordinatorEnd;
import static io.ringtx.recovery.Reports.down;
import static io.ringtx.recovery.Reports.heuristicAborted;
import static io.ringtx.recovery.Reports.neverPrepared;
import static io.ringtx.recovery.Reports.nodes;
import static io.ringtx.recovery.Reports.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.message.Decision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The diagnosis of one transaction from hand-written node reports (DESIGN §3). */
class TxAnalysisTest {
  @Test
  void allReady_coordinatorDown_isBlocked_withNothingToLearn() {
    // DESIGN §3: every peer READY → the outcome is unknowable
    TxView v = TxAnalysis.analyze(T, nodes(at(ready("p1")), at(ready("p2"))));

    assertThat(v.status()).isEqualTo(TxView.Status.BLOCKED);
    assertThat(v.learned()).isNull();
    assertThat(v.coordinator()).isEqualTo("c1");
    assertThat(v.why()).contains("p1, p2", "READY", "c1 down");
    assertThat(v.locks()).isEqualTo(2);
  }

  @Test
  void aPeerCommitted_coordinatorDown_outcomeLearnableFromIt() {
    TxView v = TxAnalysis.analyze(T, nodes(at(committed("p1")), at(ready("p2"))));

    assertThat(v.status()).isEqualTo(TxView.Status.COORDINATOR_DOWN);
    assertThat(v.learned()).isEqualTo(Decision.COMMIT);
    assertThat(v.learnedFrom()).isEqualTo("p1 committed");
    assertThat(v.owed()).singleElement().asString().contains("GLOBAL-COMMIT to p2");
  }

  @Test
  void aPeerNeverPrepared_outcomeIsAbort() {
    // DESIGN §3: a peer still in INIT → abort
    TxView v = TxAnalysis.analyze(T, nodes(at(ready("p1")), at(neverPrepared("p2"))));

    assertThat(v.learned()).isEqualTo(Decision.ABORT);
    assertThat(v.learnedFrom()).isEqualTo("p2 never prepared");
  }

  @Test
  void aParticipantDown_andNoDecisionAnywhere_isNotBlockedButUnknown() {
    TxView v = TxAnalysis.analyze(T, nodes(at(ready("p1")), down("p2", "participant")));

    assertThat(v.status()).isEqualTo(TxView.Status.WAITING_FOR_COORDINATOR);
    assertThat(v.learned()).isNull();
    assertThat(v.why()).contains("p2 unreachable");
  }

  @Test
  void coordinatorCommitted_waitsForAcks_andNamesTheOwedMessages() {
    TxView v = TxAnalysis.analyze(T, nodes(at(coordinatorCommit(List.of("p2"))),
        at(committed("p1")), at(ready("p2"))));

    assertThat(v.status()).isEqualTo(TxView.Status.WAITING_FOR_ACKS);
    assertThat(v.learned()).isEqualTo(Decision.COMMIT);
    assertThat(v.owed()).contains("GLOBAL-COMMIT from c1 to p2", "ack of p2 to c1");
  }

  @Test
  void heuristicAbort_everywhere_isHeuristic_namingTheOperator() {
    TxView v = TxAnalysis.analyze(T, nodes(at(heuristicAborted("p1", false)),
        at(heuristicAborted("p2", false))));

    assertThat(v.status()).isEqualTo(TxView.Status.HEURISTIC);
    assertThat(v.why()).contains("ABORT heuristically", "by ops");
  }

  @Test
  void heuristicAbort_thenCoordinatorCommitted_isAMismatch() {
    TxView v = TxAnalysis.analyze(T, nodes(at(coordinatorEnd()),
        at(heuristicAborted("p1", true)), at(heuristicAborted("p2", true))));

    assertThat(v.status()).isEqualTo(TxView.Status.HEURISTIC_MISMATCH);
    assertThat(v.why()).contains("atomicity is broken", "coordinator c1=COMMIT");
  }

  @Test
  void committedAndAbortedWithoutHeuristic_isInconsistent() {
    TxView v = TxAnalysis.analyze(T, nodes(at(committed("p1")),
        at(new io.ringtx.protocol.inspect.TxReport("p2", "participant", T,
            io.ringtx.protocol.message.TxState.ABORT, null, false, "c1", Reports.PARTS,
            List.of(), List.of(), Reports.entries(Reports.prepared(),
                new io.ringtx.protocol.log.Aborted(T,
                    io.ringtx.protocol.message.Reason.TIMEOUT))))));

    assertThat(v.status()).isEqualTo(TxView.Status.INCONSISTENT);
  }

  @Test
  void everyoneDecided_andCoordinatorEnded_isFinished() {
    TxView v = TxAnalysis.analyze(T, nodes(at(coordinatorEnd()), at(committed("p1")),
        at(committed("p2"))));

    assertThat(v.status()).isEqualTo(TxView.Status.FINISHED);
    assertThat(v.firstSeenMillis()).isEqualTo(1_000L);
  }

  @Test
  void allReady_coordinatorAliveWithoutDecision_waitsForIt_nothingToResolve() {
    io.ringtx.protocol.inspect.TxReport alive = new io.ringtx.protocol.inspect.TxReport("c1",
        "coordinator", T, io.ringtx.protocol.message.TxState.UNKNOWN, null, false, "c1",
        List.of(), List.of(), List.of(), List.of());

    TxView v = TxAnalysis.analyze(T, nodes(at(alive), at(ready("p1")), at(ready("p2"))));

    assertThat(v.status()).isEqualTo(TxView.Status.WAITING_FOR_COORDINATOR);
    assertThat(v.learned()).isNull();
    assertThat(v.why()).contains("c1 is alive and has no decision yet");
  }

  @Test
  void offline_aCoordinatorLogWithoutCommit_meansPresumedAbort() {
    io.ringtx.protocol.inspect.TxReport stopped = new io.ringtx.protocol.inspect.TxReport("c1",
        "coordinator", T, io.ringtx.protocol.message.TxState.UNKNOWN, null, false, "c1",
        List.of(), List.of(), List.of(), List.of());

    TxView v = TxAnalysis.analyze(T, nodes(at(stopped), at(ready("p1")), at(ready("p2"))), true);

    assertThat(v.status()).isEqualTo(TxView.Status.COORDINATOR_DOWN);
    assertThat(v.learned()).isEqualTo(Decision.ABORT);
    assertThat(v.learnedFrom()).contains("presumed abort");
  }
}
