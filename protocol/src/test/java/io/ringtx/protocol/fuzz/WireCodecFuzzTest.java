package io.ringtx.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ringtx.protocol.codec.MalformedMessageException;
import io.ringtx.protocol.codec.WireCodec;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Ack;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.GlobalDecision;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.OnePhaseCommit;
import io.ringtx.protocol.message.OnePhaseResult;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.message.ValidateRequest;
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes for the wire decoder (DESIGN §5: every outside input validated): random bytes,
 * random tokens after a valid header, truncated, mutated and spliced frames of every message
 * type, invalid UTF-8, deep nesting and huge sizes. Each either decodes to a message that encodes and decodes to itself, or is refused with
 * {@link MalformedMessageException} naming the problem; nothing else may escape.
 */
class WireCodecFuzzTest {
  static final String REPLAY = "mvn -B -q verify -pl protocol -am -Dtest=WireCodecFuzzTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false";

  static final TxId T = TxId.of("c1-7");
  static final NodeId P = NodeId.of("p1");
  static final NodeId C = NodeId.of("c1");

  static final List<Message> SAMPLES = List.of(
      new ReadRequest("acct/ä"),
      new ReadReply("k", "v ✓", 7),
      new ReadReply("k", null, 0),
      new VoteRequest(T, C, List.of(P, NodeId.of("p2")), List.of(new ReadItem("a", 3)),
          List.of(WriteOp.put("a", "1"), WriteOp.append("b", "x"), WriteOp.delete("c"))),
      new ValidateRequest(T, List.of(new ReadItem("a", 3))),
      Vote.ok(T, P), Vote.no(T, P, Reason.OVERLOADED), Vote.readOnly(T, P),
      new OnePhaseCommit(T, C, List.of(), List.of(WriteOp.put("a", "1"))),
      new OnePhaseResult(T, P, Decision.ABORT, Reason.CONFLICT),
      GlobalDecision.commit(T), GlobalDecision.abort(T, Reason.TIMEOUT),
      new Ack(T, P, Decision.COMMIT),
      new StatusQuery(T, P, true), new StatusReply(T, P, TxState.READY),
      new ErrorReply(ErrorReply.Code.OVERLOADED, "queue full"),
      TxResult.committed(T), TxResult.aborted(T, Reason.INVALID));

  /** Decodes or refuses cleanly; a decoded message must survive a round trip unchanged. */
  static void decodesOrRefuses(byte[] bytes) {
    Message m;
    try {
      m = WireCodec.decode(bytes);
    } catch (MalformedMessageException e) {
      assertThat(e.getMessage()).startsWith("malformed message: ").hasSizeGreaterThan(19);
      return;
    }
    assertThat(m).isNotNull();
    assertThat(WireCodec.decode(WireCodec.encode(m))).isEqualTo(m);
  }

  @Test
  void everySample_roundTrips() {
    for (Message m : SAMPLES) {
      assertThat(WireCodec.decode(WireCodec.encode(m))).isEqualTo(m);
    }
  }

  @Test
  void randomBytes_areRefusedOrDecodeCleanly() {
    Fuzz.cases(3000, REPLAY, rnd -> decodesOrRefuses(Fuzz.bytes(rnd, 200)));
  }

  @Test
  void randomTokensAfterAValidHeader_areRefusedOrDecodeCleanly() {
    byte[] header = Arrays.copyOf(WireCodec.encode(new ReadRequest("k")), 4);
    Fuzz.cases(3000, REPLAY, rnd -> {
      byte[] tail = Fuzz.bytes(rnd, 200);
      byte[] b = Arrays.copyOf(header, header.length + tail.length);
      System.arraycopy(tail, 0, b, header.length, tail.length);
      decodesOrRefuses(b);
    });
  }

  @Test
  void framesSplicedFromTwoMessages_areRefusedOrDecodeCleanly() {
    Fuzz.cases(3000, REPLAY, rnd -> {
      byte[] a = WireCodec.encode(SAMPLES.get(rnd.nextInt(SAMPLES.size())));
      byte[] b = WireCodec.encode(SAMPLES.get(rnd.nextInt(SAMPLES.size())));
      int cut = rnd.nextInt(a.length + 1);
      int from = rnd.nextInt(b.length + 1);
      decodesOrRefuses(Fuzz.splice(a, cut, a.length, Arrays.copyOfRange(b, from, b.length)));
    });
  }

  @Test
  void mutatedFramesOfEveryType_areRefusedOrDecodeCleanly() {
    Fuzz.cases(5000, REPLAY, rnd -> {
      byte[] b = WireCodec.encode(SAMPLES.get(rnd.nextInt(SAMPLES.size())));
      int mutations = 1 + rnd.nextInt(3);
      for (int i = 0; i < mutations; i++) {
        b = Fuzz.mutate(rnd, b);
      }
      decodesOrRefuses(b);
    });
  }

  @Test
  void everyTruncationOfEveryType_isRefused() {
    for (Message m : SAMPLES) {
      byte[] b = WireCodec.encode(m);
      for (int len = 0; len < b.length; len++) {
        byte[] cut = Arrays.copyOf(b, len);
        assertThat(catchThrowable(() -> WireCodec.decode(cut)))
            .as("%s cut to %d bytes", m, len)
            .isInstanceOf(MalformedMessageException.class);
      }
    }
  }

  @Test
  void deepNesting_isRefusedWithoutExhaustingTheStack() {
    for (int depth : new int[] {65, 1_000, 100_000}) {
      byte[] b = WireCodec.frameFromJson(
          new String(Fuzz.deepJson("{\"type\":\"read\",\"key\":", depth), StandardCharsets.UTF_8));
      assertThat(catchThrowable(() -> WireCodec.decode(b)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("nesting depth");
    }
  }

  /** A compact frame (a read) and a Smile frame (an error reply) holding {@code text}. */
  static List<byte[]> framesOfBothKinds(String text) {
    return List.of(WireCodec.encode(new ReadRequest(text)),
        WireCodec.encode(new ErrorReply(ErrorReply.Code.BAD_REQUEST, text)));
  }

  @Test
  void hotMessagesAreCompact_theOthersSmile() {
    for (Message m : SAMPLES) {
      byte first = WireCodec.encode(m)[0];
      assertThat(first).as("%s", m).isEqualTo(
          m instanceof ErrorReply || m instanceof StatusQuery || m instanceof StatusReply
              || m instanceof TxResult || m instanceof ValidateRequest ? (byte) ':' : (byte) 0xB7);
    }
  }

  @Test
  void aStringBeyondTheSizeBound_isRefused() {
    for (byte[] b : framesOfBothKinds("x".repeat(17 * 1024 * 1024))) {
      assertThat(catchThrowable(() -> WireCodec.decode(b)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("length");
    }
  }

  @Test
  void invalidUtf8InsideAString_isRefused() {
    for (byte[] bad : Fuzz.INVALID_UTF8) {
      // The bad bytes replace as many ASCII letters inside a non-ASCII string, so the frame's
      // structure and the string's length stay intact: only the UTF-8 is wrong.
      for (byte[] valid : framesOfBothKinds("é" + "a".repeat(bad.length) + "é")) {
        int at = indexOf(valid, "éa".getBytes(StandardCharsets.UTF_8)) + 2;
        byte[] b = Fuzz.splice(valid, at, at + bad.length, bad);
        assertThat(catchThrowable(() -> WireCodec.decode(b)))
            .as("invalid UTF-8 %s in %s", Arrays.toString(bad), Arrays.toString(valid))
            .isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("UTF-8");
      }
    }
  }

  @Test
  void compactFramesWithBadCodesCountsOrTrailingBytes_areRefusedNamingTheProblem() {
    byte[] ack = WireCodec.encode(new Ack(T, P, Decision.COMMIT));
    byte[] badType = ack.clone();
    badType[1] = 99;
    assertThat(catchThrowable(() -> WireCodec.decode(badType)))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("type 99");
    byte[] badDecision = ack.clone();
    badDecision[badDecision.length - 1] = 9;
    assertThat(catchThrowable(() -> WireCodec.decode(badDecision)))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("decision code 9");
    byte[] trailing = Arrays.copyOf(ack, ack.length + 1);
    assertThat(catchThrowable(() -> WireCodec.decode(trailing)))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("after a complete Ack");
    byte[] badId = WireCodec.encode(new Ack(TxId.of("t-1"), P, Decision.COMMIT));
    badId[indexOf(badId, "t-1".getBytes(StandardCharsets.UTF_8)) + 1] = ' ';
    assertThat(catchThrowable(() -> WireCodec.decode(badId)))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("transaction id");
    byte[] hugeCount = {(byte) 0xB7, 3, 1, 't', 2, 'c', '1', (byte) 0xFF, (byte) 0xFF, 0x7F};
    assertThat(catchThrowable(() -> WireCodec.decode(hugeCount)))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("count");
  }

  @Test
  void nonAsciiInsideAnAsciiString_isRefused() {
    byte[] valid = WireCodec.encode(new ErrorReply(ErrorReply.Code.BAD_REQUEST, "abc"));
    int at = indexOf(valid, "abc".getBytes(StandardCharsets.UTF_8)) + 1;
    byte[] b = valid.clone();
    b[at] = (byte) 0xE9;
    assertThat(catchThrowable(() -> WireCodec.decode(b)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("ASCII");
  }

  @Test
  void aFrameReadsBackAsJsonForLogs() {
    assertThat(WireCodec.toJson(WireCodec.encode(new ReadRequest("k"))))
        .isEqualTo("{\"type\":\"read\",\"key\":\"k\"}");
    assertThat(WireCodec.toJson(WireCodec.encode(new Ack(T, P, Decision.COMMIT))))
        .isEqualTo("{\"type\":\"ack\",\"txId\":\"c1-7\",\"from\":\"p1\",\"decision\":\"COMMIT\"}");
    assertThat(WireCodec.decode(WireCodec.frameFromJson("{\"type\":\"read\",\"key\":\"k\"}")))
        .isEqualTo(new ReadRequest("k"));
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void wrongTypesUnknownTypesAndHugeNumbers_areRefused() {
    List<String> bad = List.of(
        "{\"type\":\"NoSuchMessage\"}",
        "{\"type\":\"read\"}",
        "{\"type\":\"read\",\"key\":7,\"extra\":1}",
        "{\"type\":\"read-reply\",\"key\":\"k\",\"value\":\"v\",\"version\":1e400}",
        "{\"type\":\"read-reply\",\"key\":\"k\",\"value\":\"v\",\"version\":99999999999999999999999}",
        "{\"type\":\"vote\",\"txId\":\"t\",\"from\":\"p1\",\"vote\":\"MAYBE\"}",
        "{\"type\":\"error\",\"code\":\"OVERLOADED\"}",
        "[]", "null", "\"ReadRequest\"", "{}", "{\"type\":\"read\",\"key\":\"k\"} {}");
    Random rnd = new Random(1);
    for (String s : bad) {
      byte[] frame = WireCodec.frameFromJson(s);
      assertThat(catchThrowable(() -> WireCodec.decode(frame)))
          .as(s).isInstanceOf(MalformedMessageException.class);
      decodesOrRefuses(Fuzz.mutate(rnd, frame));
      // The JSON text itself is not a wire frame at all.
      assertThat(catchThrowable(() -> WireCodec.decode(s.getBytes(StandardCharsets.UTF_8))))
          .as(s).isInstanceOf(MalformedMessageException.class);
    }
  }
}
