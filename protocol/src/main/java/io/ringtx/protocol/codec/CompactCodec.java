package io.ringtx.protocol.codec;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteKind;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hand-written encoding of the messages every transaction sends (reads, votes, decisions,
 * acknowledgements, one-phase commits). A frame is the byte {@link #MAGIC} (never the first byte
 * of a Smile frame), a type code, then the record's fields in declaration order: strings as an
 * unsigned variable-length byte count and strict UTF-8 (a nullable string stores count + 1, 0 for
 * null), longs as zig-zag variable-length integers, enums as one byte (the index in this class's
 * fixed tables, + 1 where the field may be null), lists as a count and their elements. The
 * decoder reads exactly the frame: a missing or a trailing byte, an unknown code, an overlong
 * integer or invalid UTF-8 is refused, and every record is built by its own validating
 * constructor, so the checks on ids and fields are those of the JSON form.
 */
final class CompactCodec {
  /** The first byte of every compact frame; a Smile frame starts with ':'. */
  static final byte MAGIC = (byte) 0xB7;

  private static final byte READ = 1;
  private static final byte READ_REPLY = 2;
  private static final byte VOTE_REQUEST = 3;
  private static final byte VOTE = 4;
  private static final byte DECISION = 5;
  private static final byte ACK = 6;
  private static final byte ONE_PHASE = 7;
  private static final byte ONE_PHASE_RESULT = 8;

  // Fixed code tables: a new constant goes at the end, so that codes never change.
  static final Decision[] DECISIONS = {Decision.COMMIT, Decision.ABORT};
  static final VoteKind[] VOTE_KINDS = {
    VoteKind.PREPARE_OK, VoteKind.PREPARE_NOTOK, VoteKind.PREPARE_READONLY
  };
  static final Reason[] REASONS = {
    Reason.CONFLICT, Reason.TIMEOUT, Reason.PARTICIPANT_FAILED, Reason.INVALID,
    Reason.NOT_OWNER, Reason.COORDINATOR_RESTARTED, Reason.OVERLOADED, Reason.ID_REUSED
  };
  static final WriteOp.Kind[] WRITE_KINDS = {
    WriteOp.Kind.PUT, WriteOp.Kind.APPEND, WriteOp.Kind.DELETE
  };

  private CompactCodec() {}

  /** True if {@code m} has a compact encoding. */
  static boolean handles(Message m) {
    return m instanceof ReadRequest || m instanceof ReadReply || m instanceof VoteRequest
        || m instanceof Vote || m instanceof GlobalDecision || m instanceof Ack
        || m instanceof OnePhaseCommit || m instanceof OnePhaseResult;
  }

  /** Encodes a message that {@link #handles} accepts. */
  static byte[] encode(Message m) {
    Out o = new Out();
    o.b(MAGIC);
    if (m instanceof ReadRequest r) {
      o.b(READ).str(r.key());
    } else if (m instanceof ReadReply r) {
      o.b(READ_REPLY).str(r.key()).nullableStr(r.value()).i64(r.version());
    } else if (m instanceof VoteRequest r) {
      o.b(VOTE_REQUEST).str(r.txId().value()).str(r.coordinator().value());
      o.count(r.participants().size());
      for (NodeId p : r.participants()) {
        o.str(p.value());
      }
      reads(o, r.reads());
      writes(o, r.writes());
    } else if (m instanceof Vote v) {
      o.b(VOTE).str(v.txId().value()).str(v.from().value());
      o.b(code(VOTE_KINDS, v.vote(), false)).b(code(REASONS, v.reason(), true));
    } else if (m instanceof GlobalDecision d) {
      o.b(DECISION).str(d.txId().value());
      o.b(code(DECISIONS, d.decision(), false)).b(code(REASONS, d.reason(), true));
    } else if (m instanceof Ack a) {
      o.b(ACK).str(a.txId().value()).str(a.from().value());
      o.b(code(DECISIONS, a.decision(), false));
    } else if (m instanceof OnePhaseCommit c) {
      o.b(ONE_PHASE).str(c.txId().value()).str(c.coordinator().value());
      reads(o, c.reads());
      writes(o, c.writes());
    } else if (m instanceof OnePhaseResult r) {
      o.b(ONE_PHASE_RESULT).str(r.txId().value()).str(r.from().value());
      o.b(code(DECISIONS, r.decision(), false)).b(code(REASONS, r.reason(), true));
    } else {
      throw new IllegalArgumentException("no compact encoding for " + m.getClass().getSimpleName());
    }
    return o.bytes();
  }

  private static void reads(Out o, List<ReadItem> reads) {
    o.count(reads.size());
    for (ReadItem r : reads) {
      o.str(r.key()).i64(r.version());
    }
  }

  private static void writes(Out o, List<WriteOp> writes) {
    o.count(writes.size());
    for (WriteOp w : writes) {
      o.b(code(WRITE_KINDS, w.op(), false)).str(w.key()).nullableStr(w.value());
    }
  }

  private static <E> byte code(E[] table, E value, boolean nullable) {
    if (value == null) {
      if (!nullable) {
        throw new IllegalArgumentException("null where a value is needed");
      }
      return 0;
    }
    for (int i = 0; i < table.length; i++) {
      if (table[i] == value) {
        return (byte) (nullable ? i + 1 : i);
      }
    }
    throw new IllegalStateException(value + " has no code in the compact encoding");
  }

  /**
   * Decodes a frame that starts with {@link #MAGIC}; anything wrong throws {@link
   * MalformedMessageException} naming the problem.
   */
  static Message decode(byte[] bytes) {
    In in = new In(bytes);
    try {
      in.pos = 1;
      int type = in.u8();
      Message m;
      switch (type) {
        case READ:
          m = new ReadRequest(in.str());
          break;
        case READ_REPLY:
          m = new ReadReply(in.str(), in.nullableStr(), in.i64());
          break;
        case VOTE_REQUEST: {
          TxId t = TxId.of(in.str());
          NodeId c = NodeId.of(in.str());
          int n = in.count();
          List<NodeId> ps = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            ps.add(NodeId.of(in.str()));
          }
          m = new VoteRequest(t, c, ps, reads(in), writes(in));
          break;
        }
        case VOTE:
          m = new Vote(TxId.of(in.str()), NodeId.of(in.str()), in.code(VOTE_KINDS, "vote"),
              in.nullableCode(REASONS, "reason"));
          break;
        case DECISION:
          m = new GlobalDecision(TxId.of(in.str()), in.code(DECISIONS, "decision"),
              in.nullableCode(REASONS, "reason"));
          break;
        case ACK:
          m = new Ack(TxId.of(in.str()), NodeId.of(in.str()), in.code(DECISIONS, "decision"));
          break;
        case ONE_PHASE:
          m = new OnePhaseCommit(TxId.of(in.str()), NodeId.of(in.str()), reads(in), writes(in));
          break;
        case ONE_PHASE_RESULT:
          m = new OnePhaseResult(TxId.of(in.str()), NodeId.of(in.str()),
              in.code(DECISIONS, "decision"), in.nullableCode(REASONS, "reason"));
          break;
        default:
          throw new MalformedMessageException(
              "malformed message: unknown compact message type " + type);
      }
      if (in.pos != bytes.length) {
        throw new MalformedMessageException("malformed message: " + (bytes.length - in.pos)
            + " bytes after a complete " + m.getClass().getSimpleName());
      }
      return m;
    } catch (IllegalArgumentException | NullPointerException e) {
      // A record's or an id's own validation refused a field.
      throw new MalformedMessageException("malformed message: " + e.getMessage(), e);
    }
  }

  private static List<ReadItem> reads(In in) {
    int n = in.count();
    List<ReadItem> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new ReadItem(in.str(), in.i64()));
    }
    return out;
  }

  private static List<WriteOp> writes(In in) {
    int n = in.count();
    List<WriteOp> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new WriteOp(in.code(WRITE_KINDS, "op"), in.str(), in.nullableStr()));
    }
    return out;
  }

  /** A growing output buffer. */
  private static final class Out {
    private byte[] buf = new byte[64];
    private int len;

    private void room(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    Out b(byte v) {
      room(1);
      buf[len++] = v;
      return this;
    }

    Out varint(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
      return this;
    }

    Out count(int n) {
      return varint(n);
    }

    Out i64(long v) {
      return varint((v << 1) ^ (v >> 63));
    }

    Out str(String s) {
      return text(s, 0);
    }

    Out nullableStr(String s) {
      return s == null ? varint(0) : text(s, 1);
    }

    private Out text(String s, int bias) {
      int n = s.length();
      boolean ascii = true;
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        varint((long) n + bias);
        room(n);
        for (int i = 0; i < n; i++) {
          buf[len++] = (byte) s.charAt(i); // ASCII: one byte per char
        }
      } else {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        varint((long) u.length + bias);
        room(u.length);
        System.arraycopy(u, 0, buf, len, u.length);
        len += u.length;
      }
      return this;
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, len);
    }
  }

  /** A reader over one frame that refuses to run past its end. */
  private static final class In {
    private final byte[] b;
    private int pos;

    In(byte[] b) {
      this.b = b;
    }

    private static MalformedMessageException truncated(int length) {
      return new MalformedMessageException("malformed message: truncated frame (" + length
          + " bytes)");
    }

    int u8() {
      if (pos >= b.length) {
        throw truncated(b.length);
      }
      return b[pos++] & 0xFF;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          if (shift == 63 && x > 1) {
            break;
          }
          return v;
        }
      }
      throw new MalformedMessageException("malformed message: integer longer than 64 bits at "
          + "offset " + pos);
    }

    long i64() {
      long z = varint();
      return (z >>> 1) ^ -(z & 1);
    }

    /** A count of elements of at least one byte each, so never more than the bytes left. */
    int count() {
      long n = varint();
      // A varint may carry a 64-bit value with the top bit set: negative as a long.
      if (n < 0 || n > b.length - pos) {
        throw new MalformedMessageException("malformed message: a count of " + n
            + " with only " + (b.length - pos) + " bytes left");
      }
      return (int) n;
    }

    String str() {
      return text(varint());
    }

    String nullableStr() {
      long n = varint();
      return n == 0 ? null : text(n - 1);
    }

    private String text(long n) {
      // Negative (the top bit of a 64-bit varint): its low 32 bits could pass as a length.
      if (n < 0 || n > Json.MAX_STRING_LENGTH) {
        throw new MalformedMessageException("malformed message: string length " + n
            + " exceeds the maximum length " + Json.MAX_STRING_LENGTH);
      }
      if (n > b.length - pos) {
        throw truncated(b.length);
      }
      int from = pos;
      int to = pos + (int) n;
      pos = to;
      int k = from;
      while (k < to && b[k] >= 0) {
        k++;
      }
      if (k == to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1); // ASCII
      }
      int bad = Utf8.firstInvalidOffset(b, k, to);
      if (bad >= 0) {
        throw new MalformedMessageException(
            "malformed message: not valid UTF-8 (first bad byte at offset " + bad + ")");
      }
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    <E> E code(E[] table, String field) {
      int c = u8();
      if (c >= table.length) {
        throw new MalformedMessageException("malformed message: unknown " + field + " code " + c);
      }
      return table[c];
    }

    <E> E nullableCode(E[] table, String field) {
      int c = u8();
      if (c == 0) {
        return null;
      }
      if (c > table.length) {
        throw new MalformedMessageException("malformed message: unknown " + field + " code " + c);
      }
      return table[c - 1];
    }
  }
}
