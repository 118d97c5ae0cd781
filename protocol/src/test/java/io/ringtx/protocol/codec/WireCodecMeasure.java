package io.ringtx.protocol.codec;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
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
import io.ringtx.protocol.message.Vote;
import io.ringtx.protocol.message.VoteRequest;
import io.ringtx.protocol.message.WriteOp;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * Prints the cost of encoding and decoding the messages of a bank transfer, in the JSON wire
 * format RingTx used before (Jackson JSON plus the strict UTF-8 check) and in today's
 * {@link WireCodec} (Smile plus the frame check). Prints only; figures depend on the machine.
 *
 * <p>Run: {@code mvn -B -o test-compile -pl protocol -am}, then {@code java -cp
 * protocol/target/classes:protocol/target/test-classes:$(cat cp.txt)
 * io.ringtx.protocol.codec.WireCodecMeasure} with cp.txt from {@code mvn -B -o
 * dependency:build-classpath -pl protocol -Dmdep.outputFile=$PWD/cp.txt}.
 */
public final class WireCodecMeasure {
  private static final ObjectWriter JSON_WRITER = Json.MAPPER.writerFor(Message.class);
  private static final ObjectReader JSON_READER = Json.MAPPER.readerFor(Message.class);

  static volatile Object sink;

  static byte[] jsonEncode(Message m) {
    try {
      return JSON_WRITER.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Message jsonDecode(byte[] b) {
    if (Utf8.firstInvalidOffset(b) >= 0) {
      throw new MalformedMessageException("bad UTF-8");
    }
    try {
      return JSON_READER.readValue(b);
    } catch (IOException e) {
      throw new MalformedMessageException("bad", e);
    }
  }

  /** The messages of one cross-shard bank transfer (two shards) and of a one-shard one. */
  static List<Message> bankTransfer() {
    TxId t = TxId.of("c1-1700000000000-48213");
    NodeId c = NodeId.of("c1");
    NodeId p1 = NodeId.of("p1");
    NodeId p2 = NodeId.of("p2");
    return List.of(
        new ReadRequest("acct/004711"),
        new ReadReply("acct/004711", "1037", 2841),
        new VoteRequest(t, c, List.of(p1, p2), List.of(new ReadItem("acct/004711", 2841)),
            List.of(WriteOp.put("acct/004711", "1012"))),
        Vote.ok(t, p1),
        GlobalDecision.commit(t),
        new Ack(t, p1, Decision.COMMIT),
        new OnePhaseCommit(t, c,
            List.of(new ReadItem("acct/004711", 2841), new ReadItem("acct/000815", 977)),
            List.of(WriteOp.put("acct/004711", "1012"), WriteOp.put("acct/000815", "525"))),
        new OnePhaseResult(t, p1, Decision.COMMIT, null));
  }

  static double nsPerOp(Runnable op, int iterations) {
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      op.run();
    }
    return (System.nanoTime() - start) / (double) iterations;
  }

  static double[] measure(Message m, Function<Message, byte[]> enc, Function<byte[], Message> dec,
      int iterations) {
    byte[] frame = enc.apply(m);
    if (!dec.apply(frame).equals(m)) {
      throw new IllegalStateException("no round trip: " + m);
    }
    double e = nsPerOp(() -> sink = enc.apply(m), iterations);
    double d = nsPerOp(() -> sink = dec.apply(frame), iterations);
    return new double[] {frame.length, e, d};
  }

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    List<Message> msgs = bankTransfer();
    for (int round = 0; round < 3; round++) { // warm-up rounds, the last one is printed
      boolean print = round == 2;
      if (print) {
        System.out.printf("%-16s %22s %22s%n", "", "JSON (before)", "Smile (WireCodec)");
        System.out.printf("%-16s %6s %7s %7s  %6s %7s %7s%n", "message",
            "bytes", "enc ns", "dec ns", "bytes", "enc ns", "dec ns");
      }
      double[] sumJ = new double[3];
      double[] sumS = new double[3];
      for (Message m : msgs) {
        double[] j = measure(m, WireCodecMeasure::jsonEncode, WireCodecMeasure::jsonDecode,
            iterations);
        double[] s = measure(m, WireCodec::encode, WireCodec::decode, iterations);
        for (int k = 0; k < 3; k++) {
          sumJ[k] += j[k];
          sumS[k] += s[k];
        }
        if (print) {
          System.out.printf("%-16s %6.0f %7.0f %7.0f  %6.0f %7.0f %7.0f%n",
              m.getClass().getSimpleName(), j[0], j[1], j[2], s[0], s[1], s[2]);
        }
      }
      if (print) {
        System.out.printf("%-16s %6.0f %7.0f %7.0f  %6.0f %7.0f %7.0f%n", "total",
            sumJ[0], sumJ[1], sumJ[2], sumS[0], sumS[1], sumS[2]);
      }
    }
  }
}
