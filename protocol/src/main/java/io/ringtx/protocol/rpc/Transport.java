package io.ringtx.protocol.rpc;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Request/response messaging between nodes (DESIGN §5). Every request has a deadline; a request
 * that is not answered by then fails. Implementations deliver replies and requests on the Vert.x
 * context that called {@link #request} or {@link #serve}.
 */
public interface Transport {
  /** Sends {@code request} to {@code to}; completes with the reply or fails. */
  Future<Message> request(NodeId to, Message request, long timeoutMillis);

  /**
   * Serves requests addressed to {@code self} with {@code handler} on the calling context.
   * Requests that cannot be decoded are answered with an error and logged; the node keeps serving.
   */
  Future<Void> serve(NodeId self, Handler handler);

  /** Stops serving {@code self}. */
  Future<Void> stop(NodeId self);

  /** Requests sent again after an attempt failed, since start (0 if not counted). */
  default long retransmissions() {
    return 0;
  }

  /** Retransmitted requests answered from a stored reply, since start (0 if not counted). */
  default long duplicatesAnswered() {
    return 0;
  }

  /** How a {@link #sendingOnly} transport answers a request. */
  @FunctionalInterface
  interface Sender {
    Future<Message> request(NodeId to, Message request, long timeoutMillis);
  }

  /**
   * A transport that sends through {@code sender} and serves nothing: serving and stopping
   * succeed and do nothing. For a party that only asks (a test's stand-in for the other nodes).
   */
  static Transport sendingOnly(Sender sender) {
    return new Transport() {
      @Override
      public Future<Message> request(NodeId to, Message request, long timeoutMillis) {
        return sender.request(to, request, timeoutMillis);
      }

      @Override
      public Future<Void> serve(NodeId self, Handler handler) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> stop(NodeId self) {
        return Future.succeededFuture();
      }
    };
  }

  /** Handles one decoded request; {@code reply} must be called once. */
  @FunctionalInterface
  interface Handler {
    void handle(NodeId from, Message request, Consumer<Message> reply);
  }
}
