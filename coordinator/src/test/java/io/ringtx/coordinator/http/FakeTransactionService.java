package io.ringtx.coordinator.http;

import io.ringtx.coordinator.api.TransactionService;
import io.ringtx.coordinator.api.TxStatus;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.WriteOp;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An in-memory stand-in for the 2PC engine, for tests of the HTTP layer and the client only: one
 * map of versioned values, optimistic validation of read versions, idempotent commits by id, and
 * a script of canned answers (abort, unknown, failure, silence) for the next commits. Every call
 * is recorded so that tests can assert that bad input never reached the service.
 */
public final class FakeTransactionService implements TransactionService {
  /** What {@link #recovery()} offers; none unless a test sets it. */
  public volatile io.ringtx.coordinator.api.RecoveryService recovery;

  @Override
  public java.util.Optional<io.ringtx.coordinator.api.RecoveryService> recovery() {
    return java.util.Optional.ofNullable(recovery);
  }

  /** What {@link #routing()} answers (none unless a test sets it), and how often it was asked. */
  public volatile Map<String, Object> routing;
  public final java.util.concurrent.atomic.AtomicInteger routingCalls =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public java.util.Optional<Map<String, Object>> routing() {
    routingCalls.incrementAndGet();
    return java.util.Optional.ofNullable(routing);
  }

  /** A stored value; {@code value == null} is a deleted key that keeps its version. */
  public record Stored(String value, long version) {}

  private static final NodeId PARTICIPANT = NodeId.of("p1");

  private final Limits limits;
  private final Map<String, Stored> data = new HashMap<>();
  private final Map<TxId, TxResult> results = new HashMap<>();
  private final List<TxRequest> commits = new ArrayList<>();
  private final List<String> reads = new ArrayList<>();
  private final Deque<Function<TxRequest, CompletableFuture<TxResult>>> script =
      new ArrayDeque<>();
  private long assigned;
  private volatile Boolean clusterCalledOnEventLoop;

  /** A fake with the default limits. */
  public FakeTransactionService() {
    this(Limits.DEFAULT);
  }

  /** A fake with the given limits. */
  public FakeTransactionService(Limits limits) {
    this.limits = limits;
  }

  private RuntimeException readFailure;

  /** Every read from now on fails with {@code error} (null: reads work again). */
  public synchronized FakeTransactionService failReadsWith(RuntimeException error) {
    this.readFailure = error;
    return this;
  }

  @Override
  public synchronized CompletableFuture<ReadReply> read(String key) {
    if (readFailure != null) {
      return CompletableFuture.failedFuture(readFailure);
    }
    reads.add(key);
    Stored s = data.get(key);
    return CompletableFuture.completedFuture(
        s == null ? new ReadReply(key, null, 0) : new ReadReply(key, s.value(), s.version()));
  }

  @Override
  public synchronized CompletableFuture<TxResult> commit(TxRequest request) {
    commits.add(request);
    Function<TxRequest, CompletableFuture<TxResult>> next = script.poll();
    if (next != null) {
      return next.apply(request);
    }
    return CompletableFuture.completedFuture(apply(request));
  }

  @Override
  public synchronized CompletableFuture<Optional<TxStatus>> status(TxId id) {
    TxResult r = results.get(id);
    if (r == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    TxState state = r.outcome() == Outcome.COMMITTED ? TxState.COMMIT : TxState.ABORT;
    return CompletableFuture.completedFuture(
        Optional.of(
            new TxStatus(id, r.outcome(), List.of(new TxStatus.ParticipantState(PARTICIPANT, state)))));
  }

  @Override
  public Map<String, Object> cluster() {
    clusterCalledOnEventLoop = Context.isOnEventLoopThread();
    return Map.of(
        "nodes",
        List.of(Map.of("id", "p1", "role", "participant", "health", "UP")),
        "coordinator",
        "c1");
  }

  @Override
  public Limits limits() {
    return limits;
  }

  // ---- scripting -------------------------------------------------------------------------

  /** The next commit is answered by {@code answer} instead of being applied. */
  public synchronized FakeTransactionService thenAnswer(
      Function<TxRequest, CompletableFuture<TxResult>> answer) {
    script.add(answer);
    return this;
  }

  /** The next commit aborts with {@code reason} (and nothing is applied). */
  public FakeTransactionService thenAbort(Reason reason) {
    return thenAnswer(
        r -> {
          TxResult result = TxResult.aborted(idOf(r), reason);
          record(result);
          return CompletableFuture.completedFuture(result);
        });
  }

  /** The next commit answers UNKNOWN (and nothing is applied). */
  public FakeTransactionService thenUnknown() {
    return thenAnswer(
        r -> CompletableFuture.completedFuture(new TxResult(idOf(r), Outcome.UNKNOWN, null)));
  }

  /** The next commit is applied, but its answer is lost: the future fails. */
  public FakeTransactionService thenApplyAndFail() {
    return thenAnswer(
        r -> {
          apply(r);
          return CompletableFuture.failedFuture(new IllegalStateException("reply lost"));
        });
  }

  /** The next commit's future fails with {@code error}. */
  public FakeTransactionService thenFail(Throwable error) {
    return thenAnswer(r -> CompletableFuture.failedFuture(error));
  }

  /** The next commit throws {@code error} instead of returning a future. */
  public FakeTransactionService thenThrow(RuntimeException error) {
    return thenAnswer(
        r -> {
          throw error;
        });
  }

  /** The next commit never completes. */
  public FakeTransactionService thenNeverAnswer() {
    return thenAnswer(r -> new CompletableFuture<>());
  }

  // ---- direct access ---------------------------------------------------------------------

  /** Writes {@code key} as if another transaction had committed it (the version goes up). */
  public synchronized void put(String key, String value) {
    data.put(key, new Stored(value, nextVersion(key)));
  }

  /** What is stored at {@code key}. */
  public synchronized Optional<Stored> stored(String key) {
    return Optional.ofNullable(data.get(key));
  }

  /** Every commit request received, in order. */
  public synchronized List<TxRequest> commits() {
    return List.copyOf(commits);
  }

  /** Every key read, in order. */
  public synchronized List<String> reads() {
    return List.copyOf(reads);
  }

  /** Whether the last {@link #cluster()} call ran on an event loop (null if never called). */
  public Boolean clusterCalledOnEventLoop() {
    return clusterCalledOnEventLoop;
  }

  /** Validates and applies a request as the engine would, idempotently by id. */
  public synchronized TxResult apply(TxRequest request) {
    TxId id = idOf(request);
    TxResult earlier = results.get(id);
    if (earlier != null) {
      return earlier;
    }
    for (ReadItem read : request.reads()) {
      Stored s = data.get(read.key());
      long current = s == null ? 0 : s.version();
      if (current != read.version()) {
        return record(TxResult.aborted(id, Reason.CONFLICT));
      }
    }
    for (WriteOp w : request.writes()) {
      Stored s = data.get(w.key());
      String old = s == null || s.value() == null ? "" : s.value();
      String value =
          switch (w.op()) {
            case PUT -> w.value();
            case APPEND -> old + w.value();
            case DELETE -> null;
          };
      data.put(w.key(), new Stored(value, nextVersion(w.key())));
    }
    return record(TxResult.committed(id));
  }

  private long nextVersion(String key) {
    Stored s = data.get(key);
    return s == null ? 1 : s.version() + 1;
  }

  private synchronized TxResult record(TxResult result) {
    results.put(result.id(), result);
    return result;
  }

  private synchronized TxId idOf(TxRequest r) {
    return r.id() != null ? r.id() : TxId.of("fake-" + (++assigned));
  }
}
