package io.ringtx.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.HandoffChunk;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RingBatch;
import io.ringtx.protocol.message.RingBatchReply;
import io.ringtx.protocol.message.RingEnvelope;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingMessage;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.VirtualNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring's messages on the wire: every Chord request and response survives a round trip. */
class RingWireTest {
  static final IdSpace SPACE = IdSpace.SHA256_64;
  static final VirtualNode A = new VirtualNode(NodeId.of("p1"), SPACE.id(-5L)); // above 2^63
  static final VirtualNode B = new VirtualNode(NodeId.of("p2"), SPACE.id(42));

  static Message roundTrip(Message m) {
    return WireCodec.decode(WireCodec.encode(m));
  }

  @Test
  void aBatchOfEveryChordRequest_andItsReply_roundTrip() {
    List<RingMessage.Request> requests = List.of(
        new RingMessage.FindSuccessor(7, SPACE.id(99), List.of(SPACE.id(1))),
        new RingMessage.ConfirmOwner(7),
        new RingMessage.GetNeighbours(),
        new RingMessage.Notify(A),
        new RingMessage.Ping(),
        new RingMessage.PredecessorLeaving(A, null),
        new RingMessage.SuccessorLeaving(A, List.of(B)));
    RingBatch batch = new RingBatch(
        requests.stream().map(r -> new RingEnvelope(A, B, r)).toList());
    assertThat(roundTrip(batch)).isEqualTo(batch);
    RingBatchReply reply = new RingBatchReply(List.of(
        new RingMessage.NextHop(B, true), new RingMessage.NextHop(null, false),
        new RingMessage.Neighbours(null, List.of(A, B)), new RingMessage.Ack(),
        new RingMessage.NotInRing()));
    assertThat(roundTrip(reply)).isEqualTo(reply);
  }

  @Test
  void ringInfoAndHandoffChunks_roundTrip() {
    RingInfo info = new RingInfo("p1", "MEMBER", List.of(new RingRange(B.id(), A.id())),
        List.of(), List.of(new RingInfo.VirtualNodeInfo(A, "JOINED", B, List.of(B), List.of(B))));
    assertThat(roundTrip(info)).isEqualTo(info);
    HandoffChunk c = new HandoffChunk("t1", NodeId.of("p1"), new RingRange(B.id(), A.id()), 0,
        true, List.of(new HandoffChunk.Entry("k", "v", 3)));
    assertThat(roundTrip(c)).isEqualTo(c);
  }

  @Test
  void anUnknownChordMessageType_isRefusedAsMalformed() {
    String bad = "{\"type\":\"ring-batch\",\"items\":[{\"from\":{\"node\":\"p1\",\"id\":{\"bits\":64,"
        + "\"value\":1}},\"to\":{\"node\":\"p2\",\"id\":{\"bits\":64,\"value\":2}},"
        + "\"request\":{\"type\":\"java.lang.Runtime\"}}]}";
    assertThatThrownBy(() -> WireCodec.decode(WireCodec.frameFromJson(bad)))
        .isInstanceOf(MalformedMessageException.class);
  }
}
