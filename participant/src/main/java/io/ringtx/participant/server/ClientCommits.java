package io.ringtx.participant.server;

import io.ringtx.protocol.api.ApiError;
import io.ringtx.protocol.api.ApiErrorCode;
import io.ringtx.protocol.api.TxAnswers;
import io.ringtx.protocol.api.TxBodies;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.api.TxRequestParser;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.TxResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant's {@code POST /v1/txn} and {@code POST /v1/txns}: commits of transactions that
 * touch this shard alone, sent by a client that knows the ring straight to the owner instead of
 * to a coordinator. The bodies and answers are a coordinator's (README, HTTP), with one more
 * rule: every transaction must carry its id, which the client chose, since a re-send must find
 * the same id here. Each is run as a coordinator's one-phase commit would be ({@link
 * ParticipantNode#commit}); a key that this node does not own aborts it with {@code NOT_OWNER},
 * after which the client asks for the ring again and retries.
 *
 * <p>Bodies are checked against the same {@link io.ringtx.protocol.api.Limits} as a
 * coordinator's, and a bad one is refused with 400 naming the problem before anything is done.
 */
final class ClientCommits {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCommits.class);

  private final Vertx vertx;
  private final ParticipantNode node;
  private final TxRequestParser parser;

  ClientCommits(Vertx vertx, ParticipantNode node, TxRequestParser parser) {
    this.vertx = vertx;
    this.node = node;
    this.parser = parser;
  }

  /** {@code POST /v1/txn}: one commit, answered {@code {"id","outcome","reason"?}}. */
  void one(HttpServerRequest req, byte[] body) {
    parseThen(req, body, parser::parse, parsed -> {
      if (parsed instanceof TxRequestParser.Rejected r) {
        refuse(req, r.errors());
        return;
      }
      TxRequest request = ((TxRequestParser.Accepted) parsed).request();
      if (request.id() == null) {
        refuse(req, List.of(missingId("id")));
        return;
      }
      run(request).onComplete(ar -> {
        if (ar.succeeded()) {
          ParticipantHttp.send(req, 200, TxAnswers.result(ar.result()));
        } else {
          ApiError e = internal(request, ar.cause());
          ParticipantHttp.send(req, e.code().status(), TxAnswers.refusal(List.of(e)));
        }
      });
    });
  }

  /**
   * {@code POST /v1/txns}: independent commits, answered together {@code {"results":[…]}} in the
   * order sent; a body with any invalid transaction, or one without an id, is refused whole.
   */
  void batch(HttpServerRequest req, byte[] body) {
    parseThen(req, body, parser::parseBatch, parsed -> {
      if (parsed instanceof TxRequestParser.Rejected r) {
        refuse(req, r.errors());
        return;
      }
      List<TxRequest> requests = ((TxRequestParser.Batch) parsed).requests();
      List<ApiError> noId = new ArrayList<>();
      for (int i = 0; i < requests.size() && noId.size() < TxRequestParser.MAX_ERRORS; i++) {
        if (requests.get(i).id() == null) {
          noId.add(missingId("txns[" + i + "].id"));
        }
      }
      if (!noId.isEmpty()) {
        refuse(req, noId);
        return;
      }
      List<Future<TxResult>> results = new ArrayList<>(requests.size());
      requests.forEach(r -> results.add(run(r)));
      Future.join(results).onComplete(done -> ParticipantHttp.send(req, 200, Json.write(g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("results");
        for (int i = 0; i < results.size(); i++) {
          Future<TxResult> f = results.get(i);
          if (f.succeeded()) {
            TxAnswers.writeResult(g, f.result());
          } else {
            TxAnswers.writeItemError(g, requests.get(i).id(), internal(requests.get(i), f.cause()));
          }
        }
        g.writeEndArray();
        g.writeEndObject();
      })));
    });
  }

  private Future<TxResult> run(TxRequest request) {
    return node.commit(request.id(), request.reads(), request.writes()).map(answer -> {
      if (answer instanceof OnePhaseResult r) {
        return TxResult.of(r);
      }
      throw new IllegalStateException("unexpected answer " + answer);
    });
  }

  /** A commit that got no outcome: the client re-sends it, and the log answers. */
  private static ApiError internal(TxRequest request, Throwable cause) {
    LOG.warn("tx={} commit got no outcome: {}", request.id(), cause.toString());
    return new ApiError(ApiErrorCode.INTERNAL,
        "tx=" + request.id() + " commit got no outcome (" + cause.getMessage()
            + "); send it again");
  }

  private static ApiError missingId(String field) {
    return new ApiError(ApiErrorCode.MISSING_FIELD, field + " is required: a participant commits "
        + "only transactions whose id the client chose (send the others to a coordinator)");
  }

  private static void refuse(HttpServerRequest req, List<ApiError> errors) {
    LOG.debug("refused commit body: {}", errors);
    ParticipantHttp.send(req, 400, TxAnswers.refusal(errors));
  }

  /** Parses {@code body} ({@link TxBodies}) and hands the result to {@code then} on this loop. */
  private <R> void parseThen(
      HttpServerRequest req, byte[] body, Function<byte[], R> parse, Consumer<R> then) {
    TxBodies.parse(vertx, body, parse).onComplete(ar -> {
      if (ar.succeeded()) {
        then.accept(ar.result());
      } else {
        ParticipantHttp.send(req, 500, TxAnswers.refusal(List.of(new ApiError(ApiErrorCode.INTERNAL,
            "could not parse the body: " + ar.cause()))));
      }
    });
  }
}
