package io.ringtx.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Entry point of the RingTx Java client: connects to a coordinator's HTTP API (DESIGN §2).
 *
 * <pre>{@code
 * try (RingTxClient client = RingTx.connect("http://127.0.0.1:8080")) {
 *   // A transfer between two accounts: serializable, retried on conflicts.
 *   long left = client.run(tx -> {
 *     long from = Long.parseLong(tx.get("acct/alice").orElse("0"));
 *     long to = Long.parseLong(tx.get("acct/bob").orElse("0"));
 *     if (from < 10) {
 *       throw new IllegalStateException("insufficient funds"); // aborts: nothing is sent
 *     }
 *     tx.put("acct/alice", Long.toString(from - 10));
 *     tx.put("acct/bob", Long.toString(to + 10));
 *     tx.append("log", "alice->bob:10;");
 *     return from - 10;
 *   });
 *
 *   Optional<KeyValue> bob = client.get("acct/bob"); // a plain read, outside any transaction
 * }
 * }</pre>
 *
 * <p>When {@code run} throws {@link TxOutcomeUnknownException} the transaction may have
 * committed: ask {@code client.outcome(e.txId())} later instead of running it again. {@link
 * TxAbortedException} means nothing was written.
 */
public final class RingTx {
  private RingTx() {}

  /**
   * Connects to the coordinator at {@code url} ({@code http://host:port}, optionally with a path
   * prefix, or {@code https://…}) with default options. No request is made until the first call.
   *
   * @throws IllegalArgumentException if the URL is not an http(s) URL with a host
   */
  public static RingTxClient connect(String url) {
    return connect(url, ClientOptions.defaults());
  }

  /** Connects to the coordinator at {@code url} with {@code options}. */
  public static RingTxClient connect(String url, ClientOptions options) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(options, "options");
    return new HttpRingTxClient(endpoint(url), options);
  }

  /**
   * Host, port, TLS and path prefix of an {@code http(s)://} URL.
   *
   * @throws IllegalArgumentException if the URL is not an http(s) URL with a host
   */
  static HttpRingTxClient.Endpoint endpoint(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: '" + url + "'", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("URL must start with http:// or https://: '" + url + "'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("URL has no host: '" + url + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("URL must not have a query or fragment: '" + url + "'");
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : ssl ? 443 : 80;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return new HttpRingTxClient.Endpoint(host, port, ssl, prefix);
  }
}
