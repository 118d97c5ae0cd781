package io.ringtx.protocol.codec;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.ringtx.protocol.log.LogRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The one codec of stable-log records. Layout: magic {@code 'R','T'}, a format version byte, a
 * CRC32C of the payload (4 bytes, big-endian), then the payload: the record as JSON with its
 * stable type name. Decoding checks all three and throws {@link CorruptRecordException} naming
 * what failed; it accepts every version listed in {@link #READABLE_VERSIONS}.
 */
public final class RecordCodec {
  /** Version written today. */
  public static final byte FORMAT_VERSION = 1;

  private static final byte[] READABLE_VERSIONS = {1};
  private static final byte MAGIC_0 = 'R';
  private static final byte MAGIC_1 = 'T';
  private static final int HEADER = 7;

  /** Resolved once: resolving the record type per call cost a tenth of each encode. */
  private static final ObjectWriter WRITER = Json.MAPPER.writerFor(LogRecord.class);

  private RecordCodec() {}

  /** Encodes one record. */
  public static byte[] encode(LogRecord record) {
    byte[] payload;
    try {
      payload = WRITER.writeValueAsBytes(record);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + record, e);
    }
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer out = ByteBuffer.allocate(HEADER + payload.length);
    out.put(MAGIC_0).put(MAGIC_1).put(FORMAT_VERSION).putInt((int) crc.getValue()).put(payload);
    return out.array();
  }

  /** Decodes one record; {@code where} names it in errors (for example "log seq 42"). */
  public static LogRecord decode(byte[] bytes, String where) {
    if (bytes.length < HEADER) {
      throw new CorruptRecordException(where + ": record of " + bytes.length + " bytes is torn");
    }
    if (bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
      throw new CorruptRecordException(where + ": bad magic, not a RingTx log record");
    }
    byte version = bytes[2];
    if (Arrays.binarySearch(READABLE_VERSIONS, version) < 0) {
      throw new CorruptRecordException(
          where + ": record format version " + version + " is not readable by this build");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int expected = in.getInt(3);
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER, bytes.length - HEADER);
    if ((int) crc.getValue() != expected) {
      throw new CorruptRecordException(where + ": checksum mismatch");
    }
    LogRecord r;
    try {
      r = Json.MAPPER.readValue(bytes, HEADER, bytes.length - HEADER, LogRecord.class);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new CorruptRecordException(where + ": undecodable payload: " + e.getMessage(), e);
    }
    if (r == null) {
      // A checksummed JSON null: never hand recovery a record that is not there.
      throw new CorruptRecordException(where + ": undecodable payload: null instead of a record");
    }
    return r;
  }
}
