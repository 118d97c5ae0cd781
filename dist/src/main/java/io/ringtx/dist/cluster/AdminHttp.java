package io.ringtx.dist.cluster;

import io.ringtx.protocol.security.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The operator tools' HTTP calls to a cluster's nodes ({@code ringtx ring}, {@code ringtx cluster
 * add|leave}): over {@code https://} trusting the cluster's CA when TLS is on, with the bearer
 * token when the nodes require one (docs/security.md). Without either, plain JDK defaults.
 */
public final class AdminHttp {
  private final HttpClient http;
  private final String token;

  /**
   * @param trustedCa PEM file of the CA certificates to trust for {@code https://} URLs; empty:
   *     the JVM's default trust store
   * @param token the bearer token the nodes require; empty: none sent
   * @throws IllegalArgumentException if the CA file is not readable PEM certificates
   */
  public AdminHttp(Optional<Path> trustedCa, Optional<String> token) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    trustedCa.ifPresent(ca -> b.sslContext(trusting(ca)));
    this.http = b.build();
    this.token = token.orElse(null);
  }

  /** What the tools need for the cluster of {@code layout}: its CA and its token, if any. */
  public static AdminHttp of(ClusterLayout layout) {
    return new AdminHttp(layout.trustedCa(), layout.apiToken());
  }

  /**
   * Reads a bearer token from {@code file} as {@code --token-file} does for every tool.
   *
   * @throws IllegalArgumentException naming the problem (missing, unreadable, empty)
   */
  public static String readToken(Path file) {
    return new String(Pem.secret(file), StandardCharsets.UTF_8);
  }

  /** {@code GET url}. */
  public HttpResponse<String> get(String url, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(request(url, timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST url} with no body. */
  public HttpResponse<String> post(String url, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(request(url, timeout).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST url} with no body, answered later. */
  public java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String url,
      Duration timeout) {
    return http.sendAsync(request(url, timeout).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A one-line explanation of a refused call, for the tools' error messages: 401 names the
   * missing or wrong token.
   */
  public static String refusal(String url, HttpResponse<String> r) {
    if (r.statusCode() == 401) {
      return url + " answered 401 Unauthorized: the cluster requires a bearer token"
          + " (--token-file FILE), and the one sent, if any, is not it";
    }
    String body = r.body() == null ? "" : r.body().strip();
    return url + " answered " + r.statusCode()
        + (body.isEmpty() ? "" : " " + body.substring(0, Math.min(200, body.length())));
  }

  private HttpRequest.Builder request(String url, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + url);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static SSLContext trusting(Path caPem) {
    List<X509Certificate> certs = Pem.certificates(caPem);
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        ks.setCertificateEntry("ca" + i, certs.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot build a TLS context: " + e, e);
    }
  }
}
