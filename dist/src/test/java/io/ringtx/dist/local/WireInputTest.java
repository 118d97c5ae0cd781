package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.coordinator.api.TxRequest;
import io.ringtx.protocol.codec.WireCodec;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.WriteOp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input on the wire is refused with an error naming the problem; the node keeps serving. */
class WireInputTest {
  @TempDir Path dir;

  Message send(LocalCluster c, String address, byte[] body, String from) throws Exception {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(5_000);
    if (from != null) {
      o.addHeader("from", from);
    }
    Buffer reply = c.vertx().eventBus().<Buffer>request(address, Buffer.buffer(body), o)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    return WireCodec.decode(reply.getBytes());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"type\":\"read\",\"key\":",
    "{\"type\":\"no-such-message\"}",
    "garbage \u0000\u0001",
    "{\"type\":\"vote-req\",\"txId\":\"bad id!\"}",
    "{\"type\":\"read\",\"key\":\"k\",\"extra\":1}",
    "[1,2,3]",
    ""
  })
  void malformedRequest_isRefused_andTheNodeKeepsServing(String body) throws Exception {
    try (LocalCluster c = LocalCluster.start(LocalClusterConfig.defaults(dir))) {
      Message reply = send(c, "ringtx.node.p1", body.getBytes(StandardCharsets.UTF_8), "c9");
      assertThat(reply).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) reply).code()).isEqualTo(ErrorReply.Code.BAD_REQUEST);
      assertThat(((ErrorReply) reply).message()).isNotBlank();

      assertThat(c.coordinator().commit(new TxRequest(TxId.of("after-garbage"), List.of(),
          List.of(WriteOp.put("k1", "v"), WriteOp.put("k2", "v")))).get(10, TimeUnit.SECONDS)
          .outcome()).isEqualTo(Outcome.COMMITTED);
    }
  }

  @Test
  void requestWithoutSenderOrWithBadSender_isRefused() throws Exception {
    try (LocalCluster c = LocalCluster.start(LocalClusterConfig.defaults(dir))) {
      byte[] ok = WireCodec.encode(new ReadRequest("k"));
      assertThat(send(c, "ringtx.node.p2", ok, null)).isInstanceOf(ErrorReply.class);
      assertThat(send(c, "ringtx.node.p2", ok, "not a node id")).isInstanceOf(ErrorReply.class);
      // Well-formed: served (a read, or NOT_OWNER if p2 does not own the key), not refused.
      Message served = send(c, "ringtx.node.p2", ok, "c9");
      assertThat(served instanceof ErrorReply e && e.code() == ErrorReply.Code.BAD_REQUEST).isFalse();
    }
  }
}
