package io.ringtx.participant.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.metrics.PromText;
import io.ringtx.storage.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A participant's own small HTTP endpoint: {@code GET /health} (liveness), {@code GET
 * /metrics} (Prometheus text, see {@link ParticipantNode#metrics}) and {@code GET /v1/indoubt} (the ids of the transactions READY here without
 * a decision, and of those among them that are blocked, as JSON: {@code {"node":"p1",
 * "inDoubt":[…],"blocked":[…]}}). Everything else is 404.
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

  /** Starts listening on {@code host:port} (0 picks a free port). */
  public static Future<ParticipantHttp> start(
      Vertx vertx, ParticipantNode node, NodeStore store, String host, int port) {
    return start(vertx, node, store, host, port, req -> false);
  }

  /** As {@link #start(Vertx, ParticipantNode, NodeStore, String, int)}, with more routes. */
  public static Future<ParticipantHttp> start(
      Vertx vertx, ParticipantNode node, NodeStore store, String host, int port, Routes more) {
    HttpServer server = vertx.createHttpServer();
    server.requestHandler(req -> {
      if (!more.handle(req)) {
        handle(req, node, store);
      }
    });
    return server.listen(port, host).map(ParticipantHttp::new);
  }

  private static void handle(HttpServerRequest req, ParticipantNode node, NodeStore store) {
    String path = req.path();
    if (path.equals("/health")) {
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
      req.response().setStatusCode(404).putHeader("content-type", "application/json")
          .end("{\"error\":\"not_found\",\"message\":\"no route " + path.replace("\"", "") + "\"}");
    }
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
