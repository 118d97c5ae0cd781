package io.ringtx.dist.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.rpc.FaultInjector;
import io.ringtx.protocol.rpc.RequestAuth;
import io.ringtx.protocol.rpc.TcpTransport;
import io.ringtx.protocol.security.TlsFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the TCP transport, with the files of {@code ringtx certs dev}: nodes with the
 * cluster's certificates talk; a process without TLS, or with TLS but no client certificate, is
 * never served.
 */
class TcpTransportTlsTest {
  private static final NodeId C1 = NodeId.of("c1");
  private static final NodeId P1 = NodeId.of("p1");
  private static final String HOST = "127.0.0.1";

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final Map<NodeId, SocketAddress> addresses = new ConcurrentHashMap<>();
  private final AtomicInteger handled = new AtomicInteger();

  @AfterEach
  void tearDown() throws Exception {
    get(vertx.close());
  }

  private TlsFiles tls() throws Exception {
    DevCerts.write(dir, 2, false);
    return new TlsFiles(dir.resolve("node.pem"), dir.resolve("node-key.pem"),
        dir.resolve("ca.pem")).check();
  }

  private TcpTransport server(TlsFiles tls) throws Exception {
    TcpTransport p1 = new TcpTransport(vertx, P1, HOST, 0, addresses::get, FaultInjector.NONE,
        RequestAuth.NONE, tls);
    get(p1.serve(P1, (from, request, reply) -> {
      handled.incrementAndGet();
      reply.accept(new StatusReply(((StatusQuery) request).txId(), P1, TxState.UNKNOWN));
    }));
    addresses.put(P1, SocketAddress.inetSocketAddress(p1.port(), HOST));
    return p1;
  }

  private static StatusQuery query(String tx) {
    return new StatusQuery(TxId.of(tx), C1, false);
  }

  @Test
  void nodesWithTheClustersCertificates_talk() throws Exception {
    TlsFiles tls = tls();
    server(tls);
    TcpTransport c1 = new TcpTransport(vertx, C1, HOST, 0, addresses::get, FaultInjector.NONE,
        RequestAuth.NONE, tls);

    Message reply = get(c1.request(P1, query("t1"), 5_000));

    assertThat(((StatusReply) reply).txId()).isEqualTo(TxId.of("t1"));
    assertThat(handled).hasValue(1);
  }

  @Test
  void aNodeWithoutTls_isNeverServed() throws Exception {
    server(tls());
    TcpTransport plain = new TcpTransport(vertx, C1, HOST, 0, addresses::get);

    assertThatThrownBy(() -> get(plain.request(P1, query("t1"), 1_000)))
        .cause().hasMessageContaining("no reply from p1");
    assertThat(handled).hasValue(0);
  }

  @Test
  void aTlsClientWithoutAClientCertificate_isRefusedAtTheHandshake() throws Exception {
    TlsFiles tls = tls();
    TcpTransport p1 = server(tls);
    NetClientOptions noCert = new NetClientOptions().setSsl(true).setTrustOptions(tls.trust())
        .setHostnameVerificationAlgorithm("");

    // TLS 1.2 fails the handshake; with TLS 1.3 the client's side of it completes and the server
    // then closes the connection. Either way it ends, and nothing is served.
    Promise<String> ended = Promise.promise();
    vertx.createNetClient(noCert).connect(p1.port(), HOST).onComplete(ar -> {
      if (ar.failed()) {
        ended.tryComplete("refused at the handshake");
      } else {
        ar.result().closeHandler(v -> ended.tryComplete("closed by the server"));
      }
    });

    assertThat(get(ended.future())).isNotNull();
    assertThat(handled).hasValue(0);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
