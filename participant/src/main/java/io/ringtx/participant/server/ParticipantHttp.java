package io.ringtx.participant.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ringtx.protocol.api.ApiErrorCode;
import io.ringtx.protocol.api.InvalidRequests;
import io.ringtx.protocol.api.JsonContentType;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.api.TxBodies;
import io.ringtx.protocol.api.TxRequestParser;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.codec.ReadItemsJson;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.metrics.PromText;
import io.ringtx.protocol.security.HttpSecurity;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A participant's own small HTTP endpoint: {@code GET /health} (liveness), {@code GET
 * /metrics} (Prometheus text, see {@link ParticipantNode#metrics}) and {@code GET /v1/indoubt} (the ids
 * of the transactions READY here without a decision, and of those among them that are blocked,
 * as JSON: {@code {"node":"p1", "inDoubt":[…],"blocked":[…]}}).
 *
 * <p>For operator tools ({@code ringtx recovery}), JSON of {@link io.ringtx.protocol.inspect}:
 * {@code GET /v1/recovery/txs} (unfinished and heuristic transactions), {@code GET
 * /v1/recovery/tx/{id}} (one transaction: state, locks, log records), {@code GET
 * /v1/recovery/audit} (latest record of every transaction, locks, data keys) and {@code POST
 * /v1/recovery/tx/{id}/decide} with {@code {"decision":"COMMIT"|"ABORT","operator":"…",
 * "heuristic":true|false}}: 200 {@code {"node","txId","decision"}} once durable, 409 {@code
 * {"error":"refused","message"}} when it contradicts what this node knows (nothing changed), 400
 * for bad input.
 *
 * <p>For clients that know the ring: {@code POST /v1/read} (keys read at their owner) and {@code
 * POST /v1/txn} and {@code POST /v1/txns} (one-shard commits, see {@link ClientCommits}).
 * Everything else is 404.
 */
public final class ParticipantHttp {
  private final HttpServer server;

  private ParticipantHttp(HttpServer server) {
    this.server = server;
  }

  /** More routes, tried before the built-in ones; answers whether it handled the request. */
  @FunctionalInterface
  public interface Routes {
    boolean handle(HttpServerRequest req);
  }

  /** Starts listening on {@code host:port} (0 picks a free port), plain HTTP, no token. */
  public static Future<ParticipantHttp> start(
      Vertx vertx, ParticipantNode node, NodeStore store, String host, int port) {
    return start(vertx, node, store, host, port, HttpSecurity.NONE, req -> false, Limits.DEFAULT);
  }

  /** As {@link #start(Vertx, ParticipantNode, NodeStore, String, int)}, with more routes. */
  public static Future<ParticipantHttp> start(
      Vertx vertx, ParticipantNode node, NodeStore store, String host, int port, Routes more) {
    return start(vertx, node, store, host, port, HttpSecurity.NONE, more, Limits.DEFAULT);
  }

  /** As {@link #start(Vertx, ParticipantNode, NodeStore, String, int)}, with TLS and/or a token. */
  public static Future<ParticipantHttp> start(Vertx vertx, ParticipantNode node, NodeStore store,
      String host, int port, HttpSecurity security) {
    return start(vertx, node, store, host, port, security, req -> false, Limits.DEFAULT);
  }

  /**
   * Starts listening on {@code host:port} (0 picks a free port) with TLS and/or a bearer token
   * (with a token, everything but {@code GET /health} answers 401 without it), more routes, and
   * the limits that a client's commit is checked against (a coordinator's).
   */
  public static Future<ParticipantHttp> start(Vertx vertx, ParticipantNode node, NodeStore store,
      String host, int port, HttpSecurity security, Routes more, Limits limits) {
    HttpServer server = InvalidRequests.createServer(vertx, security.serverOptions());
    ParticipantInspector inspector = new ParticipantInspector(vertx, node, store);
    TxRequestParser parser = new TxRequestParser(limits);
    ClientCommits commits = new ClientCommits(vertx, node, parser);
    server.requestHandler(req -> {
      if (!security.allows(req)) {
        HttpSecurity.refuse(req);
      } else if (!more.handle(req)) {
        handle(req, node, store, inspector, commits, parser);
      }
    });
    // Listening from the node's context puts the requests on its event loop, so a read reaches
    // the core without a hand-off between threads.
    Promise<HttpServer> listening = Promise.promise();
    node.execute(() -> server.listen(port, host).onComplete(listening));
    return listening.future().map(ParticipantHttp::new);
  }

  /** The body of {@code POST /v1/recovery/tx/{id}/decide}. */
  record DecideRequest(Decision decision, String operator, Boolean heuristic) {}

  private static final String TX_PREFIX = "/v1/recovery/tx/";
  private static final String DECIDE_SUFFIX = "/decide";
  private static final int MAX_DECIDE_BODY = 4096;
  /** Bounds of {@code POST /v1/read}: what a client sends one participant for one read. */
  static final int MAX_READ_BODY = 2 * 1024 * 1024;
  private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private static void handle(HttpServerRequest req, ParticipantNode node, NodeStore store,
      ParticipantInspector inspector, ClientCommits commits, TxRequestParser parser) {
    String path = req.path();
    if (path.startsWith("/v1/recovery/")) {
      recovery(req, path, node, inspector);
    } else if (path.equals("/v1/txn") || path.equals("/v1/txns")) {
      if (req.method() != HttpMethod.POST) {
        error(req, 405, "method_not_allowed", req.method() + " is not allowed on " + path);
      } else if (jsonBody(req)) {
        boundedBody(req, TxBodies.DEFAULT_MAX_BODY_BYTES, body -> {
          if (path.equals("/v1/txn")) {
            commits.one(req, body.getBytes());
          } else {
            commits.batch(req, body.getBytes());
          }
        });
      }
    } else if (path.equals("/v1/read")) {
      if (req.method() != HttpMethod.POST) {
        error(req, 405, "method_not_allowed", req.method() + " is not allowed on " + path);
      } else {
        read(req, node, parser);
      }
    } else if (path.equals("/health")) {
      req.response().putHeader("content-type", "application/json")
          .end("{\"status\":\"UP\",\"node\":\"" + node.id() + "\"}");
    } else if (path.equals("/metrics")) {
      node.metrics(store).onComplete(ar -> {
        if (ar.failed()) {
          req.response().setStatusCode(500).end();
          return;
        }
        req.response().putHeader("content-type", PromText.CONTENT_TYPE).end(ar.result());
      });
    } else if (path.equals("/v1/indoubt")) {
      node.inspect(c -> List.of(c.inDoubt(), c.blocked())).onComplete(ar -> {
        if (ar.failed()) {
          req.response().setStatusCode(500).end();
          return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", node.id().value());
        body.put("inDoubt", ids(ar.result().get(0)));
        body.put("blocked", ids(ar.result().get(1)));
        try {
          req.response().putHeader("content-type", "application/json")
              .end(Json.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("a map of strings always encodes", e);
        }
      });
    } else {
      // Encoded, not pasted into a JSON template: a path may hold a backslash or a control
      // character, which would break the body.
      error(req, 404, "not_found", "no route " + path);
    }
  }

  private static void recovery(
      HttpServerRequest req, String path, ParticipantNode node, ParticipantInspector inspector) {
    boolean get = req.method() == HttpMethod.GET;
    if (get && path.equals("/v1/recovery/txs")) {
      answer(req, inspector.unfinished());
      return;
    }
    if (get && path.equals("/v1/recovery/audit")) {
      answer(req, inspector.audit());
      return;
    }
    if (!path.startsWith(TX_PREFIX)) {
      error(req, 404, "not_found", "no route " + path);
      return;
    }
    String rest = path.substring(TX_PREFIX.length());
    boolean decide = rest.endsWith(DECIDE_SUFFIX);
    String id = decide ? rest.substring(0, rest.length() - DECIDE_SUFFIX.length()) : rest;
    if (!TxId.isValid(id)) {
      error(req, 400, "bad_request", "not a transaction id: '" + abbreviate(id) + "'");
      return;
    }
    TxId txId = TxId.of(id);
    if (!decide && get) {
      answer(req, inspector.tx(txId));
    } else if (decide && req.method() == HttpMethod.POST) {
      boundedBody(req, MAX_DECIDE_BODY, body -> {
        DecideRequest r;
        try {
          r = Json.MAPPER.readValue(body.getBytes(), DecideRequest.class);
        } catch (IOException e) {
          error(req, 400, "bad_request", "body must be {\"decision\":\"COMMIT\"|\"ABORT\","
              + "\"operator\":\"…\",\"heuristic\":true|false}: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
          return;
        }
        if (r.decision() == null || r.operator() == null || r.heuristic() == null
            || !OPERATOR.matcher(r.operator()).matches()) {
          error(req, 400, "bad_request", "decision (COMMIT or ABORT), operator (1-64 of "
              + "[A-Za-z0-9._@-]) and heuristic (true or false) are required");
          return;
        }
        node.decide(txId, r.decision(), r.operator(), r.heuristic()).onComplete(ar -> {
          if (ar.failed()) {
            error(req, 500, "internal", String.valueOf(ar.cause().getMessage()));
          } else if (ar.result() instanceof Ack a) {
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("node", node.id().value());
            ok.put("txId", txId.value());
            ok.put("decision", a.decision().name());
            send(req, 200, ok);
          } else if (ar.result() instanceof ErrorReply e) {
            error(req, e.code() == ErrorReply.Code.REFUSED ? 409 : 500,
                e.code() == ErrorReply.Code.REFUSED ? "refused" : "internal", e.message());
          } else {
            error(req, 500, "internal", "unexpected answer " + ar.result());
          }
        });
      });
    } else {
      error(req, 405, "method_not_allowed", req.method() + " is not allowed on " + path);
    }
  }

  /**
   * {@code POST /v1/read} with {@code {"keys":[…]}}: the keys read here, as a coordinator reads
   * them (DESIGN §2 reads; clients that know the ring read straight from the owner). 200 {@code
   * {"items":[{"key","value"?,"version"}]}} in the order named (a key named twice once); 409
   * {@code {"error":"not_owner","message","keys"}} when this node does not own some of them
   * (nothing is answered for the others: ask the coordinator); 503 {@code {"error":"overloaded"}};
   * 400, 413 or 415 for bad input.
   */
  private static void read(HttpServerRequest req, ParticipantNode node, TxRequestParser parser) {
    if (!jsonBody(req)) {
      return;
    }
    boundedBody(req, MAX_READ_BODY, body -> {
      ReadKeys parsed = ReadKeys.parse(body.getBytes(), parser);
      if (parsed.problem() != null) {
        error(req, 400, parsed.code(), parsed.problem());
        return;
      }
      node.read(parsed.keys()).onComplete(ar -> {
        if (ar.failed()) {
          error(req, 503, "unavailable", String.valueOf(ar.cause().getMessage()));
          return;
        }
        answerReads(req, parsed.keys(), ar.result());
      });
    });
  }

  /** Whether the request's body may be JSON; if not, answers 415. */
  private static boolean jsonBody(HttpServerRequest req) {
    String type = req.getHeader("content-type");
    if (type != null && !JsonContentType.isJsonUtf8(type)) {
      error(req, 415, "unsupported_media_type", "Content-Type must be application/json (UTF-8)");
      return false;
    }
    return true;
  }

  private static void answerReads(HttpServerRequest req, List<String> keys, List<Message> answers) {
    List<String> notOwned = new ArrayList<>();
    List<ReadReply> replies = new ArrayList<>(answers.size());
    for (int i = 0; i < answers.size(); i++) {
      if (answers.get(i) instanceof ErrorReply e) {
        ApiErrorCode code = switch (e.code()) {
          case NOT_OWNER -> null; // answered below, with the other keys not owned
          case OVERLOADED -> ApiErrorCode.OVERLOADED;
          case IN_DOUBT -> ApiErrorCode.IN_DOUBT;
          default -> ApiErrorCode.INTERNAL;
        };
        if (code != null) {
          error(req, code.status(), code.wire(), e.message());
          return;
        }
        notOwned.add(keys.get(i));
      } else if (answers.get(i) instanceof ReadReply r) {
        replies.add(r);
      } else {
        error(req, 500, "internal", "unexpected answer " + answers.get(i));
        return;
      }
    }
    if (!notOwned.isEmpty()) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", "not_owner");
      body.put("message", "participant does not own " + notOwned.size() + " of the keys");
      body.put("keys", notOwned);
      send(req, 409, body);
      return;
    }
    send(req, 200, ReadItemsJson.write(replies));
  }

  private static <T> void answer(HttpServerRequest req, Future<T> result) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        error(req, 500, "internal", String.valueOf(ar.cause().getMessage()));
      } else {
        send(req, 200, ar.result());
      }
    });
  }

  private static void send(HttpServerRequest req, int status, Object body) {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + body, e);
    }
    send(req, status, bytes);
  }

  /** Answers {@code req} with JSON {@code body}, unless the connection has gone meanwhile. */
  static void send(HttpServerRequest req, int status, byte[] body) {
    if (req.response().ended() || req.response().closed()) {
      return;
    }
    req.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(Buffer.buffer(body));
  }

  /**
   * Reads the body of {@code req} and hands it to {@code then}, holding at most {@code max} bytes:
   * a body declared or found larger is answered 413 at once, and the rest of it is read and
   * dropped as it arrives (so the connection stays usable) instead of kept; a body that cannot be
   * read is answered 400.
   */
  private static void boundedBody(HttpServerRequest req, int max, Handler<Buffer> then) {
    boolean[] answered = {refusedByDeclaredLength(req, max)};
    Buffer body = Buffer.buffer();
    req.handler(chunk -> {
      if (answered[0]) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        answered[0] = true;
        tooLarge(req, max);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(e -> {
      if (!answered[0]) {
        answered[0] = true;
        error(req, 400, "bad_request", "cannot read the body: " + e.getMessage());
      }
    });
    req.endHandler(v -> {
      if (!answered[0]) {
        then.handle(body);
      }
    });
  }

  /**
   * Answers {@code req} if its Content-Length rules the body out: 413 above {@code max} (or longer
   * than 10 digits), 400 if it is not a number. Returns whether it answered.
   */
  private static boolean refusedByDeclaredLength(HttpServerRequest req, int max) {
    String declared = req.getHeader("content-length");
    if (declared == null) {
      return false;
    }
    String digits = declared.trim();
    if (digits.length() <= 10) { // else over 9,999,999,999 bytes: far above any limit here
      try {
        if (Long.parseLong(digits) <= max) {
          return false;
        }
      } catch (NumberFormatException e) {
        error(req, 400, "bad_request", "Content-Length is not a number: '"
            + abbreviate(declared) + "'");
        return true;
      }
    }
    tooLarge(req, max);
    return true;
  }

  private static void tooLarge(HttpServerRequest req, int max) {
    error(req, 413, "body_too_large", "body above " + max + " bytes");
  }

  private static void error(HttpServerRequest req, int status, String code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    send(req, status, body);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static List<String> ids(Set<TxId> ids) {
    return ids.stream().map(TxId::value).toList();
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
