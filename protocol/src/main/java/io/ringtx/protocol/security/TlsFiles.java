package io.ringtx.protocol.security;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The PEM files of a node's TLS: its certificate (chain), its PKCS#8 private key, and the CA
 * certificates it trusts for node-to-node traffic. One set serves every server of the node (the
 * HTTP endpoint and the RPC server or event bus) and is also the client certificate it presents
 * to other nodes.
 */
public record TlsFiles(Path cert, Path key, Path ca) {
  public TlsFiles {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
  }

  /**
   * Reads every file as TLS will and checks that the key belongs to the certificate.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public TlsFiles check() {
    List<X509Certificate> chain = Pem.certificates(cert);
    PrivateKey k = Pem.privateKey(key);
    if (!Pem.matches(k, chain.get(0))) {
      throw new IllegalArgumentException(key + ": this key does not belong to the certificate in "
          + cert);
    }
    Pem.certificates(ca);
    return this;
  }

  /** The node's certificate and key, for Vert.x. */
  public PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
  }

  /** The trusted CA certificates, for Vert.x. */
  public PemTrustOptions trust() {
    return new PemTrustOptions().addCertPath(ca.toString());
  }

  /** {@code options} serving HTTPS with this certificate. */
  public HttpServerOptions apply(HttpServerOptions options) {
    return options.setSsl(true).setKeyCertOptions(keyCert());
  }

  /**
   * {@code options} with TLS on the event bus in both directions: this node's certificate for
   * its server and as its client certificate, the CA to check peers, and a client certificate
   * required of every node that connects (mutual TLS: a process without a certificate from the
   * cluster's CA cannot send on the bus).
   */
  public EventBusOptions apply(EventBusOptions options) {
    options.setSsl(true)
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setClientAuth(ClientAuth.REQUIRED);
    return options;
  }

  /**
   * {@code options} of a node's RPC server (the direct TCP transport) with mutual TLS, as
   * {@link #apply(EventBusOptions)}: this certificate, the CA to check peers, a client
   * certificate from that CA required of every node that connects.
   */
  public NetServerOptions applyToRpcServer(NetServerOptions options) {
    options.setSsl(true)
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setClientAuth(ClientAuth.REQUIRED);
    return options;
  }

  /**
   * {@code options} of a node's RPC client with mutual TLS: this certificate as the client
   * certificate, the CA to check the server. No host name check, as on the event bus: a node is
   * trusted for holding a certificate from the cluster's CA, whatever address it was reached at.
   */
  public NetClientOptions applyToRpcClient(NetClientOptions options) {
    options.setSsl(true)
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setHostnameVerificationAlgorithm("");
    return options;
  }
}
