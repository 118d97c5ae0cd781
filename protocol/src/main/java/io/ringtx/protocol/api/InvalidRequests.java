package io.ringtx.protocol.api;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.ringtx.protocol.codec.Json;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request whose head the HTTP layer could not decode (a request line or headers over
 * the server's limits, or bytes that are not HTTP/1.x) with the API's JSON error, as every other
 * refusal is answered, then closes the connection: what follows on it cannot be trusted to start
 * a request. Without this, Vert.x answers 414, 431 or 400 with an empty body.
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  /** A server with {@code options} that answers undecodable requests in JSON. */
  public static HttpServer createServer(Vertx vertx, HttpServerOptions options) {
    return vertx.createHttpServer(options).invalidRequestHandler(handler(options));
  }

  /** The handler itself, naming the limits of {@code options} in its messages. */
  private static Handler<HttpServerRequest> handler(HttpServerOptions options) {
    int maxLine = options.getMaxInitialLineLength();
    int maxHeaders = options.getMaxHeaderSize();
    return req -> {
      ApiError error = errorFor(req.decoderResult().cause(), maxLine, maxHeaders);
      HttpServerResponse response = req.response();
      if (response.ended() || response.closed() || response.headWritten()) {
        req.connection().close();
        return;
      }
      response
          .setStatusCode(error.code().status())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(Buffer.buffer(Json.write(g -> TxAnswers.writeItemError(g, null, error))))
          .onComplete(done -> req.connection().close());
    };
  }

  /** The error answered for a request that failed to decode with {@code cause}. */
  private static ApiError errorFor(Throwable cause, int maxLine, int maxHeaders) {
    if (cause instanceof TooLongHttpLineException) {
      return new ApiError(ApiErrorCode.REQUEST_LINE_TOO_LONG,
          "the request line (method, path and query) is longer than " + maxLine + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new ApiError(ApiErrorCode.HEADERS_TOO_LARGE,
          "the request's headers come to more than " + maxHeaders + " bytes");
    }
    String why = cause == null || cause.getMessage() == null
        ? "" : ": " + abbreviate(cause.getMessage());
    return new ApiError(ApiErrorCode.BAD_REQUEST, "the request is not valid HTTP/1.1" + why);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
