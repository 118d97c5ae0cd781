package io.ringtx.protocol.node;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;
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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell of a {@link StateMachine}: it feeds the machine events on one Vert.x context and
 * carries out each {@link Step}. A persist goes to the store (off the event loop); only when it
 * has completed are its after-persist messages sent and the machine told; sends go through the
 * {@link Transport} and their replies come back as events; timers are Vert.x timers.
 *
 * <p>Every method must be called on the runner's context ({@link #context()}); use {@link
 * #execute} from anywhere else.
 */
public final class MachineRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MachineRunner.class);

  private final Vertx vertx;
  private final Context context;
  private final StateMachine machine;
  private final Transport transport;
  private final Function<WriteSet, CompletableFuture<Long>> store;
  private final LongSupplier clock;
  private final long requestTimeoutMillis;
  private final Map<Long, Consumer<Message>> pendingReplies = new HashMap<>();
  private long nextToken = 1;
  private volatile boolean stopped;

  public MachineRunner(
      Vertx vertx,
      Context context,
      StateMachine machine,
      Transport transport,
      Function<WriteSet, CompletableFuture<Long>> store,
      LongSupplier clock,
      long requestTimeoutMillis) {
    this.vertx = vertx;
    this.context = context;
    this.machine = machine;
    this.transport = transport;
    this.store = store;
    this.clock = clock;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  public Context context() {
    return context;
  }

  public long now() {
    return clock.getAsLong();
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
    long token = register(reply);
    run(machine.onRequest(now(), token, from, request));
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
    for (Outbound o : step.sends()) {
      send(o);
    }
    for (Timer t : step.timers()) {
      long delay = Math.max(1, t.atMillis() - now());
      vertx.setTimer(delay, id -> {
        if (!stopped) {
          run(machine.onTimer(now(), t));
        }
      });
    }
  }

  private void persist(Persist p) {
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
                    // The write is durable: now, and only now, its messages may leave.
                    p.afterPersist().forEach(this::send);
                    run(machine.onPersisted(now(), p.id()));
                  } else {
                    run(machine.onPersistFailed(now(), p.id(), String.valueOf(err.getMessage())));
                  }
                }));
  }

  private void send(Outbound o) {
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
