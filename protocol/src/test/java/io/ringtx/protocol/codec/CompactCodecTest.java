package io.ringtx.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.WriteOp;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact encoding: its fixed code tables, round trips, and frames it must refuse. */
class CompactCodecTest {
  @Test
  void everyEnumConstantHasOneCode() {
    assertThat(List.of(CompactCodec.DECISIONS)).containsExactlyInAnyOrder(Decision.values());
    assertThat(List.of(CompactCodec.VOTE_KINDS)).containsExactlyInAnyOrder(VoteKind.values());
    assertThat(List.of(CompactCodec.REASONS)).containsExactlyInAnyOrder(Reason.values());
    assertThat(List.of(CompactCodec.WRITE_KINDS)).containsExactlyInAnyOrder(WriteOp.Kind.values());
  }

  @Test
  void theMessagesOfABankTransfer_roundTrip() {
    for (var m : WireCodecMeasure.bankTransfer()) {
      byte[] b = WireCodec.encode(m);
      assertThat(b[0]).isEqualTo(CompactCodec.MAGIC);
      assertThat(WireCodec.decode(b)).isEqualTo(m);
    }
  }

  /**
   * A length or count is a varint of up to 64 bits. One with the top bit set is negative as a
   * long, and its low 32 bits could pass for a small length: found by {@code WireCodecFuzzTest}
   * (seed 58835185304656), where it read past the end of the frame instead of refusing it.
   */
  @Test
  void aStringLengthWithTheTopBitSet_isRefusedAsMalformed() {
    byte[] valid = WireCodec.encode(new Ack(TxId.of("t-1"), NodeId.of("p1"), Decision.COMMIT));
    // marker, type code, then the transaction id's length (3) and its bytes
    assertThat(valid[2]).isEqualTo((byte) 3);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(valid, 0, 2);
    long negative = 0xFFFF_FFFF_0000_0040L; // (int) of it is 64, more than the frame holds
    for (int i = 0; i < 9; i++) {
      frame.write((int) (negative & 0x7F) | 0x80);
      negative >>>= 7;
    }
    frame.write((int) negative);
    frame.write(valid, 3, valid.length - 3);

    assertThatThrownBy(() -> WireCodec.decode(frame.toByteArray()))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("malformed message");
  }
}
