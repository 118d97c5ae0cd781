package io.ringtx.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.security.ClusterSecret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.ringtx.protocol.codec.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests between nodes carry a MAC of the cluster secret; without the right one, no answer. */
class EventBusTransportAuthTest {
  private static final NodeId C1 = NodeId.of("c1");
  private static final NodeId P1 = NodeId.of("p1");
  private static final ClusterSecret SECRET =
      ClusterSecret.of("the-right-cluster-secret".getBytes(StandardCharsets.UTF_8));
  private static final ClusterSecret OTHER =
      ClusterSecret.of("another-cluster-secret!".getBytes(StandardCharsets.UTF_8));

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger handled = new AtomicInteger();
  private EventBusTransport server;

  @BeforeEach
  void serve() throws Exception {
    server = new EventBusTransport(vertx, P1, FaultInjector.NONE, SECRET);
    await(server.serve(P1, (from, request, reply) -> {
      handled.incrementAndGet();
      reply.accept(new StatusReply(((StatusQuery) request).txId(), P1, TxState.UNKNOWN));
    }));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private static StatusQuery query(String tx) {
    return new StatusQuery(TxId.of(tx), C1, false);
  }

  @Test
  void aRequestWithTheSameSecret_isServed() throws Exception {
    Message reply = await(new EventBusTransport(vertx, C1, FaultInjector.NONE, SECRET)
        .request(P1, query("t1"), 2_000));

    assertThat(((StatusReply) reply).txId()).isEqualTo(TxId.of("t1"));
    assertThat(handled).hasValue(1);
    assertThat(server.refused()).isZero();
  }

  @Test
  void aRequestWithAnotherSecret_isRefusedAtOnceAndNeverHandled() {
    EventBusTransport outsider = new EventBusTransport(vertx, C1, FaultInjector.NONE, OTHER);

    assertThatThrownBy(() -> await(outsider.request(P1, query("t1"), 2_000)))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ReplyException.class)
        .hasMessageContaining("RTX-8102")
        .satisfies(e -> assertThat(((ReplyException) e).failureCode())
            .isEqualTo(EventBusTransport.REFUSED_CODE));
    assertThat(handled).hasValue(0);
    assertThat(server.refused()).isEqualTo(1);
    // Refused, not timed out: the sender does not retransmit a refusal.
    assertThat(outsider.retransmissions()).isZero();
  }

  @Test
  void aRequestWithoutAnySecret_isRefused() {
    EventBusTransport plain = new EventBusTransport(vertx, C1);

    assertThatThrownBy(() -> await(plain.request(P1, query("t1"), 2_000)))
        .cause().hasMessageContaining("RTX-8102");
    assertThat(handled).hasValue(0);
  }

  @Test
  void aReplayedMacOnAnotherBody_isRefused() {
    // A MAC seen on the wire, attached to a forged body with the same sender and request id.
    byte[] genuine = WireCodec.encode(query("t1"));
    String mac = SECRET.sign("c1", "c1:1:1", genuine);
    byte[] forged = WireCodec.encode(query("t2"));
    DeliveryOptions opts = new DeliveryOptions().addHeader("from", "c1").addHeader("rid", "c1:1:1")
        .addHeader("mac", mac).setSendTimeout(2_000);

    assertThatThrownBy(() -> await(vertx.eventBus().request("ringtx.node.p1",
        Buffer.buffer(forged), opts)))
        .cause().hasMessageContaining("RTX-8102");
    assertThat(handled).hasValue(0);
  }

  @Test
  void aReplyFromANodeWithAnotherSecret_isNotBelieved() throws Exception {
    NodeId p2 = NodeId.of("p2");
    await(new EventBusTransport(vertx, p2, FaultInjector.NONE, RequestAuth.NONE)
        .serve(p2, (from, request, reply) ->
            reply.accept(new StatusReply(((StatusQuery) request).txId(), p2, TxState.COMMIT))));
    EventBusTransport client = new EventBusTransport(vertx, C1, FaultInjector.NONE, SECRET);

    // The unauthenticated server answers anything; its answer must still not count.
    assertThatThrownBy(() -> await(client.request(p2, query("t1"), 2_000)))
        .cause().hasMessageContaining("RTX-8103");
    assertThat(client.refused()).isEqualTo(1);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
