package io.ringtx.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.WriteOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact encoding's fixed code tables cover every constant exactly once. */
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
}
