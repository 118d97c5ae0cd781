package io.ringtx.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ringtx.protocol.codec.CorruptRecordException;
import io.ringtx.protocol.codec.RecordCodec;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.CoordinatorAbort;
import io.ringtx.protocol.log.CoordinatorCommit;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes for the log reader (STYLE §4): corrupted, truncated, wrong-version and
 * bad-checksum records. Every one is refused with {@link CorruptRecordException} whose message
 * names the record it was given ("log seq N") and what is wrong; none decodes to a different
 * record. Payloads with a correct checksum but garbage inside are refused the same way.
 */
class RecordCodecFuzzTest {
  static final String REPLAY = "mvn -B -q verify -pl protocol -am -Dtest=RecordCodecFuzzTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false";

  static final TxId T = TxId.of("c1-9");
  static final List<NodeId> PS = List.of(NodeId.of("p1"), NodeId.of("p2"));
  static final List<KeyWrite> W = List.of(new KeyWrite("a", "1"), new KeyWrite("b", null));
  static final List<LogRecord> SAMPLES = List.of(
      new Prepared(T, NodeId.of("c1"), PS, List.of("r"), W),
      new Committed(T, 42, W), new Aborted(T, Reason.OVERLOADED),
      new CoordinatorCommit(T, PS), new CoordinatorAbort(T, PS, Reason.TIMEOUT),
      new CoordinatorEnd(T, Decision.COMMIT, null, PS));

  /** Refused naming {@code where}, or — only when the bytes are unchanged — the record itself. */
  static void refusedNamingTheRecord(byte[] bytes, byte[] original, LogRecord record, long seq) {
    String where = "log seq " + seq;
    LogRecord decoded;
    try {
      decoded = RecordCodec.decode(bytes, where);
    } catch (CorruptRecordException e) {
      assertThat(e.getMessage()).startsWith(where + ": ");
      return;
    }
    // CRC32C catches every change of up to 32 bits in a burst; a multi-byte mutation could in
    // principle keep it, but then the payload must still be the same record.
    assertThat(Arrays.equals(bytes, original) || decoded.equals(record))
        .as("mutated bytes decoded to %s", decoded).isTrue();
  }

  @Test
  void mutatedRecords_areRefusedNamingTheRecord() {
    Fuzz.cases(5000, REPLAY, rnd -> {
      LogRecord r = SAMPLES.get(rnd.nextInt(SAMPLES.size()));
      byte[] original = RecordCodec.encode(r);
      byte[] b = Fuzz.mutate(rnd, original);
      refusedNamingTheRecord(b, original, r, rnd.nextInt(1_000_000));
    });
  }

  @Test
  void randomBytes_areRefusedNamingTheRecord() {
    Fuzz.cases(3000, REPLAY, rnd -> {
      byte[] b = Fuzz.bytes(rnd, 100);
      if (rnd.nextBoolean() && b.length >= 3) {
        b[0] = 'R';
        b[1] = 'T';
        b[2] = RecordCodec.FORMAT_VERSION;
      }
      long seq = rnd.nextInt(1000);
      assertThat(catchThrowable(() -> RecordCodec.decode(b, "log seq " + seq)))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageStartingWith("log seq " + seq + ": ");
    });
  }

  @Test
  void everyTruncation_isRefusedAsTornOrBadChecksum() {
    for (LogRecord r : SAMPLES) {
      byte[] b = RecordCodec.encode(r);
      for (int len = 0; len < b.length; len++) {
        byte[] cut = Arrays.copyOf(b, len);
        assertThat(catchThrowable(() -> RecordCodec.decode(cut, "log seq 5")))
            .as("%s cut to %d bytes", r, len)
            .isInstanceOf(CorruptRecordException.class)
            .hasMessageStartingWith("log seq 5: ")
            .hasMessageMatching(len < 7 ? ".*torn.*" : ".*checksum mismatch.*");
      }
    }
  }

  @Test
  void everyOtherVersion_isRefusedAsUnreadable() {
    byte[] b = RecordCodec.encode(SAMPLES.get(0));
    for (int v = -128; v < 128; v++) {
      if (v == RecordCodec.FORMAT_VERSION) {
        continue;
      }
      b[2] = (byte) v;
      assertThat(catchThrowable(() -> RecordCodec.decode(b, "log seq 9")))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessage("log seq 9: record format version " + v + " is not readable by this build");
    }
  }

  /** A record with a correct checksum over {@code payload}: only the payload is wrong. */
  static byte[] withValidChecksum(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return ByteBuffer.allocate(7 + payload.length).put((byte) 'R').put((byte) 'T')
        .put(RecordCodec.FORMAT_VERSION).putInt((int) crc.getValue()).put(payload).array();
  }

  @Test
  void garbagePayloadsUnderAValidChecksum_areRefusedAsUndecodable() {
    Fuzz.cases(3000, REPLAY, rnd -> {
      LogRecord r = SAMPLES.get(rnd.nextInt(SAMPLES.size()));
      byte[] payload = Arrays.copyOfRange(RecordCodec.encode(r), 7, RecordCodec.encode(r).length);
      byte[] mutated = Fuzz.mutate(rnd, payload);
      byte[] b = withValidChecksum(mutated);
      try {
        LogRecord decoded = RecordCodec.decode(b, "log seq 3");
        // A mutation that still parses (a changed letter inside a key, say) is a valid record.
        assertThat(RecordCodec.decode(RecordCodec.encode(decoded), "again")).isEqualTo(decoded);
      } catch (CorruptRecordException e) {
        assertThat(e.getMessage()).startsWith("log seq 3: undecodable payload: ");
      }
    });
  }

  @Test
  void aChecksummedJsonNull_isRefusedNotReturnedAsNoRecord() {
    for (String payload : List.of("null", "[]", "{}", "\"ABORTED\"", "7")) {
      byte[] b = withValidChecksum(payload.getBytes(StandardCharsets.UTF_8));
      assertThat(catchThrowable(() -> RecordCodec.decode(b, "log seq 4")))
          .as(payload)
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageStartingWith("log seq 4: undecodable payload: ");
    }
  }

  @Test
  void deepOrHugePayloads_areRefusedAsUndecodable() {
    byte[] deep = withValidChecksum(Fuzz.deepJson("{\"type\":\"ABORTED\",\"txId\":", 100_000));
    assertThat(catchThrowable(() -> RecordCodec.decode(deep, "log seq 1")))
        .isInstanceOf(CorruptRecordException.class).hasMessageStartingWith("log seq 1: undecodable");
    byte[] huge = withValidChecksum(("{\"type\":\"ABORTED\",\"txId\":\""
        + "t".repeat(17 * 1024 * 1024) + "\",\"reason\":\"TIMEOUT\"}")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(catchThrowable(() -> RecordCodec.decode(huge, "log seq 2")))
        .isInstanceOf(CorruptRecordException.class).hasMessageStartingWith("log seq 2: undecodable");
  }
}
