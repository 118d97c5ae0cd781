package io.ringtx.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.step.StateMachine;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.Timer;
import io.ringtx.protocol.step.TimerKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Timers due in one time slice share one Vert.x timer, and none fires before it is due. */
class MachineRunnerTimerTest {
  /** A timer and the runner's clock when the machine was told of it. */
  private record Fired(Timer timer, long now) {}

  private final List<Fired> fired = Collections.synchronizedList(new ArrayList<>());
  private Vertx vertx;
  private Context context;
  private MachineRunner runner;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    runner = new MachineRunner(vertx, context, new TimerMachine(), Transport.sendingOnly(
        (to, request, timeoutMillis) -> Future.failedFuture("no transport in this test")),
        ws -> new CompletableFuture<>(), System::currentTimeMillis, 1_000);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void timersOfOneSlice_shareOneVertxTimer_andEachFiresNoEarlierThanDue() throws Exception {
    long tick = MachineRunner.TIMER_TICK_MILLIS;
    CompletableFuture<Integer> armed = new CompletableFuture<>();
    List<Timer> timers = new ArrayList<>();
    context.runOnContext(v -> {
      // 50 timers spread over one slice that begins at least 100 ms from now, one a second later.
      long sliceEnd = (runner.now() / tick + 11) * tick;
      Step.Builder step = Step.builder();
      for (int i = 0; i < 50; i++) {
        Timer t = new Timer(new TxId("t" + i), TimerKind.VOTE_TIMEOUT, sliceEnd - (i % tick));
        timers.add(t);
        step.timer(t);
      }
      Timer later = new Timer(new TxId("later"), TimerKind.VOTE_TIMEOUT, sliceEnd + 1_000);
      timers.add(later);
      step.timer(later);
      runner.run(step.build());
      armed.complete(runner.armedSlices());
    });

    assertThat(armed.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> fired.size() == timers.size());
    assertThat(fired).extracting(Fired::timer).containsExactlyInAnyOrderElementsOf(timers);
    assertThat(fired).allSatisfy(f -> assertThat(f.now()).isGreaterThanOrEqualTo(f.timer().atMillis()));
    CompletableFuture<Integer> left = new CompletableFuture<>();
    context.runOnContext(v -> left.complete(runner.armedSlices()));
    assertThat(left.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aTimerArmedWhileItsSliceFires_stillFires() throws Exception {
    Timer first = new Timer(new TxId("first"), TimerKind.VOTE_TIMEOUT, 0);
    context.runOnContext(v -> runner.run(Step.builder()
        .timer(new Timer(first.txId(), first.kind(), runner.now() + 20)).build()));
    // TimerMachine re-arms "first" once, due at once: same slice or the next.
    await().atMost(Duration.ofSeconds(10)).until(() -> fired.size() == 2);
    assertThat(fired).extracting(f -> f.timer().txId().value()).containsExactly("first", "again");
  }

  private final class TimerMachine implements StateMachine {
    @Override
    public Step onTimer(long now, Timer timer) {
      fired.add(new Fired(timer, now));
      if (timer.txId().value().equals("first")) {
        return Step.builder()
            .timer(new Timer(new TxId("again"), TimerKind.VOTE_TIMEOUT, now)).build();
      }
      return Step.NONE;
    }

    @Override
    public Step onRequest(long now, long token, NodeId from, Message request) {
      return Step.NONE;
    }

    @Override
    public Step onReply(long now, NodeId from, Message request, Message reply) {
      return Step.NONE;
    }

    @Override
    public Step onSendFailed(long now, NodeId to, Message request) {
      return Step.NONE;
    }

    @Override
    public Step onPersisted(long now, long persistId) {
      return Step.NONE;
    }

    @Override
    public Step onPersistFailed(long now, long persistId, String cause) {
      return Step.NONE;
    }
  }
}
