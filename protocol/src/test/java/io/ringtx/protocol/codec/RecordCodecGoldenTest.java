package io.ringtx.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.ringtx.protocol.log.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Today's {@link RecordCodec} against the golden files of released formats (STYLE §4: decoders
 * accept the current and previous version; golden files are never edited), and against damaged
 * bytes, which must be refused rather than guessed at.
 */
class RecordCodecGoldenTest {

  static Stream<String> v1Files() {
    return GoldenRecords.v1().keySet().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("v1Files")
  void decode_ofV1GoldenFile_givesExactRecord(String name) {
    LogRecord expected = GoldenRecords.v1().get(name);

    LogRecord decoded = RecordCodec.decode(golden(name), "golden v1/" + name);

    assertThat(decoded).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("v1Files")
  void encode_ofCurrentVersion_reproducesGoldenBytes(String name) {
    // Changing the bytes of the current version without bumping FORMAT_VERSION would make old
    // files mean something else; a real format change adds a v2 directory instead.
    if (RecordCodec.FORMAT_VERSION != GoldenRecords.VERSION) {
      return;
    }
    assertThat(RecordCodec.encode(GoldenRecords.v1().get(name))).isEqualTo(golden(name));
  }

  @Test
  void goldenFiles_coverEveryLogRecordType() {
    Set<String> typeNames =
        Arrays.stream(LogRecord.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name)
            .collect(Collectors.toSet());
    Set<Class<?>> goldenTypes =
        GoldenRecords.v1().values().stream().map(Object::getClass).collect(Collectors.toSet());

    assertThat(GoldenRecords.v1().keySet()).containsAll(typeNames);
    assertThat(goldenTypes).containsExactlyInAnyOrderElementsOf(recordTypes(LogRecord.class));
  }

  /** The record types a sealed type permits, through its sealed sub-interfaces. */
  static List<Class<?>> recordTypes(Class<?> sealed) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      if (c.isSealed()) {
        out.addAll(recordTypes(c));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void decode_withAFlippedPayloadByte_failsTheChecksum() {
    byte[] bytes = golden("PREPARED");
    bytes[bytes.length / 2] ^= 0x01;

    assertThatThrownBy(() -> RecordCodec.decode(bytes, "log seq 9"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 9")
        .hasMessageContaining("checksum");
  }

  @Test
  void decode_withAFlippedChecksumByte_failsTheChecksum() {
    byte[] bytes = golden("ABORTED");
    bytes[4] ^= (byte) 0x80;

    assertThatThrownBy(() -> RecordCodec.decode(bytes, "log seq 9"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void decode_ofATruncatedRecord_isRefused() {
    byte[] bytes = golden("COMMITTED");
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);

    assertThatThrownBy(() -> RecordCodec.decode(truncated, "log seq 3"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 3");
  }

  @Test
  void decode_ofARecordCutInsideItsHeader_isReportedTorn() {
    byte[] truncated = Arrays.copyOf(golden("COMMIT"), 5);

    assertThatThrownBy(() -> RecordCodec.decode(truncated, "log seq 4"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 4")
        .hasMessageContaining("torn");
  }

  @Test
  void decode_withBadMagic_isRefused() {
    byte[] bytes = golden("END");
    bytes[0] = 'X';

    assertThatThrownBy(() -> RecordCodec.decode(bytes, "log seq 5"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 5")
        .hasMessageContaining("magic");
  }

  @ParameterizedTest
  @MethodSource("unknownVersions")
  void decode_ofAnUnknownFormatVersion_isRefused(byte version) {
    byte[] bytes = golden("ABORT");
    bytes[2] = version;

    assertThatThrownBy(() -> RecordCodec.decode(bytes, "log seq 6"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 6")
        .hasMessageContaining("version " + version);
  }

  static Stream<Byte> unknownVersions() {
    return Stream.of((byte) 0, (byte) 2, (byte) -1);
  }

  @Test
  void decode_ofAValidChecksumOverAnUnknownType_isRefused() {
    byte[] payload = "{\"type\":\"NO_SUCH_TYPE\",\"txId\":\"t1\"}".getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    byte[] bytes =
        ByteBuffer.allocate(7 + payload.length)
            .put((byte) 'R').put((byte) 'T').put((byte) 1).putInt((int) crc.getValue())
            .put(payload)
            .array();

    assertThatThrownBy(() -> RecordCodec.decode(bytes, "log seq 7"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("log seq 7")
        .hasMessageContaining("undecodable");
  }

  private static byte[] golden(String name) {
    String resource = "/golden/v" + GoldenRecords.VERSION + "/" + name + ".bin";
    try (InputStream in = RecordCodecGoldenTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing golden file " + resource + ": see GoldenFileWriter for the manual step");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
