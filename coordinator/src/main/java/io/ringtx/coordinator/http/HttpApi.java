package io.ringtx.coordinator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtx.coordinator.api.InDoubtException;
import io.ringtx.coordinator.api.OverloadedException;
import io.ringtx.coordinator.api.TransactionService;
import io.ringtx.coordinator.api.TxStatus;
import io.ringtx.protocol.api.ApiError;
import io.ringtx.protocol.api.ApiErrorCode;
import io.ringtx.protocol.api.InvalidRequests;
import io.ringtx.protocol.api.JsonContentType;
import io.ringtx.protocol.api.TxAnswers;
import io.ringtx.protocol.api.TxBodies;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.api.TxRequestParser;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.codec.ReadItemsJson;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.security.HttpSecurity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON API of a coordinator (DESIGN §2), a thin shell over a {@link TransactionService}.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code GET /v1/kv/{key}}</td><td>200 {@code {"key","value","version"}}, or 404
 *       {@code {"error":"key_not_found","message","key","version"}} when the key has no value</td></tr>
 *   <tr><td>{@code POST /v1/read}</td><td>200 {@code {"items":[{"key","value"?,"version"}]}}
 *       for a body {@code {"keys":[…]}}: each key read at its owner, in parallel</td></tr>
 *   <tr><td>{@code POST /v1/txn}</td><td>200 {@code {"id","outcome","reason"?}}</td></tr>
 *   <tr><td>{@code POST /v1/txns}</td><td>200 {@code {"results":[{"id","outcome","reason"?} or
 *       {"id"?,"error","message"}]}} for a body {@code {"txns":[<txn>,…]}}: independent
 *       commits, answered together in the order sent (see {@link #commitBatch})</td></tr>
 *   <tr><td>{@code GET /v1/txn/{id}}</td><td>200 {@code {"id","outcome","participants":[{"node","state"}]}},
 *       or 404 {@code tx_not_found}</td></tr>
 *   <tr><td>{@code GET /v1/cluster}</td><td>200, the service's cluster map as JSON</td></tr>
 *   <tr><td>{@code GET /v1/routing}</td><td>200 {@code {"bits","virtualNodes":[{"node","id"}],
 *       "participants":{"<node>":"<url>"}}}: who owns which keys and where it serves reads, for
 *       clients that read from the owner; 404 {@code not_found} if the coordinator has none</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>200, Prometheus text format 0.0.4</td></tr>
 *   <tr><td>{@code GET /health}</td><td>200 {@code {"status":"UP"}}</td></tr>
 * </table>
 *
 * <p>With a bearer token in {@link HttpApiOptions#security()}, every request except {@code GET
 * /health} without {@code Authorization: Bearer <token>} answers 401 {@code unauthorized} with a
 * {@code WWW-Authenticate} challenge, before any route looks at it; with TLS files, the server
 * speaks HTTPS only.
 *
 * <p>Every error is JSON: {@code {"error":"<code>","message":"<names the problem>"}}, codes from
 * {@link ApiErrorCode}; a 400 for a transaction body also lists every problem found in {@code
 * "errors":[{"error","message"}…]}. Bad input never reaches the service. Unknown paths answer
 * 404 {@code not_found}, a known path with another method 405 {@code method_not_allowed}, a
 * failed service future 500 {@code internal} (logged), no answer from the service within {@link
 * HttpApiOptions#requestTimeout()} 503 {@code timeout}. For a commit, 500 and 503 {@code
 * timeout} mean the outcome is unknown: re-send the same id or ask {@code GET /v1/txn/{id}}.
 *
 * <p>Overload: at most {@link HttpApiOptions#maxInFlight()} commits and reads are with the
 * service at once. One more is answered at once with 503 {@code overloaded}, a {@code
 * Retry-After} header (whole seconds, at least 1) and {@code "retryAfterMillis"} in the body, and
 * is never queued; so is a read or a commit that a participant refused as overloaded. After
 * {@link #drain} every new commit and read is answered 503 {@code shutting_down} the same way,
 * and {@code GET /health} answers 503 {@code {"status":"DRAINING"}}. Either refusal means
 * nothing was done: the same request may be sent again.
 *
 * <p>Keys in the path: everything after {@code /v1/kv/} in the raw request path, percent-decoded
 * as UTF-8. A '/' in a key may be sent literally or as {@code %2F} (the Java client encodes it);
 * dot segments are not interpreted ({@code /v1/kv/a/../b} reads the key {@code a/../b}, {@code
 * /v1/kv/..} the key {@code ..}); '+' is a plus sign. The query string is ignored. A malformed
 * percent-escape is refused by Vert.x before routing: 400 {@code bad_request}. The id of {@code
 * GET /v1/txn/{id}} is read the same way.
 *
 * <p>Content-Type of {@code POST /v1/txn}: absent, or {@code application/json} with no charset or
 * charset UTF-8; anything else answers 415 {@code unsupported_media_type}. Being strict means a
 * browser form can never post a transaction cross-site, and a body in another encoding is never
 * misread. Bodies above {@link HttpApiOptions#maxBodyBytes()} answer 413 {@code body_too_large}.
 *
 * <p>Threading: every handler runs on the server's event loop and never blocks it; service
 * futures may complete on any thread and are brought back to the event loop; large bodies are
 * parsed and the cluster map is built on a worker thread.
 *
 * <pre>{@code
 * HttpApi api = HttpApi.start(vertx, service, "127.0.0.1", 0)
 *     .toCompletionStage().toCompletableFuture().join();
 * int port = api.port();   // the port actually bound
 * ...
 * api.close();
 * }</pre>
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  static final String KV_PREFIX = "/v1/kv/";
  static final String TXN_PREFIX = "/v1/txn/";
  static final String JSON_TYPE = "application/json; charset=utf-8";

  /** Routing-context key of the route template used as the metrics label. */
  private static final String ROUTE_LABEL = "ringtx.route";

  private static final String UNMATCHED = "unmatched";

  private final Vertx vertx;
  private final TransactionService service;
  private final HttpApiOptions options;
  private final TxRequestParser parser;
  private final HttpMetrics metrics;
  private final HttpServer server;
  /** Commits and reads handed to the service whose future has not completed. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  private HttpApi(Vertx vertx, TransactionService service, HttpApiOptions options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.service = Objects.requireNonNull(service, "service");
    this.options = Objects.requireNonNull(options, "options");
    this.parser = new TxRequestParser(service.limits());
    this.metrics = new HttpMetrics(inFlight::get, options.maxInFlight());
    // A maximum-size key percent-encodes to 3 characters per byte; leave room in the request line.
    int initialLine = Math.max(4096, service.limits().maxKeyBytes() * 3 + 1024);
    HttpServerOptions serverOptions =
        options.security().serverOptions().setMaxInitialLineLength(initialLine);
    this.server = InvalidRequests.createServer(vertx, serverOptions);
  }

  /**
   * Starts the API on {@code host} and {@code port} (0 picks a free port, see {@link #port()}),
   * with the default body limit and request timeout; the future completes once it listens.
   */
  public static Future<HttpApi> start(
      Vertx vertx, TransactionService service, String host, int port) {
    return start(vertx, service, HttpApiOptions.of(host, port));
  }

  /** Starts the API on {@link HttpApiOptions#DEFAULT_HOST} (loopback) and {@code port}. */
  public static Future<HttpApi> start(Vertx vertx, TransactionService service, int port) {
    return start(vertx, service, HttpApiOptions.onPort(port));
  }

  /** Starts the API with the given options; the future completes once the server listens. */
  public static Future<HttpApi> start(
      Vertx vertx, TransactionService service, HttpApiOptions options) {
    HttpApi api = new HttpApi(vertx, service, options);
    return api.server
        .requestHandler(api.router())
        .listen(options.port(), options.host())
        .map(
            s -> {
              LOG.info("HTTP API listening on {}:{}", options.host(), s.actualPort());
              return api;
            });
  }

  /** The port the server is bound to (the actual one when started with port 0). */
  public int port() {
    return server.actualPort();
  }

  /** The address the server is bound to. */
  public String host() {
    return options.host();
  }

  /** Stops listening; requests in flight may still be answered. */
  public Future<Void> close() {
    return server.close();
  }

  /**
   * Graceful stop, first half: from now on every new commit and read is refused with 503 {@code
   * shutting_down}; completes once the requests already with the service have been answered, or
   * after {@code maxWait}, with the number still in flight (0 when all finished).
   */
  public Future<Integer> drain(Duration maxWait) {
    draining = true;
    LOG.info("HTTP API draining: refusing new transactions, {} in flight", inFlight.get());
    Promise<Integer> done = Promise.promise();
    long deadline = System.currentTimeMillis() + maxWait.toMillis();
    checkDrained(done, deadline);
    return done.future();
  }

  private void checkDrained(Promise<Integer> done, long deadline) {
    int left = inFlight.get();
    if (left == 0 || System.currentTimeMillis() >= deadline) {
      done.complete(left);
      return;
    }
    vertx.setTimer(20, t -> checkDrained(done, deadline));
  }

  /** Commits and reads with the service now. */
  public int inFlight() {
    return inFlight.get();
  }

  private Router router() {
    Router r = Router.router(vertx);
    r.route().handler(this::countOnAnswer);
    r.route().handler(this::authenticate);
    r.get("/health").handler(this::health);
    r.get("/metrics").handler(this::metrics);
    r.get("/v1/cluster").handler(this::cluster);
    r.get("/v1/routing").handler(this::routing);
    // Keys and ids come from the raw path. The router matches on the normalised path, where a
    // key ".." would vanish ("/v1/kv/.." becomes "/v1/"), so GETs under these prefixes are caught
    // here first; the routes below still serve "/v1/kv" and decide 405 for other methods.
    r.get()
        .handler(
            ctx -> {
              String raw = ctx.request().path();
              if (raw != null && raw.startsWith(KV_PREFIX)) {
                read(ctx);
              } else if (raw != null && raw.startsWith(TXN_PREFIX)) {
                status(ctx);
              } else {
                ctx.next();
              }
            });
    r.get("/v1/kv/*").handler(this::read);
    // Two routes: Vert.x Web wants the body handler first on its route, and the Content-Type
    // is checked before any of the body is read.
    r.post("/v1/txn").handler(ctx -> checkContentType(ctx, "/v1/txn"));
    r.post("/v1/txn")
        .handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()))
        .handler(this::commit);
    r.post("/v1/txns").handler(ctx -> checkContentType(ctx, "/v1/txns"));
    r.post("/v1/txns")
        .handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()))
        .handler(this::commitBatch);
    r.post("/v1/read").handler(ctx -> checkContentType(ctx, "/v1/read"));
    r.post("/v1/read")
        .handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()))
        .handler(this::readAll);
    r.get("/v1/txn/:id").handler(this::status);
    r.get("/v1/recovery/txs").handler(this::recoveryTxs);
    r.get("/v1/recovery/audit").handler(this::recoveryAudit);
    r.get("/v1/recovery/tx/:id").handler(this::recoveryTx);
    r.post("/v1/recovery/owners").handler(ctx -> checkContentType(ctx, "/v1/recovery/owners"));
    r.post("/v1/recovery/owners")
        .handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()))
        .handler(this::recoveryOwners);

    r.errorHandler(
        404,
        ctx ->
            error(
                ctx,
                ApiErrorCode.NOT_FOUND,
                "no route for " + ctx.request().method() + " " + shortPath(ctx)));
    r.errorHandler(
        405,
        ctx ->
            error(
                ctx,
                ApiErrorCode.METHOD_NOT_ALLOWED,
                ctx.request().method() + " is not allowed on " + shortPath(ctx)));
    r.errorHandler(
        413,
        ctx ->
            error(
                ctx,
                ApiErrorCode.BODY_TOO_LARGE,
                "request body is larger than the limit of " + options.maxBodyBytes() + " bytes"));
    r.errorHandler(
        400,
        ctx ->
            error(
                ctx,
                ApiErrorCode.BAD_REQUEST,
                "bad request: "
                    + describe(ctx.failure(), "malformed path, query or headers")));
    r.errorHandler(500, this::unexpectedFailure);
    return r;
  }

  // ---- routes ---------------------------------------------------------------------------

  private void health(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/health");
    if (draining) {
      sendJson(ctx, 503, Json.MAPPER.createObjectNode().put("status", "DRAINING"));
    } else {
      sendJson(ctx, 200, Json.MAPPER.createObjectNode().put("status", "UP"));
    }
  }

  private void metrics(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/metrics");
    call(
        ctx,
        "metrics",
        service::metrics,
        (String more) ->
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, HttpMetrics.CONTENT_TYPE)
                .end(metrics.render() + more));
  }

  /**
   * Takes a slot for one commit or read, or answers 503 at once and returns false: when draining,
   * or when {@link HttpApiOptions#maxInFlight()} requests are already with the service. The slot
   * is given back when the service's future completes (see {@link #admitted}).
   */
  private boolean admit(RoutingContext ctx) {
    return admit(ctx, 1);
  }

  /**
   * Admits {@code n} commits or reads at once, taking {@code n} slots, if fewer than {@code
   * maxInFlight} are in flight (so a batch larger than the bound can still pass when the
   * coordinator is idle); otherwise refuses them all.
   */
  private boolean admit(RoutingContext ctx, int n) {
    if (draining) {
      refuse(ctx, ApiErrorCode.SHUTTING_DOWN,
          "this coordinator is shutting down and takes no new transactions; nothing was done");
      return false;
    }
    if (inFlight.getAndAdd(n) >= options.maxInFlight()) {
      inFlight.addAndGet(-n);
      refuse(ctx, ApiErrorCode.OVERLOADED,
          "this coordinator has its limit of " + options.maxInFlight()
              + " transactions and reads in flight; nothing was done, retry after "
              + options.retryAfter().toMillis() + " ms");
      return false;
    }
    return true;
  }

  /** The service call of an admitted request, which gives its slot back once it completes. */
  private <T> Supplier<CompletableFuture<T>> admitted(Supplier<CompletableFuture<T>> call) {
    return () -> {
      CompletableFuture<T> f;
      try {
        f = call.get();
      } catch (RuntimeException e) {
        inFlight.decrementAndGet();
        throw e;
      }
      if (f == null) {
        inFlight.decrementAndGet();
        return null;
      }
      f.whenComplete((v, err) -> inFlight.decrementAndGet());
      return f;
    };
  }

  /** 503 with {@code Retry-After}: the request was refused before anything was done. */
  private void refuse(RoutingContext ctx, ApiErrorCode code, String message) {
    metrics.refused(code.wire());
    long millis = options.retryAfter().toMillis();
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER,
        Long.toString(Math.max(1, (millis + 999) / 1000)));
    sendJson(ctx, code.status(), errorBody(code, message).put("retryAfterMillis", millis));
  }

  private void cluster(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/cluster");
    // cluster() is a plain method: it may take locks or walk the ring, so not on the event loop.
    call(
        ctx,
        "cluster",
        () ->
            vertx
                .executeBlocking(() -> Json.MAPPER.writeValueAsBytes(service.cluster()), false)
                .toCompletionStage()
                .toCompletableFuture(),
        bytes -> sendBytes(ctx, 200, bytes));
  }

  /** {@code GET /v1/routing}: {@link TransactionService#routing}, or 404 if it has none. */
  private void routing(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/routing");
    // Discovery's view may block: not on the event loop.
    call(
        ctx,
        "routing",
        () -> vertx.executeBlocking(service::routing, false).toCompletionStage()
            .toCompletableFuture(),
        (Optional<Map<String, Object>> routing) -> {
          if (routing.isPresent()) {
            sendJson(ctx, 200, Json.MAPPER.valueToTree(routing.get()));
          } else {
            error(ctx, ApiErrorCode.NOT_FOUND, "this coordinator publishes no routing");
          }
        });
  }

  private void read(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/kv/{key}");
    PathKeys.Decoded decoded = PathKeys.decode(pathAfter(ctx, KV_PREFIX));
    if (decoded.error() != null) {
      error(ctx, decoded.error().code(), decoded.error().message());
      return;
    }
    String key = decoded.key();
    Optional<ApiError> problem = parser.checkKey(key, "key");
    if (problem.isPresent()) {
      error(ctx, problem.get().code(), problem.get().message());
      return;
    }
    if (!admit(ctx)) {
      return;
    }
    call(
        ctx,
        "read of " + TxRequestParser.quote(key),
        admitted(() -> service.read(key)),
        (ReadReply reply) -> {
          if (reply.value() == null) {
            ObjectNode body =
                errorBody(
                    ApiErrorCode.KEY_NOT_FOUND,
                    "key " + TxRequestParser.quote(key) + " has no value");
            // The version of an absent key is what a transaction must validate (0 unless the
            // store keeps versions of deleted keys), so it is part of the answer.
            body.put("key", key).put("version", reply.version());
            sendJson(ctx, ApiErrorCode.KEY_NOT_FOUND.status(), body);
          } else {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("key", key).put("value", reply.value()).put("version", reply.version());
            sendJson(ctx, 200, body);
          }
        });
  }

  /**
   * {@code POST /v1/read}: several keys read at once, each at its owning shard, in parallel.
   * Answers {@code {"items":[{"key","value"?,"version"}]}} in the order the keys were named (a
   * key named twice once); an absent key has no {@code value} and its version (0 unless it was
   * deleted), which is what a transaction validates.
   */
  private void readAll(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    TxRequestParser.KeysResult parsed =
        parser.parseKeys(buffer == null ? new byte[0] : buffer.getBytes());
    if (parsed instanceof TxRequestParser.Rejected rejected) {
      sendBytes(ctx, 400, TxAnswers.refusal(rejected.errors()));
      return;
    }
    List<String> keys = ((TxRequestParser.Keys) parsed).keys();
    if (!admit(ctx)) {
      return;
    }
    call(
        ctx,
        "read of " + keys.size() + " keys",
        admitted(() -> service.readAll(keys)),
        (List<ReadReply> replies) -> sendBytes(ctx, 200, ReadItemsJson.write(replies)));
  }

  private void checkContentType(RoutingContext ctx, String route) {
    ctx.put(ROUTE_LABEL, route);
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || JsonContentType.isJsonUtf8(type)) {
      ctx.next();
    } else {
      error(
          ctx,
          ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type must be application/json (UTF-8), not '" + abbreviate(type) + "'");
    }
  }

  private void commit(RoutingContext ctx) {
    parseThen(ctx, parser::parse, this::onParsed);
  }

  /**
   * Parses the body with {@code parse} and hands the result to {@code then} on this event loop:
   * here, or, for a large body, on a worker thread first (parsing tens of MiB takes long enough
   * to stall every connection on this event loop).
   */
  private <R> void parseThen(
      RoutingContext ctx, Function<byte[], R> parse, BiConsumer<RoutingContext, R> then) {
    Buffer buffer = ctx.body().buffer();
    byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
    TxBodies.parse(vertx, body, parse).onComplete(ar -> {
      if (ar.succeeded()) {
        then.accept(ctx, ar.result());
      } else {
        unexpected(ctx, "parse of a transaction body", ar.cause());
      }
    });
  }

  /**
   * {@code POST /v1/txns}: several independent commits in one request, which saves a client
   * with many transactions under way a request, an answer and their system calls per
   * transaction. Each is what {@code POST /v1/txn} takes and is committed on its own (a batch is
   * not atomic: some may commit and others abort); all are answered together, in the order
   * sent, once the last is decided. A body with any invalid transaction is refused whole (400,
   * messages naming {@code txns[i]}) and nothing is done; so is a batch that finds the
   * coordinator at its in-flight bound (503 {@code overloaded}). Otherwise the answer is 200 and
   * each item is an outcome, or an error ({@code timeout}, {@code overloaded}, {@code internal})
   * that means what it means for {@code POST /v1/txn}.
   */
  private void commitBatch(RoutingContext ctx) {
    parseThen(ctx, parser::parseBatch, this::onBatchParsed);
  }

  private void onBatchParsed(RoutingContext ctx, TxRequestParser.BatchResult parsed) {
    if (parsed instanceof TxRequestParser.Rejected rejected) {
      LOG.debug("rejected batch body: {}", rejected.errors());
      sendBytes(ctx, 400, TxAnswers.refusal(rejected.errors()));
      return;
    }
    List<TxRequest> requests = ((TxRequestParser.Batch) parsed).requests();
    if (!admit(ctx, requests.size())) {
      return;
    }
    List<Future<TxResult>> results = new ArrayList<>(requests.size());
    for (TxRequest request : requests) {
      results.add(invoke(admitted(() -> service.commit(request))));
    }
    Future.join(results).onComplete(done -> {
      try {
        sendBytes(ctx, 200, Json.write(g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("results");
          for (int i = 0; i < results.size(); i++) {
            Future<TxResult> f = results.get(i);
            TxRequest request = requests.get(i);
            if (f.succeeded()) {
              metrics.result(f.result());
              TxAnswers.writeResult(g, f.result());
            } else {
              ApiError e = failure(commitWhat(request), f.cause());
              if (e.code() == ApiErrorCode.OVERLOADED) {
                // Refused before anything was done, as refuse() counts it for a lone commit.
                metrics.refused(e.code().wire());
              }
              TxAnswers.writeItemError(g, request.id(), e);
            }
          }
          g.writeEndArray();
          g.writeEndObject();
        }));
      } catch (RuntimeException e) {
        unexpected(ctx, "answer of a batch of " + requests.size() + " commits", e);
      }
    });
  }

  private static String commitWhat(TxRequest request) {
    return request.id() == null ? "commit" : "tx=" + request.id() + " commit";
  }


  private void onParsed(RoutingContext ctx, TxRequestParser.Result parsed) {
    if (parsed instanceof TxRequestParser.Rejected rejected) {
      LOG.debug("rejected transaction body: {}", rejected.errors());
      sendBytes(ctx, 400, TxAnswers.refusal(rejected.errors()));
      return;
    }
    var request = ((TxRequestParser.Accepted) parsed).request();
    String what = commitWhat(request);
    if (!admit(ctx)) {
      return;
    }
    call(
        ctx,
        what,
        admitted(() -> service.commit(request)),
        (TxResult result) -> {
          metrics.result(result);
          sendBytes(ctx, 200, TxAnswers.result(result));
        });
  }

  private void status(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/txn/{id}");
    PathKeys.Decoded decoded = PathKeys.decode(pathAfter(ctx, TXN_PREFIX), "id");
    if (decoded.error() != null) {
      error(ctx, decoded.error().code(), decoded.error().message());
      return;
    }
    String id = decoded.key();
    if (!TxId.isValid(id)) {
      error(
          ctx,
          ApiErrorCode.INVALID_ID,
          "id "
              + TxRequestParser.quote(id == null ? "" : id)
              + " is not a valid transaction id (1-"
              + TxId.MAX_LENGTH
              + " characters of [A-Za-z0-9._:-])");
      return;
    }
    TxId txId = new TxId(id);
    call(
        ctx,
        "tx=" + txId + " status",
        () -> service.status(txId),
        (Optional<TxStatus> found) -> {
          if (found.isEmpty()) {
            error(ctx, ApiErrorCode.TX_NOT_FOUND, "no node knows transaction '" + txId + "'");
            return;
          }
          TxStatus s = found.get();
          ObjectNode body = Json.MAPPER.createObjectNode();
          body.put("id", s.id().value()).put("outcome", s.outcome().name());
          ArrayNode participants = body.putArray("participants");
          for (TxStatus.ParticipantState p : s.participants()) {
            participants.addObject().put("node", p.node().value()).put("state", p.state().name());
          }
          sendJson(ctx, 200, body);
        });
  }

  // ---- operator tools (ringtx recovery) ----------------------------------------------------

  /** Most keys one {@code POST /v1/recovery/owners} may ask about. */
  static final int MAX_OWNER_KEYS = 10_000;

  private void recoveryTxs(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/recovery/txs");
    withRecovery(ctx, rs -> call(ctx, "recovery txs", rs::unfinished, r -> sendValue(ctx, r)));
  }

  private void recoveryAudit(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/recovery/audit");
    withRecovery(ctx, rs -> call(ctx, "recovery audit", rs::audit, r -> sendValue(ctx, r)));
  }

  private void recoveryTx(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/recovery/tx/{id}");
    String id = ctx.pathParam("id");
    if (!TxId.isValid(id)) {
      error(ctx, ApiErrorCode.INVALID_ID, "id " + TxRequestParser.quote(id == null ? "" : id)
          + " is not a valid transaction id (1-" + TxId.MAX_LENGTH
          + " characters of [A-Za-z0-9._:-])");
      return;
    }
    TxId txId = TxId.of(id);
    withRecovery(ctx, rs -> call(ctx, "tx=" + txId + " recovery report", () -> rs.tx(txId),
        r -> sendValue(ctx, r)));
  }

  private void recoveryOwners(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, "/v1/recovery/owners");
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(ctx.body().buffer() == null ? new byte[0]
          : ctx.body().buffer().getBytes());
    } catch (IOException e) {
      error(ctx, ApiErrorCode.MALFORMED_JSON, "body must be {\"keys\":[\"…\"]}: "
          + describe(e, "malformed JSON"));
      return;
    }
    JsonNode keys = body == null ? null : body.get("keys");
    if (keys == null || !keys.isArray() || body.size() != 1) {
      error(ctx, ApiErrorCode.BAD_REQUEST, "body must be {\"keys\":[\"…\"]}");
      return;
    }
    if (keys.size() > MAX_OWNER_KEYS) {
      error(ctx, ApiErrorCode.TOO_MANY_KEYS, "at most " + MAX_OWNER_KEYS + " keys per call");
      return;
    }
    List<String> list = new java.util.ArrayList<>(keys.size());
    for (JsonNode k : keys) {
      if (!k.isTextual()) {
        error(ctx, ApiErrorCode.WRONG_TYPE, "every key must be a string");
        return;
      }
      // A key no transaction could have written (empty, too long, not UTF-8) is refused as the
      // client API refuses it, rather than looked up.
      Optional<ApiError> bad = parser.checkKey(k.asText(), "keys[" + list.size() + "]");
      if (bad.isPresent()) {
        error(ctx, bad.get().code(), bad.get().message());
        return;
      }
      list.add(k.asText());
    }
    withRecovery(ctx, rs -> sendValue(ctx, java.util.Map.of("owners", rs.owners(list))));
  }

  private void withRecovery(
      RoutingContext ctx, Consumer<io.ringtx.coordinator.api.RecoveryService> then) {
    Optional<io.ringtx.coordinator.api.RecoveryService> rs = service.recovery();
    if (rs.isEmpty()) {
      error(ctx, ApiErrorCode.NOT_FOUND, "this coordinator serves no recovery information");
      return;
    }
    then.accept(rs.get());
  }

  private void sendValue(RoutingContext ctx, Object value) {
    try {
      sendBytes(ctx, 200, Json.MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      unexpected(ctx, "encoding " + value.getClass().getSimpleName(), e);
    }
  }

  // ---- plumbing -------------------------------------------------------------------------

  /**
   * Calls the service and answers from its future, on this event loop. A call that throws,
   * returns no future, completes with null or fails answers 500; one that takes longer than the
   * request timeout answers 503. Either way the request is answered exactly once.
   */
  private <T> void call(
      RoutingContext ctx, String what, Supplier<CompletableFuture<T>> call, Consumer<T> answer) {
    invoke(call).onComplete(
        ar -> {
          if (ar.failed()) {
            ApiError e = failure(what, ar.cause());
            if (e.code() == ApiErrorCode.OVERLOADED) {
              refuse(ctx, e.code(), e.message());
            } else {
              error(ctx, e.code(), e.message());
            }
            return;
          }
          try {
            answer.accept(ar.result());
          } catch (RuntimeException e) {
            unexpected(ctx, what, e);
          }
        });
  }

  /**
   * The service's future for {@code call}, on this event loop: failed if the call throws, returns
   * no future, completes with null, or takes longer than the request timeout.
   */
  private <T> Future<T> invoke(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> future;
    try {
      future = call.get();
      if (future == null) {
        future = CompletableFuture.failedFuture(new IllegalStateException("service returned null"));
      }
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return Future.fromCompletionStage(future, vertx.getOrCreateContext())
        .timeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .compose(v -> v == null
            ? Future.failedFuture(new IllegalStateException("service completed with null"))
            : Future.succeededFuture(v));
  }

  /**
   * What a failed service call for {@code what} is answered with: {@code overloaded} if refused
   * as such, {@code timeout} if it took too long (logged), else {@code internal} (logged).
   */
  private ApiError failure(String what, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof OverloadedException) {
      return new ApiError(ApiErrorCode.OVERLOADED, what + " refused: " + cause.getMessage());
    }
    if (cause instanceof InDoubtException) {
      return new ApiError(ApiErrorCode.IN_DOUBT, what + " refused: " + cause.getMessage());
    }
    if (cause instanceof TimeoutException) {
      LOG.warn("{} got no answer from the service within {}", what, options.requestTimeout());
      return new ApiError(ApiErrorCode.TIMEOUT, what + " got no answer within "
          + options.requestTimeout().toMillis() + " ms; for a commit the outcome is unknown");
    }
    return internal(what, cause);
  }

  /** An unexpected failure of {@code what}, logged: answered {@code internal}. */
  private static ApiError internal(String what, Throwable cause) {
    LOG.error("{} failed", what, cause);
    return new ApiError(ApiErrorCode.INTERNAL,
        what + " failed: " + describe(cause, "internal error"));
  }

  private void unexpectedFailure(RoutingContext ctx) {
    unexpected(ctx, ctx.request().method() + " " + shortPath(ctx), ctx.failure());
  }

  private void unexpected(RoutingContext ctx, String what, Throwable cause) {
    ApiError e = internal(what, cause);
    error(ctx, e.code(), e.message());
  }

  /**
   * Registered second on every request, before any route: with a token configured, everything
   * but {@code GET /health} answers 401 {@code unauthorized} unless it carries the token.
   */
  private void authenticate(RoutingContext ctx) {
    if (options.security().allows(ctx.request())) {
      ctx.next();
    } else {
      LOG.debug("refused {} {} from {}: no valid bearer token", ctx.request().method(),
          shortPath(ctx), ctx.request().remoteAddress());
      HttpSecurity.refuse(ctx.request());
    }
  }

  /** Registered first on every request: counts it once its status is known. */
  private void countOnAnswer(RoutingContext ctx) {
    ctx.put(ROUTE_LABEL, UNMATCHED);
    ctx.addHeadersEndHandler(
        v ->
            metrics.request(
                ctx.get(ROUTE_LABEL, UNMATCHED),
                methodLabel(ctx.request().method()),
                ctx.response().getStatusCode()));
    ctx.next();
  }

  /** Standard methods by name, anything else as "other": a client cannot mint new series. */
  private static String methodLabel(HttpMethod method) {
    String name = method.name();
    return switch (name) {
      case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS" -> name;
      default -> "other";
    };
  }

  private void error(RoutingContext ctx, ApiErrorCode code, String message) {
    sendJson(ctx, code.status(), errorBody(code, message));
  }

  private static ObjectNode errorBody(ApiErrorCode code, String message) {
    return Json.MAPPER.createObjectNode().put("error", code.wire()).put("message", message);
  }


  private void sendJson(RoutingContext ctx, int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // A tree of strings and numbers always encodes; this is a bug, answered as such.
      LOG.error("could not encode a response", e);
      bytes = "{\"error\":\"internal\",\"message\":\"response could not be encoded\"}"
          .getBytes(StandardCharsets.UTF_8);
      status = 500;
    }
    sendBytes(ctx, status, bytes);
  }

  private static void sendBytes(RoutingContext ctx, int status, byte[] body) {
    HttpServerResponse response = ctx.response();
    // A late service answer after a timeout (or a closed connection) has nobody to go to.
    if (response.ended() || response.closed() || response.headWritten()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE)
        .end(Buffer.buffer(body));
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t, String fallback) {
    if (t == null) {
      return fallback;
    }
    Throwable cause = unwrap(t);
    String msg = cause.getMessage();
    return msg == null || msg.isBlank() ? cause.getClass().getSimpleName() : abbreviate(msg);
  }

  /**
   * The raw (not normalised, not decoded) path after {@code prefix}; for a path that only matched
   * after normalisation (such as "/v1/kv"), the normalised form after the prefix, or "".
   */
  private static String pathAfter(RoutingContext ctx, String prefix) {
    String raw = ctx.request().path();
    if (raw != null && raw.startsWith(prefix)) {
      return raw.substring(prefix.length());
    }
    String norm = ctx.normalizedPath();
    return norm.startsWith(prefix) ? norm.substring(prefix.length()) : "";
  }

  private static String shortPath(RoutingContext ctx) {
    return TxRequestParser.quote(String.valueOf(ctx.request().path()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
