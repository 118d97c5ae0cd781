package io.ringtx.protocol.node;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.VoteRequest;
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
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell of a {@link StateMachine}: it feeds the machine events on one Vert.x context and
 * carries out each {@link Step}. A persist goes to the store (which may write it at the end of
 * the event loop's turn, see {@link NodeStarter}); only when it has completed are its
 * after-persist messages sent and the machine told; sends go through the {@link Transport} and
 * their replies come back as events; timers are Vert.x timers, one per 10 ms slice.
 *
 * <p>It also reports the {@link CrashPoint}s it reaches to its {@link Crasher}: it knows when a
 * forced write completed, when prepares and decisions were delivered, and what each record is.
 * With {@link Crasher#NONE} none of that is looked at.
 *
 * <p>Every method must be called on the runner's context ({@link #context()}); use {@link
 * #execute} from anywhere else.
 */
public final class MachineRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MachineRunner.class);

  /** The width of the time slices that share one Vert.x timer. */
  static final long TIMER_TICK_MILLIS = 10;

  private final Vertx vertx;
  private final Context context;
  private final StateMachine machine;
  private final Transport transport;
  private final Function<WriteSet, CompletableFuture<Long>> store;
  private final LongSupplier clock;
  private final long requestTimeoutMillis;
  private final Crasher crasher;
  /** False with {@link Crasher#NONE}: then no effect is classified for crash points. */
  private final boolean crashing;
  private final Map<Long, Consumer<Message>> pendingReplies = new HashMap<>();
  private long nextToken = 1;

  /** Timers armed and not yet fired, by the slice they are due at the end of. */
  private final Map<Long, List<Timer>> timerSlices = new HashMap<>();
  private volatile boolean stopped;

  public MachineRunner(
      Vertx vertx,
      Context context,
      StateMachine machine,
      Transport transport,
      Function<WriteSet, CompletableFuture<Long>> store,
      LongSupplier clock,
      long requestTimeoutMillis) {
    this(vertx, context, machine, transport, store, clock, requestTimeoutMillis, Crasher.NONE);
  }

  /** A runner that reports the {@link CrashPoint}s it reaches to {@code crasher}. */
  public MachineRunner(
      Vertx vertx,
      Context context,
      StateMachine machine,
      Transport transport,
      Function<WriteSet, CompletableFuture<Long>> store,
      LongSupplier clock,
      long requestTimeoutMillis,
      Crasher crasher) {
    this.vertx = vertx;
    this.context = context;
    this.machine = machine;
    this.transport = transport;
    this.store = store;
    this.clock = clock;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.crasher = crasher;
    this.crashing = crasher != Crasher.NONE;
  }

  public Context context() {
    return context;
  }

  public long now() {
    return clock.getAsLong();
  }

  /** Whether the calling thread is the runner's event loop (on any context of it). */
  public boolean onLoop() {
    return context instanceof ContextInternal c && c.nettyEventLoop().inEventLoop();
  }

  /** Runs {@code action} on the runner's context. */
  public void execute(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /** Registers a consumer for a reply token (a client waiting for the machine's answer). */
  public long register(Consumer<Message> replyTo) {
    long token = nextToken++;
    pendingReplies.put(token, replyTo);
    return token;
  }

  /** A request from the transport: fed to the machine, answered through {@code reply}. */
  public void onRequest(NodeId from, Message request, Consumer<Message> reply) {
    if (stopped) {
      return; // a stopped node answers nothing, like a crashed one
    }
    if (crashing
        && request instanceof GlobalDecision d
        && d.decision() == Decision.COMMIT) {
      // A GLOBAL-COMMIT exists only once the coordinator had every vote, this node's among them.
      crasher.reached(CrashPoint.AFTER_VOTING, d.txId());
    }
    long token = register(reply);
    run(machine.onRequest(now(), token, from, request));
  }

  /** Whether {@link #stop} was called: requests are no longer answered. */
  public boolean stopped() {
    return stopped;
  }

  /** Stops carrying out effects: pending writes complete but nothing more is sent. */
  public void stop() {
    stopped = true;
  }

  /** Carries out one step. */
  public void run(Step step) {
    if (stopped || step.isEmpty()) {
      return;
    }
    for (Persist p : step.persists()) {
      persist(p);
    }
    sendAll(step.sends(), false);
    for (Timer t : step.timers()) {
      arm(t);
    }
  }

  /**
   * Timers are due at the end of their {@link #TIMER_TICK_MILLIS} slice, and each slice has one
   * Vert.x timer: a node that arms a timeout per transaction at thousands of transactions a second
   * schedules about a hundred timers a second, not one per transaction. A timer never fires early,
   * and at most a slice late.
   */
  private void arm(Timer t) {
    long slice = Math.floorDiv(t.atMillis() + TIMER_TICK_MILLIS - 1, TIMER_TICK_MILLIS);
    List<Timer> due = timerSlices.get(slice);
    if (due == null) {
      due = new ArrayList<>();
      timerSlices.put(slice, due);
      long delay = Math.max(1, slice * TIMER_TICK_MILLIS - now());
      vertx.setTimer(delay, id -> fire(slice));
    }
    due.add(t);
  }

  /** How many slices have a timer armed (one Vert.x timer each); tests only. */
  int armedSlices() {
    return timerSlices.size();
  }

  private void fire(long slice) {
    List<Timer> due = timerSlices.remove(slice);
    if (due == null) {
      return;
    }
    for (Timer t : due) {
      if (stopped) {
        return;
      }
      run(machine.onTimer(now(), t));
    }
  }

  private void persist(Persist p) {
    if (crashing) {
      record(p.writes(), Prepared.class)
          .ifPresent(r -> crasher.reached(CrashPoint.AFTER_TAKING_LOCKS, r.txId()));
      record(p.writes(), CoordinatorEnd.class)
          .ifPresent(r -> crasher.reached(CrashPoint.BEFORE_END, r.txId()));
    }
    CompletableFuture<Long> f;
    try {
      f = store.apply(p.writes());
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (seq, err) ->
            context.runOnContext(
                v -> {
                  if (stopped) {
                    return;
                  }
                  if (err == null) {
                    boolean commit = crashing && persisted(p.writes());
                    // The write is durable: now, and only now, its messages may leave.
                    sendAll(p.afterPersist(), commit);
                    if (crashing) {
                      // The ack of a GLOBAL-COMMIT leaves in the machine's next step.
                      record(p.writes(), Committed.class)
                          .filter(c -> c.writes().isEmpty())
                          .ifPresent(c -> crasher.reached(
                              CrashPoint.AFTER_APPLYING_COMMIT_BEFORE_ACK, c.txId()));
                    }
                    run(machine.onPersisted(now(), p.id()));
                  } else {
                    run(machine.onPersistFailed(now(), p.id(), String.valueOf(err.getMessage())));
                  }
                }));
  }

  /**
   * Reports the points reached by a completed write whose messages have not left yet; true if it
   * is the coordinator's COMMIT, whose messages are then the first GLOBAL-COMMITs.
   */
  private boolean persisted(WriteSet ws) {
    if (ws.forced()) {
      record(ws, Prepared.class)
          .ifPresent(r -> crasher.reached(CrashPoint.AFTER_FORCING_PREPARED, r.txId()));
    }
    var commit = record(ws, CoordinatorCommit.class);
    commit.ifPresent(r -> crasher.reached(CrashPoint.AFTER_FORCING_COMMIT, r.txId()));
    return commit.isPresent();
  }

  private static <T extends LogRecord> Optional<T> record(WriteSet ws, Class<T> type) {
    for (LogRecord r : ws.records()) {
      if (type.isInstance(r)) {
        return Optional.of(type.cast(r));
      }
    }
    return Optional.empty();
  }

  /**
   * Sends {@code out}. With crash points on, the prepares of one transaction, and the GLOBAL-COMMITs
   * that follow its forced COMMIT ({@code firstCommits}), go out as a {@link Batch} that reports
   * their delivery and, when armed, holds all but the first back.
   */
  private void sendAll(List<Outbound> out, boolean firstCommits) {
    if (!crashing) {
      out.forEach(o -> send(o, null));
      return;
    }
    Map<TxId, Batch> batches = new LinkedHashMap<>();
    for (Outbound o : out) {
      if (o instanceof Send s && s.message() instanceof VoteRequest v) {
        batches.computeIfAbsent(v.txId(), tx -> new Batch(tx, CrashPoint.AFTER_SENDING_PREPARES,
            CrashPoint.AFTER_SOME_PREPARES)).sends.add(s);
      } else if (firstCommits
          && o instanceof Send s
          && s.message() instanceof GlobalDecision d
          && d.decision() == Decision.COMMIT) {
        batches.computeIfAbsent(d.txId(), tx -> new Batch(tx, null,
            CrashPoint.AFTER_SOME_GLOBAL_COMMITS)).sends.add(s);
      } else {
        send(o, null);
      }
    }
    batches.values().forEach(Batch::start);
  }

  /**
   * Messages of one transaction and one phase, sent together, whose delivery is a crash point: a
   * message handed to the transport may still be in a socket buffer when the process halts, so
   * delivery is known only from its reply.
   */
  private final class Batch {
    final TxId tx;
    /** Reached when the first reply arrives; may be null. */
    final CrashPoint delivered;
    /** When armed, all but the first message wait for its reply, and this is reached then. */
    final CrashPoint some;
    final List<Send> sends = new ArrayList<>(2);
    List<Send> heldBack = List.of();
    boolean answered;

    Batch(TxId tx, CrashPoint delivered, CrashPoint some) {
      this.tx = tx;
      this.delivered = delivered;
      this.some = some;
    }

    void start() {
      if (sends.size() >= 2 && crasher.armed(some)) {
        heldBack = List.copyOf(sends.subList(1, sends.size()));
        send(sends.get(0), this);
      } else {
        sends.forEach(s -> send(s, this));
      }
    }

    /** A reply to one of the batch's messages came back ({@code ok}) or its request failed. */
    void answered(boolean ok) {
      if (answered) {
        return;
      }
      answered = true;
      if (ok && delivered != null) {
        crasher.reached(delivered, tx);
      }
      if (!heldBack.isEmpty()) {
        if (ok) {
          crasher.reached(some, tx);
        }
        heldBack.forEach(s -> send(s, null));
      }
    }
  }

  private void send(Outbound o, Batch batch) {
    if (o instanceof Reply r) {
      Consumer<Message> replyTo = pendingReplies.remove(r.token());
      if (replyTo == null) {
        LOG.debug("no pending request for reply token {}", r.token());
        return;
      }
      replyTo.accept(r.message());
    } else if (o instanceof Send s) {
      transport
          .request(s.to(), s.message(), requestTimeoutMillis)
          .onComplete(
              ar -> {
                if (stopped) {
                  return;
                }
                if (batch != null) {
                  batch.answered(ar.succeeded());
                }
                if (ar.succeeded()) {
                  run(machine.onReply(now(), s.to(), s.message(), ar.result()));
                } else {
                  LOG.debug("request {} to {} failed: {}", s.message().getClass().getSimpleName(),
                      s.to(), ar.cause().getMessage());
                  run(machine.onSendFailed(now(), s.to(), s.message()));
                }
              });
    }
  }
}
