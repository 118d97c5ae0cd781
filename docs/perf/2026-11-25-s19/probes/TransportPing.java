import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.rpc.TcpTransport;
import io.ringtx.protocol.rpc.VertxSetup;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

public class TransportPing {
  static long[] lat; static int n;
  public static void main(String[] a) throws Exception {
    boolean serveCaller = a[0].equals("serve");
    int N = Integer.parseInt(a[1]);
    Vertx server = VertxSetup.vertx();
    Vertx client = VertxSetup.vertx();
    NodeId p1 = NodeId.of("p1"), c1 = NodeId.of("c1");
    Map<NodeId, SocketAddress> where = new ConcurrentHashMap<>();
    TcpTransport serving = new TcpTransport(server, p1, "127.0.0.1", 0, where::get);
    TcpTransport calling = new TcpTransport(client, c1, "127.0.0.1", 0, where::get);
    serving.serve(p1, (from, req, reply) -> reply.accept(new StatusReply(((StatusQuery) req).txId(), p1, TxState.UNKNOWN))).toCompletionStage().toCompletableFuture().get();
    where.put(p1, SocketAddress.inetSocketAddress(serving.port(), "127.0.0.1"));
    io.vertx.core.Context ctx = client.getOrCreateContext();
    if (serveCaller) {
      Promise<Void> p = Promise.promise();
      ctx.runOnContext(v -> calling.serve(c1, (f, r, rep) -> {}).onComplete(p));
      p.future().toCompletionStage().toCompletableFuture().get();
    }
    StatusQuery q = new StatusQuery(TxId.of("probe-1"), c1, false);
    for (int round = 0; round < 3; round++) {
      lat = new long[N]; n = 0;
      Promise<Void> done = Promise.promise();
      ctx.runOnContext(v -> ping(calling, p1, q, done, N));
      done.future().toCompletionStage().toCompletableFuture().get();
      Arrays.sort(lat);
      System.out.printf("%s round %d: p50 %.1f p90 %.1f us%n", a[0], round, lat[N/2]/1e3, lat[N*9/10]/1e3);
    }
    System.exit(0);
  }
  static void ping(TcpTransport t, NodeId to, StatusQuery q, Promise<Void> done, int N) {
    if (n == N) { done.complete(); return; }
    long t0 = System.nanoTime();
    t.request(to, q, 5000).onComplete(ar -> {
      if (ar.failed()) { done.fail(ar.cause()); return; }
      lat[n++] = System.nanoTime() - t0;
      ping(t, to, q, done, N);
    });
  }
}
