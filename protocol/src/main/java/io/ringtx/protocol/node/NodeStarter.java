package io.ringtx.protocol.node;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.protocol.step.StateMachine;
import io.ringtx.protocol.step.Step;
import io.ringtx.protocol.step.WriteSet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Starts a node the one way every role starts: on a new Vert.x context, build the state machine,
 * wrap it in a {@link MachineRunner}, carry out its recovery step (from the log), and only then
 * serve requests. Everything up to serving runs on that context, so no request can reach the
 * machine before its recovered state is in place.
 */
public final class NodeStarter {
  private NodeStarter() {}

  /**
   * @param store the store's write; it is given a task runner for the end of the node's
   *     event-loop turn ({@link #endOfTurn}), with which it may write there instead of handing
   *     the write to another thread
   * @param crasher told of every crash point the runner reaches ({@link Crasher#NONE}: nothing)
   * @param machine builds the state machine (runs on the node's context)
   * @param recover the machine's recovery step from the log
   * @param node wraps machine and runner into the node object handed back
   */
  public static <M extends StateMachine, N> Future<N> start(
      Vertx vertx,
      NodeId id,
      Transport transport,
      BiFunction<WriteSet, Executor, CompletableFuture<Long>> store,
      long requestTimeoutMillis,
      Crasher crasher,
      Supplier<M> machine,
      BiFunction<M, Long, Step> recover,
      BiFunction<M, MachineRunner, N> node) {
    Context ctx = vertx.getOrCreateContext();
    Promise<N> started = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        M m = machine.get();
        Executor endOfTurn = endOfTurn(ctx);
        MachineRunner runner = new MachineRunner(vertx, ctx, m, transport,
            writes -> store.apply(writes, endOfTurn),
            System::currentTimeMillis, requestTimeoutMillis, crasher);
        runner.run(recover.apply(m, runner.now()));
        N n = node.apply(m, runner);
        transport.serve(id, runner::onRequest).map(n).onComplete(started);
      } catch (RuntimeException e) {
        started.fail(e);
      }
    });
    return started.future();
  }

  /**
   * Runs tasks on {@code ctx} after the work it has at hand (what one wake-up of its event loop
   * brought): its task queue. Null if {@code ctx} is not an event loop.
   */
  static Executor endOfTurn(Context ctx) {
    return ctx.isEventLoopContext() ? task -> ctx.runOnContext(v -> task.run()) : null;
  }
}
