package io.ringtx.dist.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.api.TxRequest;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** Hand-written frames (JSON text transcoded token by token), raw garbage and bad UTF-8. */
  static Stream<Arguments> malformedBodies() {
    byte[] utf8 = WireCodec.encode(new ReadRequest("éaaé"));
    byte[] overlong = utf8.clone();
    for (int i = 0; i + 1 < overlong.length; i++) {
      if (overlong[i] == 'a' && overlong[i + 1] == 'a') {
        overlong[i] = (byte) 0xC0; // an overlong '/'
        overlong[i + 1] = (byte) 0xAF;
        break;
      }
    }
    return Stream.of(
        Arguments.of("truncated frame", WireCodec.frameFromJson("{\"type\":\"read\",\"key\":")),
        Arguments.of("unknown type", WireCodec.frameFromJson("{\"type\":\"no-such-message\"}")),
        Arguments.of("bad transaction id",
            WireCodec.frameFromJson("{\"type\":\"vote-req\",\"txId\":\"bad id!\"}")),
        Arguments.of("unknown field",
            WireCodec.frameFromJson("{\"type\":\"read\",\"key\":\"k\",\"extra\":1}")),
        Arguments.of("array", WireCodec.frameFromJson("[1,2,3]")),
        Arguments.of("invalid UTF-8", overlong),
        Arguments.of("JSON text", "{\"type\":\"read\",\"key\":\"k\"}".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("garbage", "garbage \u0000\u0001".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("empty", new byte[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBodies")
  void malformedRequest_isRefused_andTheNodeKeepsServing(String what, byte[] body) throws Exception {
    try (LocalCluster c = LocalCluster.start(LocalClusterConfig.defaults(dir))) {
      Message reply = send(c, "ringtx.node.p1", body, "c9");
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
