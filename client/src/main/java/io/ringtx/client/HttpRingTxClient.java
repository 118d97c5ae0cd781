package io.ringtx.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.WriteOp;
import io.ringtx.protocol.rpc.VertxSetup;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client over the coordinator's HTTP API, on Vert.x's HTTP client. Every call is asynchronous
 * underneath; the public methods block the (user) thread on the future.
 */
final class HttpRingTxClient implements RingTxClient {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRingTxClient.class);

  /** Where the coordinator is: host, port, TLS, and a path prefix ("" or "/something"). */
  record Endpoint(String host, int port, boolean ssl, String prefix) {}

  /** What the client learned about a commit. {@code reason} may be null for ABORTED. */
  private record Learned(Outcome outcome, Reason reason) {}

  // Answers may gain fields over time: be lenient when reading them.
  private static final ObjectMapper LENIENT =
      Json.MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Endpoint endpoint;
  private final ClientOptions options;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HttpClientAgent http;
  /** Where {@link #runAsync} runs the functions and sends the requests it is called with. */
  private final Context home;
  private final String clientId;
  private final AtomicLong sequence = new AtomicLong();
  private final Backoff backoff;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The ring for reads straight from the owners; null while unknown (reads via coordinator). */
  private volatile OwnerRouting owners;
  /** The coordinator answered 404 to {@code GET /v1/routing}: it is not asked again. */
  private volatile boolean routingUnsupported;
  /** On {@link #home} only: a routing request in flight, and when the last one was sent. */
  private boolean routingAsking;
  private long routingAskedAt;
  private static final long ROUTING_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  HttpRingTxClient(Endpoint endpoint, ClientOptions options) {
    this.endpoint = endpoint;
    this.options = options;
    this.ownsVertx = options.vertx().isEmpty();
    this.vertx = options.vertx().orElseGet(VertxSetup::vertx);
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(endpoint.host())
                .setDefaultPort(endpoint.port())
                .setSsl(endpoint.ssl())
                .setKeepAlive(true)
                .setTrustOptions(options.trustedCa()
                    .map(ca -> new PemTrustOptions().addCertPath(ca.toString()))
                    .orElse(null)),
            new PoolOptions().setHttp1MaxSize(options.maxConnections()));
    this.home = vertx.getOrCreateContext();
    this.clientId = options.clientId().orElseGet(HttpRingTxClient::randomClientId);
    this.backoff = new Backoff(options.baseBackoff(), options.maxBackoff());
    this.coordinatorLane = new CommitLane(endpoint, Integer.MAX_VALUE);
    this.coordinatorReadLane = new ReadLane(endpoint, true);
  }

  /** 16 hex digits (64 random bits): unique enough across clients for the retention window. */
  private static String randomClientId() {
    UUID u = UUID.randomUUID();
    return HexFormat.of().toHexDigits(u.getMostSignificantBits() ^ u.getLeastSignificantBits());
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public OptionalInt ownerCount(Collection<String> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no keys to find the owners of");
    }
    keys.forEach(HttpRingTxClient::checkKey);
    OwnerRouting table = owners;
    if (table == null) {
      refreshRouting();
      return OptionalInt.empty();
    }
    return OptionalInt.of(table.ownerCount(keys));
  }

  // ---- reads ------------------------------------------------------------------------------

  @Override
  public Optional<KeyValue> get(String key) {
    checkCallable();
    checkKey(key);
    TxAttempt.Read r = await(readAll(List.of(key)), "read").get(key);
    return r.value() == null
        ? Optional.empty()
        : Optional.of(new KeyValue(key, r.value(), r.version()));
  }

  private Future<TxAttempt.Read> readKey(String key) {
    String path = "/v1/kv/" + encodeKey(key);
    return send(HttpMethod.GET, path, null, "GET /v1/kv/{key}").map(response -> {
      JsonNode body = parseOrNull(response);
      if (response.statusCode() == 200 && body != null && body.path("value").isTextual()) {
        return new TxAttempt.Read(body.get("value").asText(), body.path("version").asLong());
      }
      if (response.statusCode() == 404
          && body != null
          && "key_not_found".equals(body.path("error").asText())) {
        // The version of an absent key is 0 unless the coordinator says otherwise.
        return new TxAttempt.Read(null, body.path("version").asLong(0));
      }
      throw unexpected("GET /v1/kv/{key} for key '" + abbreviate(key) + "'", response, body);
    });
  }

  /**
   * Reads several keys in one {@code POST /v1/read}; the coordinator reads each at its owner, in
   * parallel.
   */
  private Future<Map<String, TxAttempt.Read>> readKeys(List<String> keys) {
    byte[] body = keysBody(keys);
    return send(HttpMethod.POST, "/v1/read", body, "POST /v1/read")
        .map(response -> items(response, "POST /v1/read of " + keys.size() + " keys"));
  }

  private static byte[] keysBody(List<String> keys) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("keys");
      for (String k : keys) {
        g.writeString(k);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** The reads of a 200 {@code {"items":[{"key","value"?,"version"}]}}; throws otherwise. */
  private static Map<String, TxAttempt.Read> items(Answer response, String what) {
    JsonNode answer = parseOrNull(response);
    if (response.statusCode() == 200 && answer != null && answer.path("items").isArray()) {
      Map<String, TxAttempt.Read> out = new LinkedHashMap<>();
      for (JsonNode item : answer.get("items")) {
        JsonNode value = item.path("value");
        out.put(item.path("key").asText(), new TxAttempt.Read(
            value.isTextual() ? value.asText() : null, item.path("version").asLong(0)));
      }
      return out;
    }
    throw unexpected(what, response, answer);
  }

  /**
   * Reads {@code keys} straight from the participants that own them, one {@code POST /v1/read}
   * each, all at once, when the ring is known ({@link ClientOptions#directReads}); through the
   * coordinator otherwise, and when an owner refuses a key or fails: the ring is then asked for
   * again, and meanwhile reads go through the coordinator. Either way the read may travel with
   * other transactions' reads to the same node ({@link #readVia}).
   *
   * <p>Reading from the owner saves a hop, which is what a lone transaction waits for. A busy
   * client once read through the coordinator instead, because one HTTP exchange per owner and
   * transaction cost more CPU than the coordinator's shared messages; with reads gathered per
   * owner, reading from the owners is the cheaper way at every load (bank at 64 clients: 7.2-7.9k
   * transfers/s through the coordinator, 8.0-8.3k/s from the owners; README, Performance).
   */
  private Future<Map<String, TxAttempt.Read>> readAll(List<String> keys) {
    if (!options.directReads()) {
      return readThroughCoordinator(keys);
    }
    OwnerRouting table = owners;
    Map<Endpoint, List<String>> groups = table == null ? null : table.group(keys);
    if (groups == null) {
      refreshRouting();
      return readThroughCoordinator(keys);
    }
    List<Future<Map<String, TxAttempt.Read>>> parts = new ArrayList<>(groups.size());
    groups.forEach((at, some) -> parts.add(readVia(
        participantReadLanes.computeIfAbsent(at, e -> new ReadLane(e, false)), some)));
    return Future.all(parts).map(all -> {
      Map<String, TxAttempt.Read> out = new LinkedHashMap<>();
      for (Future<Map<String, TxAttempt.Read>> part : parts) {
        out.putAll(part.result());
      }
      return out;
    }).recover(e -> {
      LOG.debug("reading {} keys from their owners failed ({}); reading through the coordinator",
          keys.size(), e.getMessage());
      forgetRouting(table);
      return readThroughCoordinator(keys);
    });
  }

  /**
   * Asks the coordinator for the ring ({@code GET /v1/routing}) unless direct reads are off, it
   * has none, or it was asked less than {@link #ROUTING_RETRY_NANOS} ago. Runs on {@link #home}.
   */
  private void refreshRouting() {
    if ((!options.directReads() && !options.directCommits()) || routingUnsupported
        || closed.get()) {
      return;
    }
    if (!onHomeLoop()) {
      home.runOnContext(v -> refreshRouting());
      return;
    }
    long now = System.nanoTime();
    if (routingAsking || (routingAskedAt != 0 && now - routingAskedAt < ROUTING_RETRY_NANOS)) {
      return;
    }
    routingAsking = true;
    routingAskedAt = now;
    sendOnce(endpoint, HttpMethod.GET, "/v1/routing", null, "GET /v1/routing").onComplete(ar -> {
      routingAsking = false;
      if (ar.failed()) {
        LOG.debug("GET /v1/routing failed: {}", ar.cause().getMessage());
        return;
      }
      Answer answer = ar.result();
      if (answer.statusCode() == 404) {
        routingUnsupported = true;
        LOG.debug("the coordinator publishes no routing: every read goes through it");
        return;
      }
      try {
        if (answer.statusCode() != 200) {
          throw new IllegalArgumentException("answered " + answer.statusCode());
        }
        owners = OwnerRouting.parse(parseOrNull(answer));
      } catch (IllegalArgumentException e) {
        LOG.warn("GET /v1/routing: {}; reads go through the coordinator", e.getMessage());
      }
    });
  }

  /** Keys read through the coordinator, one at a time or together. */
  private Future<Map<String, TxAttempt.Read>> readThroughCoordinator(List<String> keys) {
    return readVia(coordinatorReadLane, keys);
  }

  // ---- read gathering ---------------------------------------------------------------------

  /** A read waiting for the end of the home loop's turn. */
  private record QueuedRead(List<String> keys, Promise<Map<String, TxAttempt.Read>> answer) {}

  /**
   * One node's requests of one kind (reads or first sends of commits), gathered per turn of the
   * home loop. Used on the home loop only.
   */
  private abstract static class Lane<Q> {
    final Endpoint target;
    /** Requests gathered in this turn of the home loop. */
    List<Q> queued = new ArrayList<>();
    /** Requests under way (alone or gathered). */
    int underWay;
    /** Whether a task to send the queued requests is already on the home loop. */
    boolean sendScheduled;

    Lane(Endpoint target) {
      this.target = target;
    }
  }

  /**
   * Runs {@code send} once the home loop has handled what its wake-up brought, unless a task to
   * send {@code lane}'s queued requests is already there or none is queued.
   */
  private void scheduleSend(Lane<?> lane, Runnable send) {
    if (lane.sendScheduled || lane.queued.isEmpty()) {
      return;
    }
    lane.sendScheduled = true;
    home.runOnContext(v -> {
      lane.sendScheduled = false;
      send.run();
    });
  }

  /** Where reads go, each gathered on its own: the coordinator, or one participant. */
  private static final class ReadLane extends Lane<QueuedRead> {
    /** The coordinator: one key alone goes as {@code GET /v1/kv/{key}}, refusals are waited out. */
    final boolean coordinator;

    ReadLane(Endpoint target, boolean coordinator) {
      super(target);
      this.coordinator = coordinator;
    }
  }

  private final ReadLane coordinatorReadLane;
  private final Map<Endpoint, ReadLane> participantReadLanes = new ConcurrentHashMap<>();

  /**
   * Reads {@code keys} at {@code lane}'s node: at once if gathering is off or no read is under
   * way there (a lone client waits for nothing), else queued until the home loop has handled
   * what its wake-up brought, and sent with every other read queued there by then ({@link
   * #sendQueuedReads}). Completes with a read of each key.
   */
  private Future<Map<String, TxAttempt.Read>> readVia(ReadLane lane, List<String> keys) {
    if (options.maxReadBatch() == 1) {
      return readAt(lane, keys);
    }
    return onHome(() -> {
      if (lane.underWay == 0 && lane.queued.isEmpty()) {
        return readAlone(lane, keys);
      }
      QueuedRead read = new QueuedRead(keys, Promise.promise());
      lane.queued.add(read);
      scheduleSend(lane, () -> sendQueuedReads(lane));
      return read.answer().future();
    });
  }

  /** One request for {@code keys}, counted as under way at {@code lane} until answered. */
  private Future<Map<String, TxAttempt.Read>> readAlone(ReadLane lane, List<String> keys) {
    lane.underWay++;
    return readAt(lane, keys).andThen(ar -> lane.underWay--);
  }

  /** One request for {@code keys} at {@code lane}'s node. */
  private Future<Map<String, TxAttempt.Read>> readAt(ReadLane lane, List<String> keys) {
    if (!lane.coordinator) {
      Endpoint at = lane.target;
      return sendOnce(at, HttpMethod.POST, "/v1/read", keysBody(keys), "POST /v1/read")
          .map(response -> items(response, "POST /v1/read of " + keys.size() + " keys at "
              + at.host() + ":" + at.port()));
    }
    if (keys.size() == 1) {
      String key = keys.get(0);
      return readKey(key).map(r -> Map.of(key, r));
    }
    return readKeys(keys);
  }

  /**
   * Sends the reads queued so far: in order, as many together as {@link
   * ClientOptions#maxReadBatch} and {@link ClientOptions#READ_BATCH_MAX_KEYS} allow.
   */
  private void sendQueuedReads(ReadLane lane) {
    List<QueuedRead> all = lane.queued;
    lane.queued = new ArrayList<>();
    List<QueuedRead> batch = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    for (QueuedRead read : all) {
      if (!batch.isEmpty() && (batch.size() == options.maxReadBatch()
          || keys.size() + read.keys().size() > ClientOptions.READ_BATCH_MAX_KEYS)) {
        sendReads(lane, batch, keys);
        batch = new ArrayList<>();
        keys = new LinkedHashSet<>();
      }
      batch.add(read);
      keys.addAll(read.keys());
    }
    if (!batch.isEmpty()) {
      sendReads(lane, batch, keys);
    }
  }

  /**
   * Reads {@code keys}, the union of {@code batch}'s, in one request and hands each read its
   * keys. A request refused as invalid (400 or 413: too many keys for this node, or one bad key)
   * is sent again as one request per read, so that each read gets its own answer; any other
   * failure (a 409 {@code not_owner} from a participant, say) is every read's.
   */
  private void sendReads(ReadLane lane, List<QueuedRead> batch, Set<String> keys) {
    if (batch.size() == 1) {
      QueuedRead read = batch.get(0);
      readAlone(lane, read.keys()).onComplete(read.answer());
      return;
    }
    readAlone(lane, List.copyOf(keys)).onComplete(ar -> {
      if (ar.succeeded()) {
        batch.forEach(read -> handOut(read, ar.result()));
      } else if (ar.cause() instanceof RequestRejectedException r
          && (r.status() == 400 || r.status() == 413)) {
        batch.forEach(read -> readAlone(lane, read.keys()).onComplete(read.answer()));
      } else {
        batch.forEach(read -> read.answer().fail(ar.cause()));
      }
    });
  }

  /** Completes {@code read} with its keys' reads out of {@code all}; fails it if one is missing. */
  private static void handOut(QueuedRead read, Map<String, TxAttempt.Read> all) {
    Map<String, TxAttempt.Read> mine = new LinkedHashMap<>();
    for (String key : read.keys()) {
      TxAttempt.Read r = all.get(key);
      if (r == null) {
        read.answer().fail(new RingTxException(
            "a read of " + all.size() + " keys answered without key '" + abbreviate(key) + "'"));
        return;
      }
      mine.put(key, r);
    }
    read.answer().complete(mine);
  }

  // ---- transactions -----------------------------------------------------------------------

  @Override
  public <T> T run(TxFunction<T> fn) {
    Objects.requireNonNull(fn, "fn");
    checkCallable();
    for (int attempt = 1; ; attempt++) {
      String id = nextId();
      TxAttempt tx = new TxAttempt(id, new TxAttempt.Reader() {
        @Override
        public TxAttempt.Read read(String key) {
          return await(HttpRingTxClient.this.readAll(List.of(key)), "read").get(key);
        }

        @Override
        public Map<String, TxAttempt.Read> readAll(List<String> keys) {
          return await(HttpRingTxClient.this.readAll(keys), "read");
        }
      });
      T result;
      try {
        result = fn.apply(tx);
      } finally {
        // An exception from fn ends the attempt here: nothing was sent, nothing is sent.
        tx.close();
      }
      Learned learned = awaitCommit(id, commit(id, tx));
      if (learned.outcome() == Outcome.COMMITTED) {
        return result;
      }
      RuntimeException end = endOfAttempts(id, learned, attempt);
      if (end != null) {
        throw end;
      }
      await(pause(backoff.delayMillis(attempt, ThreadLocalRandom.current())),
          "backoff of tx=" + id);
    }
  }

  @Override
  public <T> CompletableFuture<T> runAsync(TxFunction<T> fn) {
    Objects.requireNonNull(fn, "fn");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    if (onHomeLoop()) {
      attemptAsync(fn, 1, result);
    } else {
      home.runOnContext(v -> attemptAsync(fn, 1, result));
    }
    return result;
  }

  /** One attempt of {@link #runAsync}: runs {@code fn} until it reads nothing new, commits. */
  private <T> void attemptAsync(TxFunction<T> fn, int attempt, CompletableFuture<T> result) {
    replay(fn, nextId(), new LinkedHashMap<>(), attempt, result);
  }

  /**
   * Runs {@code fn} against the reads known so far. A read of anything else ends the run (by a
   * {@link Replay.Unread} thrown out of the read, or — if {@code fn} swallowed that — by the
   * keys it left behind): those keys are read without blocking, and {@code fn} runs again from
   * the start with them known. The run that reads nothing new is the attempt's: its reads and
   * writes are committed.
   */
  private <T> void replay(TxFunction<T> fn, String id, Map<String, TxAttempt.Read> known,
      int attempt, CompletableFuture<T> result) {
    Replay reader = new Replay(known);
    TxAttempt tx = new TxAttempt(id, reader);
    T value = null;
    Throwable thrown = null;
    try {
      value = fn.apply(tx);
    } catch (Throwable t) {
      thrown = t;
    } finally {
      tx.close();
    }
    if (!reader.unread.isEmpty()) {
      readAll(List.copyOf(reader.unread)).onComplete(ar -> {
        if (ar.failed()) {
          result.completeExceptionally(ar.cause());
          return;
        }
        known.putAll(ar.result());
        replay(fn, id, known, attempt, result);
      });
      return;
    }
    if (thrown != null) {
      result.completeExceptionally(thrown);
      return;
    }
    T committedValue = value;
    commit(id, tx).onComplete(ar -> {
      if (ar.failed()) {
        result.completeExceptionally(ar.cause());
        return;
      }
      Learned learned = ar.result();
      if (learned.outcome() == Outcome.COMMITTED) {
        result.complete(committedValue);
        return;
      }
      RuntimeException end = endOfAttempts(id, learned, attempt);
      if (end != null) {
        result.completeExceptionally(end);
        return;
      }
      pause(backoff.delayMillis(attempt, ThreadLocalRandom.current()))
          .onComplete(v -> attemptAsync(fn, attempt + 1, result));
    });
  }

  /** Reads of a {@link #runAsync} run: known ones answered, the others noted and unwound. */
  private static final class Replay implements TxAttempt.Reader {
    /** Unwinds {@code fn} at a read that is not known yet; it carries no stack. */
    static final class Unread extends RuntimeException {
      Unread() {
        super("a read not known yet: this run of the transaction is replayed", null, false,
            false);
      }
    }

    private static final Unread UNREAD = new Unread();
    final Map<String, TxAttempt.Read> known;
    final List<String> unread = new ArrayList<>();

    Replay(Map<String, TxAttempt.Read> known) {
      this.known = known;
    }

    @Override
    public TxAttempt.Read read(String key) {
      return readAll(List.of(key)).get(key);
    }

    @Override
    public Map<String, TxAttempt.Read> readAll(List<String> keys) {
      Map<String, TxAttempt.Read> out = new LinkedHashMap<>();
      for (String k : keys) {
        TxAttempt.Read r = known.get(k);
        if (r == null) {
          if (!unread.contains(k)) {
            unread.add(k);
          }
        } else {
          out.put(k, r);
        }
      }
      if (out.size() < keys.size()) {
        throw UNREAD;
      }
      return out;
    }
  }

  private String nextId() {
    return clientId + "-" + sequence.incrementAndGet();
  }

  /**
   * What ends a transaction after an aborted attempt: null if it should run again, else the
   * exception to give the caller.
   */
  private RuntimeException endOfAttempts(String id, Learned learned, int attempt) {
    if (!retriable(learned.reason())) {
      return new TxAbortedException(
          id,
          learned.reason(),
          "transaction " + id + " aborted"
              + (learned.reason() == null ? "" : ": " + learned.reason()));
    }
    if (attempt >= options.maxAttempts()) {
      return new TxAbortedException(
          id,
          learned.reason(),
          "transaction aborted " + attempt + " times in a row, last by " + learned.reason()
              + "; last id " + id);
    }
    LOG.debug("tx={} aborted ({}), attempt {} of {}", id, learned.reason(), attempt,
        options.maxAttempts());
    return null;
  }

  /**
   * Whether an abort for {@code reason} is worth a new attempt: a conflict, or a passing failure
   * of the cluster (a vote that came late, a participant that was unreachable, an owner that
   * changed, a coordinator that restarted). Nothing of an aborted attempt was applied, so running
   * the function again is safe. An invalid request, an id used before for another transaction
   * (which only a caller's own ids can be), or an abort whose reason is not known, is not retried.
   */
  static boolean retriable(Reason reason) {
    return reason != null && reason != Reason.INVALID && reason != Reason.ID_REUSED;
  }

  /**
   * Sends the commit of {@code tx}, re-sending the same id while the outcome is unknown (commits
   * are idempotent by id, DESIGN §2), then asks for the outcome. Ends with COMMITTED or ABORTED;
   * anything else fails the future. A transaction that one participant owns entirely goes first
   * to that participant ({@link ClientOptions#directCommits}); every re-send goes to the
   * coordinator, which routes it to the same owner, where the id finds its outcome.
   */
  private Future<Learned> commit(String id, TxAttempt tx) {
    byte[] body = commitBody(id, tx);
    OwnerRouting table = owners;
    CommitLane direct = directLane(table, tx);
    if (direct == null) {
      return commitSend(id, body, 1, null);
    }
    return firstCommitSend(direct, body).transform(ar -> {
      if (ar.succeeded() && (ar.result().statusCode() == 404 || ar.result().statusCode() == 405)) {
        // A participant without commits did nothing: this and every later commit go to the
        // coordinator.
        LOG.debug("participant {} does not take commits ({}); commits go to the coordinator",
            direct.target, ar.result().statusCode());
        directCommitsUnsupported = true;
        return commitSend(id, body, 1, null);
      }
      Object seen = ar.succeeded()
          ? interpret(id, ar.result())
          : asRingTx(ar.cause());
      if (seen instanceof Learned learned && learned.reason() == Reason.NOT_OWNER) {
        forgetRouting(table); // the ring moved: the retry routes by the new one
      }
      Future<Learned> settled = settled(seen);
      if (settled != null) {
        return settled;
      }
      RingTxException last = (RingTxException) seen;
      LOG.debug("tx={} commit at its owner {} got no outcome ({}); asking the coordinator", id,
          direct.target, last.getMessage());
      forgetRouting(table);
      return commitSend(id, body, 2, last);
    });
  }

  /**
   * The participant to send {@code tx}'s commit to: the one that owns every key it read or
   * wrote, when it wrote something, direct commits are on and the ring is known; else null (the
   * coordinator). Asks for the ring if it is not known.
   */
  private CommitLane directLane(OwnerRouting table, TxAttempt tx) {
    if (!options.directCommits() || directCommitsUnsupported || tx.writeSet().isEmpty()) {
      return null;
    }
    if (table == null) {
      refreshRouting();
      return null;
    }
    Endpoint owner = table.soleOwner(tx.readSet(), tx.writeSet());
    return owner == null
        ? null
        : participantLanes.computeIfAbsent(owner, e -> new CommitLane(e, PARTICIPANT_LANE_REQUESTS));
  }

  /** Drops {@code table} if it is still the one in use, and asks for the ring again. */
  private void forgetRouting(OwnerRouting table) {
    if (table != null && owners == table) {
      owners = null;
    }
    refreshRouting();
  }

  /**
   * What an answer to {@code POST /v1/txn} says: the {@link Learned} outcome, a {@link
   * RequestRejectedException} (refused as invalid, nothing written), or a {@link
   * RingTxException} saying why it told no outcome.
   */
  private static Object interpret(String id, Answer response) {
    JsonNode answer = parseOrNull(response);
    int status = response.statusCode();
    if (status == 200 && answer != null) {
      Learned learned = learned(answer);
      if (learned != null && learned.outcome() != Outcome.UNKNOWN) {
        return learned;
      }
      return new RingTxException("commit of transaction " + id + " answered UNKNOWN");
    }
    if (status >= 400 && status < 500) {
      // Refused as invalid before it reached the engine: nothing was written.
      return rejected("POST /v1/txn", response, answer);
    }
    return unexpected("POST /v1/txn", response, answer);
  }

  /**
   * How the commit ends for what {@link #interpret} saw: with the outcome, or failed by the
   * refusal; null if the answer told no outcome.
   */
  private static Future<Learned> settled(Object seen) {
    if (seen instanceof Learned learned) {
      return Future.succeededFuture(learned);
    }
    if (seen instanceof RequestRejectedException rejected) {
      return Future.failedFuture(rejected);
    }
    return null;
  }

  private Future<Learned> commitSend(String id, byte[] body, int send, RingTxException before) {
    if (send > options.commitSends()) {
      return outcomeOf(id).transform(ar -> {
        if (ar.succeeded()
            && (ar.result() == Outcome.COMMITTED || ar.result() == Outcome.ABORTED)) {
          return Future.succeededFuture(new Learned(ar.result(), null));
        }
        RingTxException last = before;
        if (ar.failed()) {
          RingTxException e = asRingTx(ar.cause());
          e.addSuppressed(last);
          last = e;
        }
        return Future.failedFuture(new TxOutcomeUnknownException(
            id,
            "the outcome of transaction " + id + " is unknown after " + options.commitSends()
                + " sends; ask outcome(\"" + id + "\") later",
            last));
      });
    }
    Future<Answer> sent = send == 1
        ? firstCommitSend(coordinatorLane, body)
        : send(HttpMethod.POST, "/v1/txn", body, "POST /v1/txn");
    return sent.transform(ar -> {
      RingTxException last;
      if (ar.succeeded()) {
        Object seen = interpret(id, ar.result());
        Future<Learned> settled = settled(seen);
        if (settled != null) {
          return settled;
        }
        last = (RingTxException) seen;
      } else if (ar.cause() instanceof CoordinatorOverloadedException e && send == 1) {
        // Refused before anything was done, and no earlier send may have been: not applied.
        return Future.failedFuture(e);
      } else {
        // A later refusal: an earlier send may have reached the engine; learn the outcome.
        last = asRingTx(ar.cause());
      }
      LOG.debug("tx={} commit send {} of {} got no outcome: {}", id, send,
          options.commitSends(), last.getMessage());
      RingTxException failed = last;
      if (send >= options.commitSends()) {
        return commitSend(id, body, send + 1, failed);
      }
      return pause(backoff.delayMillis(send, ThreadLocalRandom.current()))
          .compose(v -> commitSend(id, body, send + 1, failed));
    });
  }

  // ---- commit batching --------------------------------------------------------------------

  /** A first send of a commit, waiting for the end of the home loop's turn. */
  private record QueuedCommit(byte[] body, Promise<Answer> answer) {}

  /**
   * Where first sends of commits go, each batched on its own: the coordinator, or one
   * participant (direct commits). Used on the home loop only, but for the flag.
   */
  private static final class CommitLane extends Lane<QueuedCommit> {
    /**
     * Requests under way ({@code POST /v1/txn} or {@code /v1/txns}) from first sends; {@link
     * #underWay} counts the commits in them.
     */
    int requests;
    /** While this many requests are under way, queued commits wait for the first answer. */
    final int maxRequests;
    /** Set when the target does not serve {@code POST /v1/txns}: every commit goes alone. */
    volatile boolean batchesUnsupported;

    CommitLane(Endpoint target, int maxRequests) {
      super(target);
      this.maxRequests = maxRequests;
    }
  }

  /**
   * Requests of first sends under way at once to one participant. A participant answers a batch
   * after one forced write of its own, so commits that come meanwhile lose little by waiting for
   * that answer, and then go as one batch: fewer, larger requests and forced writes. Measured
   * with {@code bench run --processes --workload single --concurrency 64} (3 participants, 30 s
   * runs): 31,197-33,612 commits/s without a limit, 36,592-42,897/s with this one, and a quarter
   * less client CPU. A coordinator's answers may wait for other nodes (a slow two-phase commit),
   * so its lane has no limit: one slow batch there must not hold up unrelated commits.
   */
  private static final int PARTICIPANT_LANE_REQUESTS = 1;

  private final CommitLane coordinatorLane;
  private final Map<Endpoint, CommitLane> participantLanes = new ConcurrentHashMap<>();
  /** Set when a participant does not serve {@code POST /v1/txn}: commits go to the coordinator. */
  private volatile boolean directCommitsUnsupported;

  /**
   * The first send of a commit to {@code lane}: alone ({@code POST /v1/txn}) at once if batching
   * is off or no other commit is under way there (a lone client waits for nothing), else queued
   * until the home loop has handled what its wake-up brought, and sent with every other commit
   * queued for the same target by then ({@link #sendQueuedCommits}). Completes with the answer
   * that {@code POST /v1/txn} would have given for it.
   */
  private Future<Answer> firstCommitSend(CommitLane lane, byte[] body) {
    if (options.maxCommitBatch() == 1 || lane.batchesUnsupported) {
      return send(lane.target, HttpMethod.POST, "/v1/txn", body, "POST /v1/txn", 0);
    }
    return onHome(() -> {
      QueuedCommit commit = new QueuedCommit(body, Promise.promise());
      if (lane.underWay == 0 && lane.queued.isEmpty()) {
        sendAlone(lane, commit);
      } else {
        lane.queued.add(commit);
        scheduleQueuedSend(lane);
      }
      return commit.answer().future();
    });
  }

  /**
   * Sends {@code lane}'s queued commits once the home loop has handled what its wake-up brought,
   * unless the lane has its most requests under way: the commits then wait for the first of
   * those to be answered, gathering meanwhile, and go together then (in batches of at most
   * maxCommitBatch, all at once: the limit decides when a lane sends, not how much).
   */
  private void scheduleQueuedSend(CommitLane lane) {
    if (lane.requests < lane.maxRequests) {
      scheduleSend(lane, () -> sendQueuedCommits(lane));
    }
  }

  /** Sends the commits queued so far: one alone, more in batches of maxCommitBatch. */
  private void sendQueuedCommits(CommitLane lane) {
    List<QueuedCommit> all = lane.queued;
    lane.queued = new ArrayList<>();
    int max = options.maxCommitBatch();
    for (int from = 0; from < all.size(); from += max) {
      List<QueuedCommit> batch = all.subList(from, Math.min(all.size(), from + max));
      if (batch.size() == 1) {
        sendAlone(lane, batch.get(0));
      } else {
        sendBatch(lane, List.copyOf(batch));
      }
    }
  }

  private void sendAlone(CommitLane lane, QueuedCommit q) {
    lane.underWay++;
    lane.requests++;
    send(lane.target, HttpMethod.POST, "/v1/txn", q.body(), "POST /v1/txn", 0).onComplete(ar -> {
      lane.requests--;
      try {
        q.answer().handle(ar);
      } finally {
        lane.underWay--;
        scheduleQueuedSend(lane);
      }
    });
  }

  /**
   * Sends {@code batch} as one {@code POST /v1/txns} and hands each commit its item of the
   * answer. A batch refused whole with a 4xx did nothing: each commit is then sent alone (and
   * after a 404 or 405, which a node without batches answers, every later one too). Any other
   * answer without items (5xx, or a failed request) is each commit's answer, which leaves its
   * outcome to be learned as for a commit sent alone.
   */
  private void sendBatch(CommitLane lane, List<QueuedCommit> batch) {
    lane.underWay += batch.size();
    lane.requests++;
    send(lane.target, HttpMethod.POST, "/v1/txns", batchBody(batch), "POST /v1/txns", 0)
        .onComplete(ar -> {
          lane.requests--;
          // Counted until each commit has its answer: the commits that those answers start then
          // see the batch still under way, and gather into the next one.
          try {
            answerBatch(lane, batch, ar);
          } finally {
            lane.underWay -= batch.size();
            scheduleQueuedSend(lane);
          }
        });
  }

  private void answerBatch(CommitLane lane, List<QueuedCommit> batch, AsyncResult<Answer> ar) {
    if (ar.failed()) {
      batch.forEach(q -> q.answer().fail(ar.cause()));
      return;
    }
    Answer answer = ar.result();
    int status = answer.statusCode();
    if (status == 200) {
      JsonNode results = parseOrNull(answer);
      results = results == null ? null : results.get("results");
      if (results != null && results.isArray() && results.size() == batch.size()) {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).answer().complete(Answer.item(results.get(i)));
        }
        return;
      }
      RingTxException bad = unexpected("POST /v1/txns", answer, parseOrNull(answer));
      batch.forEach(q -> q.answer().fail(bad));
      return;
    }
    if (status >= 400 && status < 500) {
      if (status == 404 || status == 405) {
        lane.batchesUnsupported = true;
      }
      LOG.debug("POST /v1/txns of {} commits answered {}; sending each alone", batch.size(),
          status);
      batch.forEach(q -> sendAlone(lane, q));
      return;
    }
    batch.forEach(q -> q.answer().complete(answer));
  }

  /** {@code {"txns":[<body>,...]}} from the commits' own bodies. */
  private static byte[] batchBody(List<QueuedCommit> batch) {
    byte[] head = "{\"txns\":[".getBytes(StandardCharsets.US_ASCII);
    int length = head.length + batch.size() + 1;
    for (QueuedCommit q : batch) {
      length += q.body().length;
    }
    byte[] out = new byte[length];
    System.arraycopy(head, 0, out, 0, head.length);
    int at = head.length;
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      byte[] b = batch.get(i).body();
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    out[at++] = ']';
    out[at] = '}';
    return out;
  }

  /** Waits for a commit from a blocking call: an interruption leaves the outcome unknown. */
  private Learned awaitCommit(String id, Future<Learned> commit) {
    return await(commit, "POST /v1/txn", e -> new TxOutcomeUnknownException(
        id, "interrupted while committing transaction " + id + "; its outcome is unknown", e));
  }

  private static byte[] commitBody(String id, TxAttempt tx) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("id", id);
      g.writeArrayFieldStart("reads");
      for (ReadItem r : tx.readSet()) {
        g.writeStartObject();
        g.writeStringField("key", r.key());
        g.writeNumberField("version", r.version());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("writes");
      for (WriteOp w : tx.writeSet()) {
        g.writeStartObject();
        g.writeStringField("op", w.op().wireName());
        g.writeStringField("key", w.key());
        if (w.value() != null) {
          g.writeStringField("value", w.value());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static Learned learned(JsonNode answer) {
    Outcome outcome = enumOrNull(Outcome.class, answer.path("outcome").asText(null));
    if (outcome == null) {
      return null;
    }
    return new Learned(outcome, enumOrNull(Reason.class, answer.path("reason").asText(null)));
  }

  @Override
  public Outcome outcome(String txId) {
    checkCallable();
    if (!TxId.isValid(txId)) {
      throw new IllegalArgumentException("not a valid transaction id: '" + txId + "'");
    }
    return await(outcomeOf(txId), "GET /v1/txn");
  }

  private Future<Outcome> outcomeOf(String txId) {
    return send(HttpMethod.GET, "/v1/txn/" + txId, null, "GET /v1/txn").map(response -> {
      JsonNode body = parseOrNull(response);
      if (response.statusCode() == 404
          && body != null
          && "tx_not_found".equals(body.path("error").asText())) {
        return Outcome.UNKNOWN;
      }
      if (response.statusCode() == 200 && body != null) {
        Learned learned = learned(body);
        if (learned != null) {
          return learned.outcome();
        }
      }
      throw unexpected("GET /v1/txn/" + txId, response, body);
    });
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private static final String USER_AGENT = "ringtx-java-client";

  /** A whole answer: status, headers and body (empty, never null, when there is none). */
  record Answer(
      int statusCode, String statusMessage, MultiMap headers, Buffer body, JsonNode json) {
    static Future<Answer> read(HttpClientResponse response) {
      return response.body().map(b -> new Answer(
          response.statusCode(), response.statusMessage(), response.headers(), b, null));
    }

    /** One item of a batch's answer, seen as the answer {@code POST /v1/txn} would have given. */
    static Answer item(JsonNode item) {
      String error = item.path("error").asText(null);
      int status = error == null ? 200 : error.equals("internal") ? 500 : 503;
      return new Answer(status, error == null ? "OK" : error, MultiMap.caseInsensitiveMultiMap(),
          Buffer.buffer(), item);
    }

    String getHeader(String name) {
      return headers.get(name);
    }

    String bodyAsString() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends one request; a 503 {@code overloaded} or {@code shutting_down} (refused before anything
   * was done) is waited out and sent again, up to {@link ClientOptions#overloadWaits()} times,
   * each pause as long as its {@link #overloadPauseMillis pause}.
   */
  private Future<Answer> send(HttpMethod method, String path, byte[] body,
      String what) {
    return send(endpoint, method, path, body, what, 0);
  }

  private Future<Answer> send(Endpoint target, HttpMethod method, String path, byte[] body,
      String what, int refusals) {
    return sendOnce(target, method, path, body, what).compose(response -> {
      String refusal = refusal(response);
      if (refusal == null) {
        return Future.succeededFuture(response);
      }
      if (refusals >= options.overloadWaits()) {
        return Future.failedFuture(new CoordinatorOverloadedException(refusal,
            what + " refused with 503 " + refusal + " " + (refusals + 1)
                + " times in a row; nothing was done"));
      }
      long pause = overloadPauseMillis(response, options.maxOverloadPause().toMillis(),
          ThreadLocalRandom.current());
      LOG.debug("{} refused ({}), waiting {} ms", what, refusal, pause);
      return pause(pause).compose(v -> send(target, method, path, body, what, refusals + 1));
    });
  }

  /** The error code of a 503 that refused a request before anything was done, or null. */
  static String refusal(Answer response) {
    if (response.statusCode() != 503) {
      return null;
    }
    JsonNode body = parseOrNull(response);
    String error = body == null ? "" : body.path("error").asText("");
    return error.equals("overloaded") || error.equals("shutting_down") ? error : null;
  }

  /**
   * How long to wait after a refusal: the body's {@code retryAfterMillis}, else the {@code
   * Retry-After} header (seconds), else 100 ms; at most {@code maxMillis}; then a random time
   * between half of it and all of it, so that clients refused together do not return together.
   */
  static long overloadPauseMillis(
      Answer response, long maxMillis, java.util.random.RandomGenerator random) {
    long asked = 100;
    JsonNode body = parseOrNull(response);
    if (body != null && body.path("retryAfterMillis").canConvertToLong()
        && body.path("retryAfterMillis").asLong() >= 0) {
      asked = body.path("retryAfterMillis").asLong();
    } else {
      String header = response.getHeader("Retry-After");
      try {
        if (header != null) {
          asked = Math.multiplyExact(Long.parseLong(header.trim()), 1000L);
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // an HTTP date or garbage: keep the default
      }
    }
    long pause = Math.max(0, Math.min(asked, maxMillis));
    return pause / 2 + (pause - pause / 2 == 0 ? 0 : random.nextLong(pause - pause / 2 + 1));
  }

  /** The pause after a refusal or an unknown outcome, on a Vert.x timer. */
  private Future<Void> pause(long millis) {
    return millis <= 0 ? Future.succeededFuture()
        : vertx.timer(millis, TimeUnit.MILLISECONDS).mapEmpty();
  }

  /**
   * Sends one request from {@link #home}. The connection pool opens a connection on the event
   * loop of the context that asks for it and keeps it there, so a request made from any other
   * thread (the blocking API's callers, a caller's own Vert.x context) would leave every pooled
   * connection on some other loop, and each later request of {@link #runAsync} would cross
   * threads twice (there and back), a wake-up each way.
   */
  private Future<Answer> sendOnce(Endpoint target, HttpMethod method, String path, byte[] body,
      String what) {
    return onHome(() -> sendFromHome(target, method, path, body, what));
  }

  /** Runs {@code work} on {@link #home}: now if this is its event loop, else there. */
  private <T> Future<T> onHome(Supplier<Future<T>> work) {
    if (onHomeLoop()) {
      return work.get();
    }
    Promise<T> done = Promise.promise();
    home.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  /** Whether this thread is {@link #home}'s event loop (its duplicated contexts included). */
  private boolean onHomeLoop() {
    return ((ContextInternal) home).nettyEventLoop().inEventLoop();
  }

  private Future<Answer> sendFromHome(Endpoint target, HttpMethod method, String path,
      byte[] body, String what) {
    long timeout = options.requestTimeout().toMillis();
    // An idle timeout only: a whole-request timeout would also arm a timer on the wait for a
    // pooled connection, and Vert.x 5.0.10 can race that timer against a connection being handed
    // over (logging "Promise already completed"). The bound below covers a request that waits
    // too long.
    RequestOptions request = new RequestOptions()
        .setMethod(method)
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.ssl())
        .setURI(target.prefix() + path)
        .setIdleTimeout(timeout)
        .putHeader("User-Agent", USER_AGENT);
    options.bearerToken().ifPresent(t -> request.putHeader("Authorization", "Bearer " + t));
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    Future<Answer> future = http.request(request).compose(req ->
        (body == null ? req.send() : req.send(Buffer.buffer(body))).compose(Answer::read));
    // The idle timeout normally fires first; this bound covers the wait for a connection and a
    // lost callback.
    long bound = timeout + 1000;
    return future.timeout(bound, TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(
        e instanceof TimeoutException
            ? new RingTxException(what + " got no answer within " + bound + " ms", e)
            : new RingTxException(what + " failed: " + e, e)));
  }

  /** Blocks the calling (non event loop) thread until {@code future} ends. */
  private <T> T await(Future<T> future, String what) {
    return await(future, what, e -> new RingTxException(what + " interrupted", e));
  }

  /**
   * Blocks until {@code future} ends and returns its value or throws its failure (wrapped in a
   * {@link RingTxException} unless unchecked); an interruption throws what {@code interrupted}
   * makes of it, with the thread's interrupt flag set again.
   */
  private <T> T await(Future<T> future, String what,
      Function<InterruptedException, RuntimeException> interrupted) {
    try {
      return future.toCompletionStage().toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted.apply(e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r
          : new RingTxException(what + " failed: " + cause, cause);
    }
  }

  private static RingTxException asRingTx(Throwable cause) {
    return cause instanceof RingTxException r ? r
        : new RingTxException("request failed: " + cause, cause);
  }

  private void checkCallable() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "RingTxClient blocks until the coordinator answers and must not be called on a Vert.x"
              + " event loop thread; call it from a worker or an application thread");
    }
    if (closed.get()) {
      throw new IllegalStateException("the client is closed");
    }
  }

  private static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  /**
   * Percent-encodes every UTF-8 byte of the key except letters, digits, '-', '_' and '~'. '/' is
   * encoded so that the key is one path segment, '.' so that no key looks like a dot segment to
   * a proxy on the way.
   */
  static String encodeKey(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length + 16);
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  private static JsonNode parseOrNull(Answer response) {
    if (response.json() != null) {
      return response.json();
    }
    Buffer body = response.body();
    if (body.length() == 0) {
      return null;
    }
    try {
      return LENIENT.readTree(body.getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static RequestRejectedException rejected(
      String what, Answer response, JsonNode body) {
    String error = body == null ? "http_" + response.statusCode() : body.path("error").asText("");
    String message = body == null ? response.statusMessage() : body.path("message").asText("");
    return new RequestRejectedException(
        response.statusCode(),
        error,
        what + " refused with " + response.statusCode() + " " + error + ": " + message);
  }

  private static RingTxException unexpected(
      String what, Answer response, JsonNode body) {
    int status = response.statusCode();
    if (status >= 400 && status < 500) {
      return rejected(what, response, body);
    }
    String detail =
        body == null
            ? abbreviate(response.bodyAsString())
            : body.path("error").asText("") + ": " + body.path("message").asText("");
    if (status == 503 && body != null && "in_doubt".equals(body.path("error").asText())) {
      return new KeyInDoubtException(what + " answered " + status + " " + detail);
    }
    return new RingTxException(what + " answered " + status + " " + detail);
  }

  private static <E extends Enum<E>> E enumOrNull(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    http.close();
    if (ownsVertx) {
      if (Context.isOnEventLoopThread()) {
        vertx.close();
      } else {
        await(vertx.close().timeout(10, TimeUnit.SECONDS), "closing the client's Vert.x instance");
      }
    }
  }
}
