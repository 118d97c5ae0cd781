package io.ringtx.protocol.security;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;

/**
 * TLS and bearer-token settings of a node's HTTP endpoint, both optional ({@link #NONE}: plain
 * HTTP, no token). With a token, every request except {@code GET /health} must carry {@code
 * Authorization: Bearer <token>}; the others answer 401 with a JSON error and {@code
 * WWW-Authenticate}. {@code /health} stays open so that load balancers and the cluster tooling
 * can probe liveness without the token; {@code /metrics} needs it (scrapers send it, e.g.
 * Prometheus {@code authorization.credentials_file}).
 *
 * @param tls the server's certificate, or null for plain HTTP
 * @param token the token every request must carry, or null for none
 */
public record HttpSecurity(TlsFiles tls, BearerToken token) {
  /** Plain HTTP, no token. */
  public static final HttpSecurity NONE = new HttpSecurity(null, null);

  /** The only path served without the token. */
  public static final String OPEN_PATH = "/health";

  /** The TLS files, if any. */
  public Optional<TlsFiles> tlsFiles() {
    return Optional.ofNullable(tls);
  }

  /**
   * The options of a node's HTTP server: TLS when configured, and no WebSocket compression
   * offered. No node serves a WebSocket; without compression offered for one, Vert.x leaves its
   * WebSocket extension handler out of every connection's pipeline (it looked at every request).
   */
  public HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
    return tls == null ? options : tls.apply(options);
  }

  /**
   * Whether {@code req} may be served: no token configured, the open path, or the right token.
   * The open path is compared with the raw request path, so that a path which only normalises to
   * it ({@code /v1/kv/../../health}) still needs the token.
   */
  public boolean allows(HttpServerRequest req) {
    if (token == null || OPEN_PATH.equals(req.path())) {
      return true;
    }
    return token.accepts(req.getHeader(HttpHeaders.AUTHORIZATION));
  }

  /** Answers 401 {@code unauthorized} with a JSON error and a {@code WWW-Authenticate} challenge. */
  public static void refuse(HttpServerRequest req) {
    boolean given = req.getHeader(HttpHeaders.AUTHORIZATION) != null;
    String message = given
        ? "the Authorization header does not carry the right bearer token"
        : "this endpoint needs an Authorization: Bearer <token> header";
    HttpServerResponse r = req.response();
    if (r.ended() || r.headWritten()) {
      return;
    }
    r.setStatusCode(401)
        .putHeader("WWW-Authenticate", given
            ? "Bearer realm=\"ringtx\", error=\"invalid_token\""
            : "Bearer realm=\"ringtx\"")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end("{\"error\":\"unauthorized\",\"message\":\"" + message + "\"}");
  }
}
