package io.ringtx.participant.server;

import io.ringtx.storage.NodeStore;
import io.ringtx.storage.StoreStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A participant's own small HTTP endpoint: {@code GET /health} (liveness) and {@code GET
 * /metrics} (Prometheus text: in-doubt transactions, transactions in memory, locked keys, log
 * writes and fsyncs). Everything else is 404.
 */
public final class ParticipantHttp {
  private final HttpServer server;

  private ParticipantHttp(HttpServer server) {
    this.server = server;
  }

  /** Starts listening on {@code host:port} (0 picks a free port). */
  public static Future<ParticipantHttp> start(
      Vertx vertx, ParticipantNode node, NodeStore store, String host, int port) {
    HttpServer server = vertx.createHttpServer();
    server.requestHandler(req -> handle(req, node, store));
    return server.listen(port, host).map(ParticipantHttp::new);
  }

  private static void handle(HttpServerRequest req, ParticipantNode node, NodeStore store) {
    String path = req.path();
    if (path.equals("/health")) {
      req.response().putHeader("content-type", "application/json")
          .end("{\"status\":\"UP\",\"node\":\"" + node.id() + "\"}");
    } else if (path.equals("/metrics")) {
      node.inspect(c -> new long[] {c.inDoubt().size(), c.activeCount(), c.lockHolders().size(),
              c.blocked().size()})
          .onComplete(ar -> {
            if (ar.failed()) {
              req.response().setStatusCode(500).end();
              return;
            }
            long[] v = ar.result();
            StoreStats s = store.stats();
            String text = "# TYPE ringtx_participant_in_doubt gauge\n"
                + "ringtx_participant_in_doubt " + v[0] + "\n"
                + "# TYPE ringtx_participant_blocked gauge\n"
                + "ringtx_participant_blocked " + v[3] + "\n"
                + "# TYPE ringtx_participant_active_transactions gauge\n"
                + "ringtx_participant_active_transactions " + v[1] + "\n"
                + "# TYPE ringtx_participant_lock_holders gauge\n"
                + "ringtx_participant_lock_holders " + v[2] + "\n"
                + "# TYPE ringtx_store_forced_writes_total counter\n"
                + "ringtx_store_forced_writes_total " + s.forcedWrites() + "\n"
                + "# TYPE ringtx_store_syncs_total counter\n"
                + "ringtx_store_syncs_total " + s.syncs() + "\n"
                + "# TYPE ringtx_store_lazy_writes_total counter\n"
                + "ringtx_store_lazy_writes_total " + s.lazyWrites() + "\n";
            req.response().putHeader("content-type", "text/plain; version=0.0.4").end(text);
          });
    } else {
      req.response().setStatusCode(404).putHeader("content-type", "application/json")
          .end("{\"error\":\"not_found\",\"message\":\"no route " + path.replace("\"", "") + "\"}");
    }
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
