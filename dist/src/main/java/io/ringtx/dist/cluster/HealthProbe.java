package io.ringtx.dist.cluster;

import io.ringtx.protocol.rpc.VertxSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks nodes {@code GET /health} (200 {@code {"status":"UP"}} when the node serves; open even
 * when the nodes require a bearer token). Owns a Vert.x instance; close it when done.
 */
public final class HealthProbe implements AutoCloseable {

  /** The answer: an HTTP status, or why there was none. */
  public record Health(int status, String error) {
    public boolean ok() {
      return status == 200;
    }

    /** {@code /health answered 503} or {@code /health: Connection refused}. */
    public String describe() {
      return error != null ? "/health: " + error : "/health answered " + status;
    }
  }

  private final Vertx vertx;
  private final WebClient web;

  public HealthProbe() {
    this(Optional.empty());
  }

  /**
   * @param trustedCa a PEM file of CA certificates to trust for {@code https://} URLs (a cluster
   *     with TLS on); empty: the JVM's default trust store
   */
  public HealthProbe(Optional<Path> trustedCa) {
    this.vertx = VertxSetup.vertx();
    WebClientOptions options = new WebClientOptions()
        .setConnectTimeout(2_000)
        .setKeepAlive(false)
        .setUserAgent("ringtx-cluster");
    trustedCa.ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    this.web = WebClient.create(vertx, options);
  }

  /** Asks {@code baseUrl + "/health"}, answering within about {@code timeout}. */
  public Future<Health> check(String baseUrl, Duration timeout) {
    long millis = Math.max(1, timeout.toMillis());
    return web.getAbs(baseUrl + "/health")
        .timeout(millis)
        .send()
        .map(r -> new Health(r.statusCode(), null))
        .otherwise(e -> new Health(0, e.getMessage() != null ? e.getMessage() : e.toString()));
  }

  /** {@link #check} and wait for its answer; never blocks longer than about {@code timeout}. */
  public Health checkNow(String baseUrl, Duration timeout) throws InterruptedException {
    try {
      return check(baseUrl, timeout)
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return new Health(0, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      return new Health(0, "no answer within " + timeout.toMillis() + " ms");
    }
  }

  @Override
  public void close() {
    web.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot close the health probe's Vert.x", e);
    }
  }
}
