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
 * Prints the cost of encoding and decoding the messages of a bank transfer: in the JSON wire
 * format RingTx used before (Jackson JSON plus the strict UTF-8 check), in Smile (plus the frame
 * check) and in today's {@link WireCodec} (the compact form of these messages). Prints only;
 * figures depend on the machine.
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
        System.out.printf("%-15s %21s %21s %21s%n", "", "JSON (before)", "Smile", "compact (now)");
        System.out.printf("%-15s" + " %5s %7s %7s".repeat(3) + "%n", "message",
            "bytes", "enc ns", "dec ns", "bytes", "enc ns", "dec ns", "bytes", "enc ns", "dec ns");
      }
      double[] sum = new double[9];
      for (Message m : msgs) {
        double[] j = measure(m, WireCodecMeasure::jsonEncode, WireCodecMeasure::jsonDecode,
            iterations);
        double[] s = measure(m, WireCodec::encodeSmile, WireCodec::decodeSmile, iterations);
        double[] c = measure(m, WireCodec::encode, WireCodec::decode, iterations);
        double[] row = {j[0], j[1], j[2], s[0], s[1], s[2], c[0], c[1], c[2]};
        for (int k = 0; k < 9; k++) {
          sum[k] += row[k];
        }
        if (print) {
          print(m.getClass().getSimpleName(), row);
        }
      }
      if (print) {
        print("total", sum);
      }
    }
  }

  static void print(String name, double[] row) {
    System.out.printf("%-15s" + " %5.0f %7.0f %7.0f".repeat(3) + "%n", name,
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]);
  }
}
