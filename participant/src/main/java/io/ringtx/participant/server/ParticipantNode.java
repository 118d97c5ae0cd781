package io.ringtx.participant.server;

import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.node.Crasher;
import io.ringtx.protocol.node.MachineRunner;
import io.ringtx.protocol.node.NodeStarter;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running shard server: the {@link ParticipantCore} driven on its own Vert.x context, its
 * store, and its transport endpoint. On start it restores the state found in the log (PREPARED
 * transactions re-take their locks and ask for their decision) before serving requests.
 */
public final class ParticipantNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParticipantNode.class);

  private final NodeId id;
  private final Transport transport;
  private final MachineRunner runner;
  private final ParticipantCore core;

  private ParticipantNode(NodeId id, Transport transport, MachineRunner runner, ParticipantCore core) {
    this.id = id;
    this.transport = transport;
    this.runner = runner;
    this.core = core;
  }

  /** Recovers from {@code store} and starts serving {@code id} on {@code transport}. */
  public static Future<ParticipantNode> start(
      Vertx vertx,
      NodeId id,
      NodeStore store,
      Transport transport,
      ParticipantConfig config,
      long requestTimeoutMillis) {
    return start(vertx, id, store, transport, config, requestTimeoutMillis, Crasher.NONE);
  }

  /**
   * As {@link #start(Vertx, NodeId, NodeStore, Transport, ParticipantConfig, long)}, reporting
   * the crash points its runner reaches to {@code crasher} (tests and fault drills).
   */
  public static Future<ParticipantNode> start(
      Vertx vertx,
      NodeId id,
      NodeStore store,
      Transport transport,
      ParticipantConfig config,
      long requestTimeoutMillis,
      Crasher crasher) {
    return NodeStarter.start(vertx, id, transport, store::write, requestTimeoutMillis, crasher,
        () -> new ParticipantCore(id, store, store::txState, store.lastVersion(), config),
        (core, now) -> {
          List<Prepared> prepared = store.latestRecordsOf(Prepared.class);
          if (!prepared.isEmpty()) {
            LOG.info("participant {} recovered {} in-doubt transactions", id, prepared.size());
          }
          return core.recover(now, prepared);
        },
        (core, runner) -> new ParticipantNode(id, transport, runner, core));
  }

  public NodeId id() {
    return id;
  }

  /** Reads the core's state on its context (metrics, tooling, tests). */
  public <T> Future<T> inspect(Function<ParticipantCore, T> query) {
    Promise<T> p = Promise.promise();
    runner.execute(() -> p.complete(query.apply(core)));
    return p.future();
  }

  /**
   * Runs {@code query} on the core now; only on the node's context ({@link #execute}), where the
   * core's own events run, so the answer cannot be overtaken by a request.
   */
  public <T> T withCore(Function<ParticipantCore, T> query) {
    return query.apply(core);
  }

  /** Runs {@code action} on the node's context. */
  public void execute(Runnable action) {
    runner.execute(action);
  }

  /** Stops serving; the store is closed by its owner. */
  @Override
  public void close() {
    runner.stop();
    transport.stop(id);
  }
}
