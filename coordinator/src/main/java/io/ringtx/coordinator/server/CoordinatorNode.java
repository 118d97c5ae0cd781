package io.ringtx.coordinator.server;

import io.ringtx.coordinator.api.InDoubtException;
import io.ringtx.coordinator.api.OverloadedException;
import io.ringtx.coordinator.api.RecoveryService;
import io.ringtx.coordinator.api.TransactionService;
import io.ringtx.coordinator.api.TxStatus;
import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.coordinator.core.CoordinatorCore;
import io.ringtx.coordinator.core.Known;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.discovery.NodeInfo;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.InDoubtQuery;
import io.ringtx.protocol.message.InDoubtReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.metrics.JvmMetrics;
import io.ringtx.protocol.metrics.PromText;
import io.ringtx.protocol.node.Crasher;
import io.ringtx.protocol.node.MachineRunner;
import io.ringtx.protocol.node.NodeStarter;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.rpc.RpcMetrics;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.StoreMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: the {@link CoordinatorCore} driven on its own Vert.x context, its store,
 * and the {@link TransactionService} that the HTTP API and in-process callers use. On start it
 * resends GLOBAL-COMMIT for every COMMIT without END found in its log (DESIGN §3).
 */
public final class CoordinatorNode implements TransactionService, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNode.class);
  /** The longest {@code GET /v1/cluster} waits for one participant's transactions in doubt. */
  private static final long CLUSTER_QUERY_MILLIS = 2_000;

  private final NodeId id;
  private final Router router;
  private final Transport transport;
  private final MachineRunner runner;
  private final CoordinatorCore core;
  private final Limits limits;
  private final long requestTimeoutMillis;
  private final String idPrefix;
  private final AtomicLong nextId = new AtomicLong();
  /** The unforeseeable part of assigned ids (see {@link #assignId}). */
  private static final SecureRandom ID_RANDOM = new SecureRandom();
  private final Vertx vertx;
  private final NodeStore store;
  private final CoordinatorMetrics metrics;
  private volatile Supplier<List<NodeInfo>> liveNodes;
  /** Whether the nodes serve HTTPS (TLS is on for the whole cluster or for none of it). */
  private volatile boolean httpsUrls;
  private volatile Supplier<Future<Void>> routingRefresh;
  private volatile Supplier<Object> ringView;
  /** A read refused with NOT_OWNER is retried this often, after refreshing the routing. */
  private static final int READ_NOT_OWNER_RETRIES = 12;
  /**
   * A read whose owner could not be reached (it left or failed, and the routing has not heard
   * yet) is retried this often, after refreshing the routing. Reads change nothing, so asking
   * again is always safe; the bound keeps a dead owner from holding the caller long.
   */
  private static final int READ_UNREACHABLE_RETRIES = 4;
  /** Set once at start: what operator tools may ask ({@code /v1/recovery/}). */
  private CoordinatorInspector inspector;

  private CoordinatorNode(
      Vertx vertx,
      NodeId id, Router router, Transport transport, MachineRunner runner, CoordinatorCore core,
      Limits limits, long requestTimeoutMillis, NodeStore store, CoordinatorMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.id = id;
    this.router = router;
    this.transport = transport;
    this.runner = runner;
    this.core = core;
    this.limits = limits;
    this.requestTimeoutMillis = requestTimeoutMillis;
    // Assigned ids must never repeat across restarts: the start time makes each run distinct.
    this.idPrefix = id.value() + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
  }

  /** Recovers from {@code store} and starts serving {@code id} on {@code transport}. */
  public static Future<CoordinatorNode> start(
      Vertx vertx,
      NodeId id,
      NodeStore store,
      Transport transport,
      Router router,
      CoordinatorConfig config,
      Limits limits,
      long requestTimeoutMillis) {
    return start(vertx, id, store, transport, router, config, limits, requestTimeoutMillis,
        Crasher.NONE);
  }

  /**
   * As {@link #start(Vertx, NodeId, NodeStore, Transport, Router, CoordinatorConfig, Limits,
   * long)}, reporting the crash points its runner reaches to {@code crasher} (tests and fault
   * drills).
   */
  public static Future<CoordinatorNode> start(
      Vertx vertx,
      NodeId id,
      NodeStore store,
      Transport transport,
      Router router,
      CoordinatorConfig config,
      Limits limits,
      long requestTimeoutMillis,
      Crasher crasher) {
    CoordinatorMetrics metrics = new CoordinatorMetrics();
    return NodeStarter.start(vertx, id, transport, store::write, requestTimeoutMillis, crasher,
        () -> new CoordinatorCore(id, router, store::txState, config).observedBy(metrics),
        (core, now) -> {
          List<CoordinatorCommit> unfinished = store.latestRecordsOf(CoordinatorCommit.class);
          if (!unfinished.isEmpty()) {
            LOG.info("coordinator {} finishing {} committed transactions", id, unfinished.size());
          }
          return core.recover(now, unfinished);
        },
        (core, runner) -> {
          CoordinatorNode node = new CoordinatorNode(vertx, id, router, transport, runner, core,
              limits, requestTimeoutMillis, store, metrics);
          node.inspector = new CoordinatorInspector(vertx, node, store, router);
          return node;
        });
  }

  @Override
  public Optional<RecoveryService> recovery() {
    return Optional.of(inspector);
  }

  public NodeId id() {
    return id;
  }

  /**
   * Whether a transaction whose latest record here is {@code latest} is over at this coordinator
   * (for {@link io.ringtx.storage.LogPruner}): END, written once every participant acknowledged.
   * A COMMIT or ABORT without END is still being told to its participants.
   */
  public static boolean finishedHere(LogRecord latest) {
    return latest instanceof CoordinatorEnd;
  }

  @Override
  public Limits limits() {
    return limits;
  }

  /**
   * Runs {@code start} on the context that drives this coordinator's state machine. An HTTP
   * server started there serves its connections on the same event loop, so a request, the
   * machine's step and the answer run on one thread without hand-offs between threads.
   */
  public <T> Future<T> onMachineContext(Supplier<Future<T>> start) {
    Promise<T> out = Promise.promise();
    runner.execute(() -> start.get().onComplete(out));
    return out.future();
  }

  @Override
  public CompletableFuture<ReadReply> read(String key) {
    CompletableFuture<ReadReply> out = new CompletableFuture<>();
    runner.execute(() -> read(key, 0, 0, out));
    return out;
  }

  /**
   * Reads from the owner the routing names; a {@code NOT_OWNER} answer (the key's range moved,
   * or is moving) or a failed request (the owner left or failed) refreshes the routing and asks
   * again, a bounded number of times each (DESIGN §4): {@code attempt} counts the first,
   * {@code unreachable} the second.
   */
  private void read(String key, int attempt, int unreachable, CompletableFuture<ReadReply> out) {
    NodeId owner = router.ownerOf(key);
    transport.request(owner, new ReadRequest(key), requestTimeoutMillis).onComplete(ar -> {
      if (ar.failed() && routingRefresh != null && unreachable < READ_UNREACHABLE_RETRIES) {
        LOG.debug("read of {} at {} failed ({}); refreshing the routing", key, owner,
            ar.cause().toString());
        retryRead(key, attempt, unreachable + 1, out);
      } else if (ar.failed()) {
        out.completeExceptionally(ar.cause());
      } else if (ar.result() instanceof ReadReply r) {
        out.complete(r);
      } else if (ar.result() instanceof ErrorReply e
          && e.code() == ErrorReply.Code.NOT_OWNER
          && routingRefresh != null
          && attempt < READ_NOT_OWNER_RETRIES) {
        retryRead(key, attempt + 1, unreachable, out);
      } else if (ar.result() instanceof ErrorReply e && e.code() == ErrorReply.Code.OVERLOADED) {
        out.completeExceptionally(new OverloadedException(
            "read of " + key + " refused by " + owner + ": " + e.message()));
      } else if (ar.result() instanceof ErrorReply e && e.code() == ErrorReply.Code.IN_DOUBT) {
        out.completeExceptionally(new InDoubtException(
            "read of " + key + " refused by " + owner + ": " + e.message()));
      } else {
        out.completeExceptionally(
            new IllegalStateException("read of " + key + " at " + owner + ": "
                + describe(ar.result())));
      }
    });
  }

  /** Refreshes the routing, waits a backoff that grows with the attempts, and reads again. */
  private void retryRead(String key, int attempt, int unreachable,
      CompletableFuture<ReadReply> out) {
    int tries = attempt + unreachable;
    long backoff = Math.min(500, 20L << Math.min(tries - 1, 5));
    routingRefresh.get().onComplete(x -> vertx.setTimer(backoff,
        t -> runner.execute(() -> read(key, attempt, unreachable, out))));
  }

  @Override
  public CompletableFuture<TxResult> commit(TxRequest request) {
    TxId txId = request.id() != null ? request.id() : assignId();
    CompletableFuture<TxResult> out = new CompletableFuture<>();
    runner.execute(
        () -> {
          long token = runner.register(m -> {
            TxResult r = (TxResult) m;
            if (routingRefresh != null && (r.reason() == Reason.NOT_OWNER
                || r.reason() == Reason.PARTICIPANT_FAILED || r.reason() == Reason.TIMEOUT)) {
              // The owner moved, left or failed: a retry should find the one the ring names now.
              routingRefresh.get();
            }
            out.complete(r);
          });
          runner.run(core.begin(runner.now(), token, txId, request.reads(), request.writes()));
        });
    return out;
  }

  /**
   * An id for a commit sent without one. Clients may choose any id, and a commit under a known id
   * is answered from its outcome (DESIGN §2); a counter alone would let a client take the id of
   * the next id-less commit, which would then be told that outcome with its own writes never
   * applied. The random part makes an assigned id impossible to foresee.
   */
  private TxId assignId() {
    return TxId.of(idPrefix + nextId.incrementAndGet() + "-"
        + Long.toString(ID_RANDOM.nextLong() & Long.MAX_VALUE, 36));
  }

  @Override
  public CompletableFuture<Optional<TxStatus>> status(TxId txId) {
    CompletableFuture<Optional<TxStatus>> out = new CompletableFuture<>();
    runner.execute(
        () -> {
          Optional<Known> known = core.known(txId);
          List<NodeId> ask =
              known.map(Known::participants).filter(l -> !l.isEmpty()).orElse(router.participants());
          List<Future<Message>> replies = new ArrayList<>();
          for (NodeId p : ask) {
            replies.add(transport.request(p, new StatusQuery(txId, id, false), requestTimeoutMillis));
          }
          Future.join(replies)
              .onComplete(
                  ar -> {
                    Map<NodeId, TxState> states = new LinkedHashMap<>();
                    for (int i = 0; i < ask.size(); i++) {
                      Future<Message> f = replies.get(i);
                      TxState s =
                          f.succeeded() && f.result() instanceof StatusReply r
                              ? r.state()
                              : TxState.UNKNOWN;
                      states.put(ask.get(i), s);
                    }
                    out.complete(summarise(txId, known, states));
                  });
        });
    return out;
  }

  /**
   * The outcome from this coordinator's knowledge if it has any, otherwise from the shards: one
   * that committed or aborted decides it; READY ones alone leave it UNKNOWN (in doubt).
   */
  static Optional<TxStatus> summarise(
      TxId txId, Optional<Known> known, Map<NodeId, TxState> states) {
    List<TxStatus.ParticipantState> ps = new ArrayList<>();
    states.forEach((n, s) -> ps.add(new TxStatus.ParticipantState(n, s)));
    Outcome outcome = known.map(k -> k.result().outcome()).orElse(Outcome.UNKNOWN);
    if (outcome == Outcome.UNKNOWN) {
      if (states.containsValue(TxState.COMMIT)) {
        outcome = Outcome.COMMITTED;
      } else if (states.containsValue(TxState.ABORT)) {
        outcome = Outcome.ABORTED;
      }
    }
    boolean anyKnows =
        known.isPresent() || states.values().stream().anyMatch(s -> s != TxState.UNKNOWN);
    return anyKnows ? Optional.of(new TxStatus(txId, outcome, ps)) : Optional.empty();
  }

  /** Whether {@code GET /v1/cluster} gives the nodes' URLs as {@code https://}. */
  public void httpsUrls(boolean https) {
    this.httpsUrls = https;
  }

  /**
   * Lets {@code GET /v1/cluster} report the nodes discovery sees alive; without it only this
   * coordinator and the configured participants are listed.
   */
  public void liveNodes(Supplier<List<NodeInfo>> live) {
    this.liveNodes = live;
  }

  /**
   * Lets this coordinator refresh its routing when a participant answers {@code NOT_OWNER}, and
   * {@code GET /v1/cluster} show the ring ({@code ringView} may block: it runs on a worker).
   */
  public void routing(Supplier<Future<Void>> refresh, Supplier<Object> ringView) {
    this.routingRefresh = refresh;
    this.ringView = ringView;
  }

  @Override
  public Optional<Map<String, Object>> routing() {
    Optional<RingSnapshot> ring = router.ring();
    if (ring.isEmpty()) {
      return Optional.empty();
    }
    // Without a directory of live nodes (a cluster inside one JVM) no participant serves HTTP:
    // the ring alone still tells a client which shards a transaction spans.
    Supplier<List<NodeInfo>> source = liveNodes;
    List<NodeInfo> live = source == null ? List.of() : source.get();
    RingSnapshot table = ring.get();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bits", table.space().bits());
    List<Map<String, String>> vnodes = new ArrayList<>();
    for (VirtualNode v : table.virtualNodes()) {
      vnodes.add(Map.of("node", v.node().value(), "id", v.id().toString()));
    }
    out.put("virtualNodes", vnodes);
    Map<String, String> urls = new TreeMap<>();
    for (NodeInfo n : live) {
      if (n.role().equals("participant") && n.host() != null && n.httpPort() > 0) {
        urls.put(n.nodeId(), (httpsUrls ? "https://" : "http://") + n.host() + ":" + n.httpPort());
      }
    }
    out.put("participants", urls);
    return Optional.of(out);
  }

  @Override
  public Map<String, Object> cluster() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("coordinator", id.value());
    Map<String, NodeInfo> live = new LinkedHashMap<>();
    Supplier<List<NodeInfo>> source = liveNodes;
    if (source != null) {
      source.get().forEach(n -> live.put(n.nodeId(), n));
    }
    List<Map<String, Object>> nodes = new ArrayList<>();
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("id", id.value());
    me.put("role", "coordinator");
    me.put("health", "UP");
    nodes.add(me);
    for (NodeInfo n : live.values()) {
      if (n.role().equals("coordinator") && !n.nodeId().equals(id.value())) {
        nodes.add(describe(n.nodeId(), "coordinator", n, true));
      }
    }
    // The participants the routing knows, and any other that discovery lists (one joining).
    Set<NodeId> participants = new TreeSet<>(router.participants());
    live.values().stream().filter(n -> n.role().equals("participant"))
        .forEach(n -> participants.add(NodeId.of(n.nodeId())));
    Map<NodeId, Future<Message>> asked = askInDoubt(participants, live, source == null);
    Set<String> inDoubt = new TreeSet<>();
    Set<String> blocked = new TreeSet<>();
    for (NodeId p : participants) {
      NodeInfo n = live.get(p.value());
      Map<String, Object> d = describe(p.value(), "participant", n, source == null || n != null);
      Future<Message> f = asked.get(p);
      if (f != null) {
        awaitQuietly(f);
        if (f.succeeded() && f.result() instanceof InDoubtReply r) {
          List<String> doubt = r.inDoubt().stream().map(TxId::value).toList();
          List<String> stuck = r.blocked().stream().map(TxId::value).toList();
          d.put("inDoubt", doubt);
          d.put("blocked", stuck);
          inDoubt.addAll(doubt);
          blocked.addAll(stuck);
        } else {
          d.put("inDoubtError", !f.isComplete() ? "no answer"
              : f.failed() ? String.valueOf(f.cause().getMessage()) : describe(f.result()));
        }
      }
      nodes.add(d);
    }
    out.put("nodes", nodes);
    // Transactions in doubt at some participant, and those blocked: every participant READY
    // and the coordinator silent. Only that coordinator's return (or an operator) ends them.
    out.put("inDoubt", List.copyOf(inDoubt));
    out.put("blocked", List.copyOf(blocked));
    Supplier<Object> ring = ringView;
    if (ring != null) {
      out.put("ring", ring.get());
    }
    return out;
  }

  /**
   * Asks every participant that is up for its transactions in doubt, all at once (from the node's
   * context, where its requests must start); empty if the node does not get to it in time.
   */
  private Map<NodeId, Future<Message>> askInDoubt(
      Set<NodeId> participants, Map<String, NodeInfo> live, boolean all) {
    CompletableFuture<Map<NodeId, Future<Message>>> asked = new CompletableFuture<>();
    runner.execute(() -> {
      Map<NodeId, Future<Message>> m = new LinkedHashMap<>();
      for (NodeId p : participants) {
        if (all || live.containsKey(p.value())) {
          m.put(p, transport.request(p, new InDoubtQuery(id),
              Math.min(requestTimeoutMillis, CLUSTER_QUERY_MILLIS)));
        }
      }
      asked.complete(m);
    });
    try {
      return asked.get(CLUSTER_QUERY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (ExecutionException | TimeoutException e) {
      return Map.of();
    }
  }

  /** Waits for {@code f} a little longer than its own deadline; it then says how it ended. */
  private static void awaitQuietly(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture()
          .get(CLUSTER_QUERY_MILLIS + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Read from the future by the caller.
    }
  }

  private Map<String, Object> describe(String id, String role, NodeInfo n, boolean up) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("role", role);
    m.put("health", up ? "UP" : "DOWN");
    if (n != null) {
      m.put("url", (httpsUrls ? "https://" : "http://") + n.host() + ":" + n.httpPort());
    }
    return m;
  }

  /**
   * Completes once every COMMIT found in the log without END has been acknowledged by all its
   * participants (DESIGN §3 recovery), or after {@code maxWaitMillis} with a warning naming the
   * transactions still unfinished. Callers start serving clients only then; the node answers
   * other nodes from the start, since participants need its answers to finish.
   */
  public Future<Void> recovered(long maxWaitMillis) {
    Promise<Void> done = Promise.promise();
    long start = System.currentTimeMillis();
    runner.execute(() -> checkRecovered(done, start, start + maxWaitMillis, start));
    return done.future();
  }

  /**
   * Completes once every participant has answered a harmless status query over the transport, or
   * after {@code maxWaitMillis} with a warning naming those that have not. A coordinator that
   * serves clients before it can reach the shards aborts their first transactions
   * (PARTICIPANT_FAILED) while connections and handler registrations are still forming; callers
   * wait for this before serving. Never fails: a shard that is down must not keep the others'
   * keys from being served.
   */
  public Future<Void> reachedParticipants(long maxWaitMillis) {
    long deadline = System.currentTimeMillis() + maxWaitMillis;
    List<Future<Boolean>> each = new ArrayList<>();
    for (NodeId p : router.participants()) {
      Promise<Boolean> reached = Promise.promise();
      runner.execute(() -> probe(p, deadline, reached));
      each.add(reached.future());
    }
    return Future.join(each).transform(ar -> {
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < each.size(); i++) {
        if (!Boolean.TRUE.equals(each.get(i).result())) {
          missing.add(router.participants().get(i).value());
        }
      }
      if (!missing.isEmpty()) {
        LOG.warn("RTX-1003 coordinator {} serving without having reached participants {} "
            + "within {} ms; transactions touching them abort until they answer",
            id, missing, maxWaitMillis);
      }
      return Future.succeededFuture();
    });
  }

  /** Asks {@code p} about a transaction id nobody uses until it answers or the deadline passes. */
  private void probe(NodeId p, long deadline, Promise<Boolean> reached) {
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      reached.complete(false);
      return;
    }
    TxId nobody = TxId.of(id.value() + "-probe");
    transport.request(p, new StatusQuery(nobody, id, false), Math.min(left, requestTimeoutMillis))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() instanceof StatusReply) {
            reached.complete(true);
          } else {
            vertx.setTimer(100, t -> probe(p, deadline, reached));
          }
        });
  }

  /** Runs on the node's context; re-arms itself with a timer there until recovery is done. */
  private void checkRecovered(Promise<Void> done, long start, long deadline, long lastReport) {
    Set<TxId> left = core.awaitingAcks();
    long now = System.currentTimeMillis();
    if (left.isEmpty()) {
      if (now - start > 100) {
        LOG.info("coordinator {} finished its logged commits in {} ms", id, now - start);
      }
      done.complete();
      return;
    }
    if (now >= deadline) {
      LOG.warn("RTX-1002 coordinator {} serving with {} committed transactions not yet "
          + "acknowledged (participants unreachable?): {}", id, left.size(), left);
      done.complete();
      return;
    }
    long report = lastReport;
    if (now - lastReport > 2_000) {
      report = now;
      LOG.info("coordinator {} finishing {} committed transactions before serving", id, left.size());
    }
    long r = report;
    vertx.setTimer(50, t -> checkRecovered(done, start, deadline, r));
  }

  /**
   * Transactions begun and answered by outcome, phase latencies, transactions held in memory
   * and awaiting acknowledgements, the RPC layer and the store, in the Prometheus text format.
   */
  @Override
  public CompletableFuture<String> metrics() {
    return inspect(c -> new int[] {c.activeCount(), c.awaitingAcks().size()})
        .map(v -> {
          PromText t = new PromText()
              .gauge("ringtx_coordinator_active_transactions",
                  "Transactions held in memory: running, or decided and awaiting acknowledgements.",
                  v[0])
              .gauge("ringtx_coordinator_awaiting_acks",
                  "Committed transactions whose decision some participant has not acknowledged.",
                  v[1]);
          metrics.render(t);
          RpcMetrics.render(t, transport);
          StoreMetrics.render(t, store);
          return t;
        })
        // The JVM's figures read a file per thread under /proc: not on the node's event loop.
        .compose(t -> vertx.executeBlocking(() -> JvmMetrics.render(t).toString(), false))
        .toCompletionStage()
        .toCompletableFuture();
  }

  /**
   * Completes once no transaction is held in memory (every one decided and, for 2PC, every
   * acknowledgement in), or after {@code maxWaitMillis}, with the number still held (0 if all
   * finished). A node stopping gracefully calls this once no new transaction can arrive.
   */
  public Future<Integer> quiesced(long maxWaitMillis) {
    Promise<Integer> done = Promise.promise();
    long deadline = System.currentTimeMillis() + maxWaitMillis;
    runner.execute(() -> checkQuiesced(done, deadline));
    return done.future();
  }

  private void checkQuiesced(Promise<Integer> done, long deadline) {
    int active = core.activeCount();
    if (active == 0 || System.currentTimeMillis() >= deadline) {
      done.complete(active);
      return;
    }
    vertx.setTimer(20, t -> checkQuiesced(done, deadline));
  }

  /** Reads the core's state on its context (metrics, tooling, tests). */
  public <T> Future<T> inspect(Function<CoordinatorCore, T> query) {
    Promise<T> p = Promise.promise();
    runner.execute(() -> p.complete(query.apply(core)));
    return p.future();
  }

  @Override
  public void close() {
    runner.stop();
    transport.stop(id);
  }

  private static String describe(Message m) {
    return m instanceof ErrorReply e ? e.code() + " " + e.message() : String.valueOf(m);
  }
}
