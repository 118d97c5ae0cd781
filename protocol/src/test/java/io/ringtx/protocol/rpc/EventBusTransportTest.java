package io.ringtx.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBusTransportTest {
  private static final NodeId C1 = NodeId.of("c1");
  private static final NodeId P1 = NodeId.of("p1");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  // DESIGN §5: a retransmitted request is answered from the stored reply — but only a
  // retransmission. Found by the crash tests: a restarted coordinator numbered its requests from
  // 1 again, and a participant answered a read with its stored reply to a commit of the old run.
  @Test
  void aRestartedSender_isNotAnsweredWithTheRepliesToItsPreviousRun() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    await(new EventBusTransport(vertx, P1).serve(P1, (from, request, reply) -> {
      handled.incrementAndGet();
      reply.accept(new StatusReply(((StatusQuery) request).txId(), P1, TxState.UNKNOWN));
    }));

    Message before = await(new EventBusTransport(vertx, C1)
        .request(P1, new StatusQuery(TxId.of("old"), C1, false), 2_000));
    // The same node after a restart: a new transport, with the same sender id.
    Message after = await(new EventBusTransport(vertx, C1)
        .request(P1, new StatusQuery(TxId.of("new"), C1, false), 2_000));

    assertThat(((StatusReply) before).txId()).isEqualTo(TxId.of("old"));
    assertThat(((StatusReply) after).txId()).isEqualTo(TxId.of("new"));
    assertThat(handled).hasValue(2);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
