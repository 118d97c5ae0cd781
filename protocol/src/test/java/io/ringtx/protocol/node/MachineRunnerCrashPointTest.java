package io.ringtx.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.step.Outbound;
import io.ringtx.protocol.step.Persist;
import io.ringtx.protocol.step.Reply;
import io.ringtx.protocol.step.Send;
import io.ringtx.protocol.step.StateMachine;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.Timer;
import io.ringtx.protocol.step.WriteSet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each {@link CrashPoint} is reported by the {@link MachineRunner} where it is true: before the
 * write or the message it precedes, after the delivery it follows (issue 5; STYLE §6: typed
 * crash points passed in). The events of the runner, its machine, store, transport and crasher
 * are logged in one list, and the tests check their order.
 */
class MachineRunnerCrashPointTest {
  private static final NodeId P1 = NodeId.of("p1");
  private static final NodeId P2 = NodeId.of("p2");
  private static final NodeId C1 = NodeId.of("c1");
  private static final TxId TX = TxId.of("t1");

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final List<Promise<Message>> inFlight = Collections.synchronizedList(new ArrayList<>());
  private final List<CompletableFuture<Long>> writes =
      Collections.synchronizedList(new ArrayList<>());
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  // ---- participant -------------------------------------------------------------------------

  @Test
  void prepare_reachesAfterTakingLocks_beforeTheWrite_andAfterForcingPrepared_beforeTheVote()
      throws Exception {
    Prepared prepared = new Prepared(TX, C1, List.of(P1, P2), List.of(), List.of(new KeyWrite("k", "v")));
    Machine m = new Machine();
    m.onRequest = (token, request) -> Step.builder()
        .persist(new Persist(1, WriteSet.forced(prepared), List.of(new Reply(token, Vote.ok(TX, P1)))))
        .build();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.onRequest(C1, voteRequest(), reply -> events.add("reply " + name(reply))));
    completeWrite(0);

    // DESIGN §3: the vote leaves only after PREPARED is durable, so the crash lands between.
    assertThat(events).containsExactly(
        "machine request VoteRequest",
        "crash AFTER_TAKING_LOCKS t1",
        "store Prepared forced",
        "crash AFTER_FORCING_PREPARED t1",
        "reply Vote",
        "machine persisted 1");
  }

  @Test
  void globalCommit_reachesAfterVoting_beforeTheMachineSeesIt() throws Exception {
    Machine m = new Machine();
    m.onRequest = (token, request) -> Step.builder()
        .send(new Reply(token, new Ack(TX, P1, Decision.COMMIT))).build();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.onRequest(C1, GlobalDecision.abort(TX, null), r -> { }));
    onContext(() -> runner.onRequest(C1, GlobalDecision.commit(TX), r -> { }));

    // Only a GLOBAL-COMMIT proves the vote was delivered: an abort may precede it.
    assertThat(events).containsExactly(
        "machine request GlobalDecision",
        "crash AFTER_VOTING t1",
        "machine request GlobalDecision");
  }

  @Test
  void appliedCommit_reachesItsPoint_beforeTheAckLeaves() throws Exception {
    Machine m = new Machine();
    m.onRequest = (token, request) -> Step.builder()
        .persist(new Persist(1, WriteSet.forced(List.of(new Committed(TX, 7, List.of())), List.of()),
            List.of()))
        .build();
    m.onPersisted = id -> Step.builder().send(new Send(C1, new Ack(TX, P1, Decision.COMMIT))).build();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.onRequest(C1, GlobalDecision.commit(TX), r -> { }));
    completeWrite(0);

    assertThat(events).containsExactly(
        "crash AFTER_VOTING t1",
        "machine request GlobalDecision",
        "store Committed forced",
        "crash AFTER_APPLYING_COMMIT_BEFORE_ACK t1",
        "machine persisted 1",
        "send Ack to c1");
  }

  @Test
  void aOnePhaseCommit_isNotAnAppliedGlobalCommit() throws Exception {
    Machine m = new Machine();
    m.onRequest = (token, request) -> Step.builder()
        .persist(new Persist(1, WriteSet.forced(
            List.of(new Committed(TX, 7, List.of(new KeyWrite("k", "v")))), List.of()), List.of()))
        .build();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.onRequest(C1, voteRequest(), r -> { }));
    completeWrite(0);

    assertThat(events).containsExactly(
        "machine request VoteRequest", "store Committed forced", "machine persisted 1");
  }

  // ---- coordinator -------------------------------------------------------------------------

  @Test
  void prepares_reachAfterSendingPrepares_onTheFirstVote_beforeTheMachineSeesIt() throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.run(prepares()));
    answer(0, Vote.ok(TX, P1));
    answer(1, Vote.ok(TX, P2));

    assertThat(events).containsExactly(
        "send VoteRequest to p1",
        "send VoteRequest to p2",
        "crash AFTER_SENDING_PREPARES t1",
        "machine reply Vote from p1",
        "machine reply Vote from p2");
  }

  @Test
  void armedAfterSomePrepares_holdsTheOthersBack_untilTheFirstIsAnswered() throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, recording(Set.of(CrashPoint.AFTER_SOME_PREPARES)));

    onContext(() -> runner.run(prepares()));
    assertThat(events).containsExactly("send VoteRequest to p1");
    answer(0, Vote.ok(TX, P1));

    // Had the crasher halted at AFTER_SOME_PREPARES, p2 would never have heard of the tx.
    assertThat(events).containsExactly(
        "send VoteRequest to p1",
        "crash AFTER_SENDING_PREPARES t1",
        "crash AFTER_SOME_PREPARES t1",
        "send VoteRequest to p2",
        "machine reply Vote from p1");
  }

  @Test
  void forcedCommit_reachesAfterForcingCommit_beforeAnyGlobalCommitLeaves() throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.run(commit()));
    completeWrite(0);
    answer(0, new Ack(TX, P1, Decision.COMMIT));

    assertThat(events).containsExactly(
        "store CoordinatorCommit forced",
        "crash AFTER_FORCING_COMMIT t1",
        "send GlobalDecision to p1",
        "send GlobalDecision to p2",
        "machine persisted 1",
        "machine reply Ack from p1");
  }

  @Test
  void armedAfterSomeGlobalCommits_sendsTheFirst_andTheOthersOnlyOnceItIsAcknowledged()
      throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, recording(Set.of(CrashPoint.AFTER_SOME_GLOBAL_COMMITS)));

    onContext(() -> runner.run(commit()));
    completeWrite(0);
    answer(0, new Ack(TX, P1, Decision.COMMIT));

    assertThat(events).containsExactly(
        "store CoordinatorCommit forced",
        "crash AFTER_FORCING_COMMIT t1",
        "send GlobalDecision to p1",
        "machine persisted 1",
        "crash AFTER_SOME_GLOBAL_COMMITS t1",
        "send GlobalDecision to p2",
        "machine reply Ack from p1");
  }

  @Test
  void resentGlobalCommits_areNotHeldBack() throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, recording(Set.of(CrashPoint.AFTER_SOME_GLOBAL_COMMITS)));

    // Recovery resends the decision: that is not the first round of GLOBAL-COMMITs.
    onContext(() -> runner.run(Step.builder()
        .send(new Send(P1, GlobalDecision.commit(TX)))
        .send(new Send(P2, GlobalDecision.commit(TX)))
        .build()));

    assertThat(events).containsExactly("send GlobalDecision to p1", "send GlobalDecision to p2");
  }

  @Test
  void end_reachesBeforeEnd_beforeTheWrite() throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, recording(Set.of()));

    onContext(() -> runner.run(Step.builder()
        .persist(new Persist(1, WriteSet.lazy(
            new CoordinatorEnd(TX, Decision.COMMIT, null, List.of(P1, P2))), List.of()))
        .build()));

    assertThat(events).containsExactly("crash BEFORE_END t1", "store CoordinatorEnd lazy");
  }

  @Test
  void withoutACrasher_nothingIsReported_andNothingHeldBack() throws Exception {
    Machine m = new Machine();
    MachineRunner runner = runner(m, Crasher.NONE);

    onContext(() -> runner.run(prepares()));
    onContext(() -> runner.run(commit()));
    completeWrite(0);

    assertThat(events).containsExactly(
        "send VoteRequest to p1",
        "send VoteRequest to p2",
        "store CoordinatorCommit forced",
        "send GlobalDecision to p1",
        "send GlobalDecision to p2",
        "machine persisted 1");
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static VoteRequest voteRequest() {
    return new VoteRequest(TX, C1, List.of(P1, P2), List.of(), List.of(WriteOp.put("k", "v")));
  }

  private static Step prepares() {
    return Step.builder()
        .send(new Send(P1, voteRequest()))
        .send(new Send(P2, voteRequest()))
        .build();
  }

  private static Step commit() {
    List<Outbound> after = List.of(
        new Send(P1, GlobalDecision.commit(TX)), new Send(P2, GlobalDecision.commit(TX)));
    return Step.builder()
        .persist(new Persist(1, WriteSet.forced(new CoordinatorCommit(TX, List.of(P1, P2))), after))
        .build();
  }

  /** A crasher that logs every point reached, and says it is armed for {@code armed}. */
  private Crasher recording(Set<CrashPoint> armed) {
    return new Crasher() {
      @Override
      public void reached(CrashPoint point, TxId tx) {
        events.add("crash " + point + " " + tx.value());
      }

      @Override
      public boolean armed(CrashPoint point) {
        return armed.contains(point);
      }
    };
  }

  private MachineRunner runner(StateMachine m, Crasher crasher) {
    Transport transport = Transport.sendingOnly((to, request, timeoutMillis) -> {
      events.add("send " + name(request) + " to " + to.value());
      Promise<Message> p = Promise.promise();
      inFlight.add(p);
      return p.future();
    });
    return new MachineRunner(vertx, context, m, transport, ws -> {
      events.add("store " + name(ws.records().get(0)) + (ws.forced() ? " forced" : " lazy"));
      CompletableFuture<Long> f = new CompletableFuture<>();
      writes.add(f);
      return f;
    }, System::currentTimeMillis, 1_000, crasher);
  }

  private static String name(Object o) {
    return o.getClass().getSimpleName();
  }

  private void completeWrite(int i) throws Exception {
    writes.get(i).complete((long) i + 1);
    drain();
  }

  private void answer(int i, Message reply) throws Exception {
    onContext(() -> inFlight.get(i).complete(reply));
  }

  /** Runs {@code action} on the runner's context and waits for every task queued before it. */
  private void onContext(Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        action.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.get(10, TimeUnit.SECONDS);
    drain();
  }

  private void drain() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> done.complete(null));
    done.get(10, TimeUnit.SECONDS);
  }

  /** A state machine whose answers the test sets, and which logs what it is given. */
  private final class Machine implements StateMachine {
    java.util.function.BiFunction<Long, Message, Step> onRequest = (t, r) -> Step.NONE;
    java.util.function.LongFunction<Step> onPersisted = id -> Step.NONE;

    @Override
    public Step onRequest(long now, long token, NodeId from, Message request) {
      events.add("machine request " + name(request));
      return onRequest.apply(token, request);
    }

    @Override
    public Step onReply(long now, NodeId from, Message request, Message reply) {
      events.add("machine reply " + name(reply) + " from " + from.value());
      return Step.NONE;
    }

    @Override
    public Step onSendFailed(long now, NodeId to, Message request) {
      events.add("machine failed " + name(request) + " to " + to.value());
      return Step.NONE;
    }

    @Override
    public Step onPersisted(long now, long persistId) {
      events.add("machine persisted " + persistId);
      return onPersisted.apply(persistId);
    }

    @Override
    public Step onPersistFailed(long now, long persistId, String cause) {
      events.add("machine persist failed " + persistId);
      return Step.NONE;
    }

    @Override
    public Step onTimer(long now, Timer timer) {
      return Step.NONE;
    }
  }
}
