package io.ringtx.participant.server;

import io.ringtx.participant.core.ParticipantConfig;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.metrics.JvmMetrics;
import io.ringtx.protocol.metrics.PromText;
import io.ringtx.protocol.node.Crasher;
import io.ringtx.protocol.node.MachineRunner;
import io.ringtx.protocol.node.NodeStarter;
import io.ringtx.protocol.rpc.RpcMetrics;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.StoreMetrics;
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
  private final int maxQueuedWork;
  /** Keys read here for clients ({@link #read}); on the node's context only. */
  private long clientReads;
  /** One-shard commits taken here straight from clients ({@link #commit}); on the context only. */
  private long clientCommits;

  private ParticipantNode(NodeId id, Transport transport, MachineRunner runner, ParticipantCore core,
      int maxQueuedWork) {
    this.id = id;
    this.transport = transport;
    this.runner = runner;
    this.core = core;
    this.maxQueuedWork = maxQueuedWork;
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
        (core, runner) -> new ParticipantNode(id, transport, runner, core,
            config.maxQueuedWork()));
  }

  public NodeId id() {
    return id;
  }

  /**
   * Whether a transaction whose latest record here is {@code latest} is over at this node (for
   * {@link io.ringtx.storage.LogPruner}): committed or aborted, its acknowledgement made durable
   * with the record. A PREPARED transaction is in doubt, and a heuristic decision waits for the
   * operator, so neither is.
   */
  public static boolean finishedHere(LogRecord latest) {
    return latest instanceof Committed || latest instanceof Aborted;
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

  /**
   * Every metric of this participant in the Prometheus text format: its transactions (in doubt,
   * blocked, in memory), locks and lock conflicts, queued work and overload refusals, its RPC
   * layer and its store.
   */
  public Future<String> metrics(NodeStore store) {
    return inspect(c -> {
      PromText t = new PromText()
          .gauge("ringtx_participant_in_doubt",
              "Transactions READY here without a decision yet.", c.inDoubt().size())
          .gauge("ringtx_participant_blocked",
              "In-doubt transactions whose every peer is READY while the coordinator is silent.",
              c.blocked().size())
          .gauge("ringtx_participant_active_transactions",
              "Transactions held in memory (being prepared, READY, or being applied).",
              c.activeCount())
          .gauge("ringtx_participant_lock_holders",
              "Transactions holding at least one lock here.", c.lockHolders().size())
          .counter("ringtx_participant_lock_conflicts_total",
              "Requests refused or voted down because another transaction held a lock or a "
                  + "version read was stale.", c.lockConflicts())
          .counter("ringtx_participant_reads_in_doubt_total",
              "Reads refused IN_DOUBT: the key's prepared writer had no decision after "
                  + "readyTimeoutMillis.", c.inDoubtReads())
          .gauge("ringtx_participant_queued_work",
              "Requests parked behind a commit or a prepared writer, plus log writes in flight.",
              c.queuedWork())
          .gauge("ringtx_participant_max_queued_work",
              "The bound on queued work beyond which new work is refused.", maxQueuedWork)
          .counter("ringtx_participant_overload_refusals_total",
              "Reads, validations, prepares and one-phase commits refused as OVERLOADED.",
              c.overloadRefusals())
          .counter("ringtx_participant_client_reads_total",
              "Keys read here straight for clients (POST /v1/read), not through a coordinator.",
              clientReads)
          .counter("ringtx_participant_client_commits_total",
              "One-shard commits taken here straight from clients (POST /v1/txn or /v1/txns), "
                  + "not through a coordinator.", clientCommits)
          .counter("ringtx_participant_heuristic_decisions_total",
              "Heuristic decisions taken here by an operator since the node started.",
              c.heuristicDecisions())
          .counter("ringtx_participant_heuristic_mismatches_total",
              "Heuristic decisions here that the coordinator's decision later contradicted, since "
                  + "the node started.", c.heuristicMismatches());
      RpcMetrics.render(t, transport);
      StoreMetrics.render(t, store);
      return t;
    })
        // The JVM's figures read a file per thread under /proc: not on the node's event loop.
        .compose(t -> runner.context().owner()
            .executeBlocking(() -> JvmMetrics.render(t).toString(), false));
  }

  /**
   * An operator's decision for {@code txId} ({@link ParticipantCore#onOperatorDecision}): completes
   * with the core's answer, an {@code Ack} once the decision is durable or an {@code ErrorReply}
   * saying why it was refused.
   */
  public Future<Message> decide(TxId txId, Decision decision, String operator, boolean heuristic) {
    Promise<Message> p = Promise.promise();
    runner.execute(() -> {
      long token = runner.register(p::tryComplete);
      runner.run(core.onOperatorDecision(runner.now(), token, txId, decision, operator, heuristic));
    });
    return p.future();
  }

  /**
   * Reads {@code keys} here for a client, each exactly as a {@code ReadRequest} from a
   * coordinator is read (ownership checked, a key being committed waited for, overload refused):
   * the answers in the order of {@code keys}, each a {@code ReadReply} or an {@code ErrorReply}.
   */
  public Future<List<Message>> read(List<String> keys) {
    Promise<List<Message>> done = Promise.promise();
    Runnable start = () -> {
      if (runner.stopped()) {
        done.fail("participant " + id + " is stopping");
        return;
      }
      clientReads += keys.size();
      Message[] answers = new Message[keys.size()];
      int[] missing = {keys.size()};
      for (int i = 0; i < keys.size(); i++) {
        int at = i;
        runner.onRequest(id, new ReadRequest(keys.get(i)), answer -> {
          answers[at] = answer;
          if (--missing[0] == 0) {
            done.complete(List.of(answers));
          }
        });
      }
    };
    serve(start);
    return done.future();
  }

  /**
   * Commits a transaction whose every key this node owns, for a client that sent it here
   * instead of to a coordinator: exactly as a coordinator's {@code OnePhaseCommit} is run (DESIGN
   * §3 step 1: validated, logged and applied in one forced write, or refused with a forced
   * {@code ABORTED} record), this node standing as its coordinator. The answer is the core's
   * {@code OnePhaseResult}, sent once its record is durable; the same id sent again is answered
   * from the log, so a client may re-send it as it would to a coordinator.
   */
  public Future<Message> commit(TxId txId, List<ReadItem> reads, List<WriteOp> writes) {
    Promise<Message> done = Promise.promise();
    Runnable start = () -> {
      if (runner.stopped()) {
        done.fail("participant " + id + " is stopping");
        return;
      }
      clientCommits++;
      runner.onRequest(id, new OnePhaseCommit(txId, id, reads, writes), done::tryComplete);
    };
    serve(start);
    return done.future();
  }

  /**
   * Runs a client's request on the node's context: at once when it arrived on the node's event
   * loop (the HTTP server listens from it), so that it reaches the core without a hand-off.
   */
  private void serve(Runnable request) {
    if (runner.onLoop()) {
      request.run();
    } else {
      runner.execute(request);
    }
  }

  /** Stops serving; the store is closed by its owner. */
  @Override
  public void close() {
    runner.stop();
    transport.stop(id);
  }
}
