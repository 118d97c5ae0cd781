package io.ringtx.participant.ring;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ringtx.participant.server.ParticipantHttp;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.storage.NodeStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A participant's ring routes: {@code GET /v1/ring} (its {@code RingInfo} with every virtual
 * node's Chord state), {@code GET /v1/keys} (every key it holds, with version and whether it owns
 * it: for checking placement), and {@code POST /v1/ring/leave} (hand every range over to its
 * successors and leave the ring; answers once done).
 */
public final class RingEndpoints implements ParticipantHttp.Routes {
  private final ParticipantRing ring;
  private final NodeStore store;
  private final IdSpace space;

  public RingEndpoints(ParticipantRing ring, NodeStore store, IdSpace space) {
    this.ring = ring;
    this.store = store;
    this.space = space;
  }

  @Override
  public boolean handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/v1/ring") && req.method() == HttpMethod.GET) {
      ring.info(true).onComplete(ar -> {
        if (ar.failed()) {
          req.response().setStatusCode(500).end();
        } else {
          json(req, 200, ar.result());
        }
      });
      return true;
    }
    if (path.equals("/v1/keys") && req.method() == HttpMethod.GET) {
      req.pause();
      io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
        List<Map<String, Object>> keys = new ArrayList<>();
        store.forEachData((k, v) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("key", k);
          m.put("value", v.value());
          m.put("version", v.version());
          m.put("owned", ring.ownership().test(k));
          m.put("ringId", space.ofKey(k).toString());
          keys.add(m);
        });
        return keys;
      }, false).onComplete(ar -> {
        req.resume();
        if (ar.failed()) {
          req.response().setStatusCode(500).end();
        } else {
          json(req, 200, Map.of("keys", ar.result()));
        }
      });
      return true;
    }
    if (path.equals("/v1/ring/leave")) {
      if (req.method() != HttpMethod.POST) {
        json(req, 405, Map.of("error", "method_not_allowed", "message", "POST to leave"));
        return true;
      }
      ring.leave().onComplete(ar -> {
        if (ar.failed() && ar.cause() instanceof RangeKeeper.CannotLeave) {
          json(req, 409, Map.of("error", "cannot_leave", "message", ar.cause().getMessage()));
        } else if (ar.failed()) {
          json(req, 500, Map.of("error", "leave_failed", "message", String.valueOf(ar.cause())));
        } else {
          json(req, 200, Map.of("status", "LEFT"));
        }
      });
      return true;
    }
    return false;
  }

  private static void json(HttpServerRequest req, int status, Object body) {
    try {
      req.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end(Json.MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + body, e);
    }
  }
}
