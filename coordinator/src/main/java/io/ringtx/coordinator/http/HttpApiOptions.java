package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.TxBodies;
import io.ringtx.protocol.security.HttpSecurity;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the HTTP API: where it listens, the largest request body it reads (larger bodies
 * answer 413 {@code body_too_large}), how long it waits for the service before answering 503
 * {@code timeout} (a safety net: the engine has its own 2PC timeouts and should answer first),
 * how many commits and reads it lets in flight at once (beyond that, 503 {@code overloaded} at
 * once), and the pause it suggests to refused clients.
 *
 * @param host address to bind; {@link #DEFAULT_HOST} unless told otherwise
 * @param port port to bind; 0 picks a free port (see {@link HttpApi#port()})
 * @param maxBodyBytes largest accepted request body
 * @param requestTimeout longest wait for the service on one request
 * @param maxInFlight most commits and reads handed to the service and not yet answered
 * @param retryAfter the pause suggested with a 503 {@code overloaded} or {@code shutting_down}
 * @param security TLS and bearer token ({@link HttpSecurity#NONE}: plain HTTP, no token)
 */
public record HttpApiOptions(
    String host,
    int port,
    long maxBodyBytes,
    Duration requestTimeout,
    int maxInFlight,
    Duration retryAfter,
    HttpSecurity security) {
  /** Loopback: the API is only reachable from outside when the operator asks for it. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /**
   * 64 MiB. A transaction at every limit at once (10,000 keys of 1 MiB values) cannot be sent in
   * one body anyway; this cap keeps one request's memory bounded while leaving room for tens of
   * maximum-size values.
   */
  public static final long DEFAULT_MAX_BODY_BYTES = TxBodies.DEFAULT_MAX_BODY_BYTES;

  /** Thirty seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * 1,000 commits and reads in flight: well above what a coordinator serves at its best
   * throughput (a few hundred concurrent clients), low enough that queued requests cannot
   * exhaust memory or push every answer past the clients' timeouts.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;

  /** 200 ms. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMillis(200);

  /** Validates the settings. */
  public HttpApiOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(security, "security");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535: " + port);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
    }
  }

  /** Defaults on the given host and port. */
  public static HttpApiOptions of(String host, int port) {
    return new HttpApiOptions(host, port, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_MAX_IN_FLIGHT, DEFAULT_RETRY_AFTER, HttpSecurity.NONE);
  }

  /** Defaults on {@link #DEFAULT_HOST} and the given port. */
  public static HttpApiOptions onPort(int port) {
    return of(DEFAULT_HOST, port);
  }

  /** A copy with another body limit. */
  public HttpApiOptions withMaxBodyBytes(long bytes) {
    return new HttpApiOptions(host, port, bytes, requestTimeout, maxInFlight, retryAfter,
        security);
  }

  /** A copy with another request timeout. */
  public HttpApiOptions withRequestTimeout(Duration timeout) {
    return new HttpApiOptions(host, port, maxBodyBytes, timeout, maxInFlight, retryAfter,
        security);
  }

  /** A copy with another bound on commits and reads in flight. */
  public HttpApiOptions withMaxInFlight(int max) {
    return new HttpApiOptions(host, port, maxBodyBytes, requestTimeout, max, retryAfter,
        security);
  }

  /** A copy with another suggested pause for refused clients. */
  public HttpApiOptions withRetryAfter(Duration pause) {
    return new HttpApiOptions(host, port, maxBodyBytes, requestTimeout, maxInFlight, pause,
        security);
  }

  /** A copy with TLS and/or a bearer token. */
  public HttpApiOptions withSecurity(HttpSecurity security) {
    return new HttpApiOptions(host, port, maxBodyBytes, requestTimeout, maxInFlight, retryAfter,
        security);
  }
}
