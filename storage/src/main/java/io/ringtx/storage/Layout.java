package io.ringtx.storage;

import io.ringtx.protocol.codec.CorruptRecordException;
import io.ringtx.protocol.codec.RecordCodec;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.step.Versioned;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Byte layout of the column families of store format {@value #STORE_FORMAT}; see {@link
 * RocksNodeStore} for the overview. All integers are big-endian so that RocksDB's bytewise key
 * order is numeric order for the log's sequence numbers. Every decoder names what it decodes in
 * its {@link CorruptRecordException}, because an operator must be able to find the damaged entry.
 */
final class Layout {
  /** Written to {@code meta/format} when a store is created; other formats are refused. */
  static final int STORE_FORMAT = 1;

  static final String DATA = "data";
  static final String LOG = "log";
  static final String TX = "tx";
  static final String META = "meta";

  /** Our column families, in the order their handles are opened. */
  static final List<String> COLUMN_FAMILIES = List.of(DATA, LOG, TX, META);

  // Keys of meta; Strings, not shared byte arrays, which anyone could mutate.
  static final String META_FORMAT = "format";
  static final String META_LAST_SEQ = "lastSeq";
  static final String META_LAST_VERSION = "lastVersion";

  /**
   * Prefix of the metadata entries that callers write ({@link
   * io.ringtx.protocol.step.MetaWrite}): keeps them apart from the store's own keys above.
   */
  static final String META_USER_PREFIX = "user.";

  /** First byte of every value in {@code data}: lets a later format be told apart. */
  static final byte DATA_VALUE_FORMAT = 1;

  private static final int DATA_HEADER = 1 + Long.BYTES;

  private Layout() {}

  /** For names and ids known to be valid (ASCII constants, validated {@code TxId}s). */
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * For keys and values from clients. {@link String#getBytes} would turn an unpaired surrogate
   * into {@code '?'}, silently storing — or reading — a different key or value.
   *
   * @throws IllegalArgumentException naming {@code what} if {@code s} is not valid Unicode
   */
  static byte[] utf8Exact(String s, String what) {
    try {
      ByteBuffer out = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not valid Unicode (unpaired surrogate)", e);
    }
  }

  static byte[] longBytes(long v) {
    return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
  }

  static byte[] intBytes(int v) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(v).array();
  }

  static long decodeLong(byte[] bytes, String where) {
    if (bytes.length != Long.BYTES) {
      throw new CorruptRecordException(where + ": expected 8 bytes, found " + bytes.length);
    }
    return ByteBuffer.wrap(bytes).getLong();
  }

  static int decodeInt(byte[] bytes, String where) {
    if (bytes.length != Integer.BYTES) {
      throw new CorruptRecordException(where + ": expected 4 bytes, found " + bytes.length);
    }
    return ByteBuffer.wrap(bytes).getInt();
  }

  /** The {@code log} key of {@code seq}; seqs are positive, so byte order is numeric order. */
  static byte[] seqKey(long seq) {
    return longBytes(seq);
  }

  static long seqOfKey(byte[] key) {
    if (key.length != Long.BYTES) {
      // Named only when it is wrong: every scan of the log reads every key.
      return decodeLong(key, "log key " + Arrays.toString(key));
    }
    return ByteBuffer.wrap(key).getLong();
  }

  static String where(long seq) {
    return "log seq " + seq;
  }

  /** A {@code log} value: 8-byte append time (epoch millis), then the {@link RecordCodec} bytes. */
  static byte[] logValue(long timeMillis, byte[] encodedRecord) {
    return ByteBuffer.allocate(Long.BYTES + encodedRecord.length)
        .putLong(timeMillis)
        .put(encodedRecord)
        .array();
  }

  static LogEntry decodeLogEntry(long seq, byte[] value) {
    if (value.length < Long.BYTES) {
      throw new CorruptRecordException(
          where(seq) + ": entry of " + value.length + " bytes is torn");
    }
    long timeMillis = ByteBuffer.wrap(value).getLong();
    byte[] record = Arrays.copyOfRange(value, Long.BYTES, value.length);
    return new LogEntry(seq, timeMillis, RecordCodec.decode(record, where(seq)));
  }

  static byte[] metaKey(String key) {
    return utf8Exact(META_USER_PREFIX + key, "metadata key");
  }

  static byte[] dataKey(String key) {
    return utf8Exact(key, "data key");
  }

  /**
   * A {@code data} value: format byte, 8-byte version, then the value as UTF-8.
   *
   * @throws IllegalArgumentException if the value is not valid Unicode
   */
  static byte[] dataValue(String key, String value, long version) {
    byte[] utf8 = utf8Exact(value, "value of data key '" + key + "'");
    return ByteBuffer.allocate(DATA_HEADER + utf8.length)
        .put(DATA_VALUE_FORMAT)
        .putLong(version)
        .put(utf8)
        .array();
  }

  static Versioned decodeDataValue(String key, byte[] bytes) {
    String where = "data key '" + key + "'";
    if (bytes.length < DATA_HEADER) {
      throw new CorruptRecordException(where + ": value of " + bytes.length + " bytes is torn");
    }
    if (bytes[0] != DATA_VALUE_FORMAT) {
      throw new CorruptRecordException(
          where + ": value format " + bytes[0] + " is not readable by this build");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    long version = in.getLong(1);
    if (version <= 0) {
      throw new CorruptRecordException(where + ": stored version " + version + " is not > 0");
    }
    try {
      // A strict decoder: a replacement character would silently change the value.
      String value =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(in.position(DATA_HEADER))
              .toString();
      return new Versioned(value, version);
    } catch (CharacterCodingException e) {
      throw new CorruptRecordException(where + ": value is not valid UTF-8", e);
    }
  }
}
