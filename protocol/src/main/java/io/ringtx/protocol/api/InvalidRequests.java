package io.ringtx.protocol.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.ringtx.protocol.codec.Json;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers a request whose head the HTTP layer could not decode (a request line or headers over
 * the server's limits, or bytes that are not HTTP/1.x) with the API's JSON error, as every other
 * refusal is answered, then closes the connection: what follows on it cannot be trusted to start
 * a request. Without this, Vert.x answers 414, 431 or 400 with an empty body.
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  /** Makes {@code server}, built with {@code options}, answer undecodable requests in JSON. */
  public static HttpServer answerInJson(HttpServer server, HttpServerOptions options) {
    return server.invalidRequestHandler(handler(options));
  }

  /** The handler itself, naming the limits of {@code options} in its messages. */
  public static Handler<HttpServerRequest> handler(HttpServerOptions options) {
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
          .end(body(error))
          .onComplete(done -> req.connection().close());
    };
  }

  /** The error answered for a request that failed to decode with {@code cause}. */
  static ApiError errorFor(Throwable cause, int maxLine, int maxHeaders) {
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

  private static String body(ApiError error) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", error.code().wire());
    body.put("message", error.message());
    try {
      return Json.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of two strings always encodes", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
