package io.ringtx.bench.calibrate;

import io.ringtx.protocol.rpc.VertxSetup;
import io.ringtx.protocol.discovery.Discovery;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.rpc.TcpTransport;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.NodeStore;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Measures this machine's floor for a cross-shard commit: the store's forced-write latency (one
 * writer, so no group commit helps) and the round trip of a small request over the two
 * transports a cluster could use — the Vert.x clustered event bus (Hazelcast cluster manager)
 * and framed Vert.x TCP — between two Vert.x instances over loopback, and the round trip of
 * RingTx's own TCP transport (a message encoded, framed, handled and answered). The 2PC floor is four
 * one-way delays (two round trips) plus two forced writes in sequence (PREPARED, then COMMIT).
 */
public final class Calibration {
  /** One measured distribution, in microseconds. */
  public record Figure(String what, long count, double p50, double p99, double max) {
    String line() {
      return String.format("%-34s p50 %8.1f us   p99 %8.1f us   max %9.1f us   (n=%d)",
          what, p50, p99, max, count);
    }
  }

  /**
   * Every figure, and the floor computed from them. {@code twoForcedWrites}: forced writes to two
   * stores at once, as a prepare round's two participants on this one machine make them.
   */
  public record Result(Figure forcedWrite, Figure twoForcedWrites, Figure eventBus, Figure tcp,
      Figure transport, double floorMicros) {}

  /** The default of the warm-up each figure runs before it is measured. */
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(3);

  private final int samples;
  private final long warmupNanos;
  private final PrintWriter out;

  public Calibration(int samples, PrintWriter out) {
    this(samples, DEFAULT_WARMUP, out);
  }

  /**
   * @param warmup how long each figure runs unmeasured first (and at least a tenth of {@code
   *     samples} times): the JIT compiles the paths a node runs hot, so a figure taken cold would
   *     count interpretation and compilation, which a node serving load does not pay
   */
  public Calibration(int samples, Duration warmup, PrintWriter out) {
    this.samples = samples;
    this.warmupNanos = warmup.toNanos();
    this.out = out;
  }

  /** When a figure's warm-up is over: after {@code warmupNanos} and a tenth of the samples. */
  private final class Warmup {
    private final long until = System.nanoTime() + warmupNanos;
    private int runs;

    /** Counts one run; true once runs are measured. */
    boolean over() {
      return runs++ >= samples / 10 && System.nanoTime() >= until;
    }
  }

  public Result run(Path scratch, int hazelcastPortBase) throws Exception {
    Figure fw = forcedWrites(scratch.resolve("one"), 1);
    out.println(fw.line());
    out.flush();
    Figure two = forcedWrites(scratch.resolve("two"), 2);
    out.println(two.line());
    out.flush();
    Figure tcp = tcpRoundTrip();
    out.println(tcp.line());
    out.flush();
    Figure transport = transportRoundTrip();
    out.println(transport.line());
    out.flush();
    Figure bus = eventBusRoundTrip(hazelcastPortBase);
    out.println(bus.line());
    double rtt = Math.min(bus.p50(), tcp.p50());
    double floor = 2 * rtt + 2 * fw.p50();
    out.printf("2PC floor for a cross-shard commit: 4 one-way delays + 2 forced writes = "
        + "2 x %.1f + 2 x %.1f = %.1f us (%.2f ms)%n", rtt, fw.p50(), floor, floor / 1000);
    out.printf("  (its participants' forced writes at once: p50 %.1f us on this machine's disk,"
        + " where the floor counts %.1f)%n", two.p50(), fw.p50());
    out.flush();
    return new Result(fw, two, bus, tcp, transport, floor);
  }

  /**
   * Forced writes to {@code stores} stores at once, each sample the time until all of them are
   * durable. Each store is written the way a node writes it: on the calling thread, as an event
   * loop writes at the end of its turn ({@link NodeStore#write(WriteSet, java.util.concurrent.Executor)}), so no hand-off
   * to the store's writer thread and back is counted, as none is made on a node's commit path.
   * With one store: the store's forced-write latency (one writer, so no group commit helps).
   * With two, each written by a thread of its own, the rounds started together: what the prepare
   * round of a cross-shard commit waits for when its two participants share one disk, as in a
   * cluster of processes on one machine; their syncs share the disk's flushes, so this is more
   * than one forced write, which is what the floor counts.
   */
  Figure forcedWrites(Path dir, int stores) throws Exception {
    Histogram h = new Histogram(3);
    List<NodeStore> open = new ArrayList<>();
    ExecutorService writers = Executors.newFixedThreadPool(stores);
    try {
      for (int s = 0; s < stores; s++) {
        open.add(RocksNodeStore.open(dir.resolve("store-" + s)));
      }
      // A round is over when its slowest write is durable, and every thread starts the next one
      // as the barrier lets them go; the barrier's action records the round, unless it was
      // still warming up, and decides whether the next one is measured.
      Warmup warmup = new Warmup();
      boolean[] measuring = new boolean[1];
      long[] slowest = new long[1];
      int[] measured = new int[1];
      CyclicBarrier roundDone = new CyclicBarrier(stores, () -> {
        if (measuring[0]) {
          h.recordValue(slowest[0] / 1000);
          measured[0]++;
        }
        slowest[0] = 0;
        measuring[0] = warmup.over();
      });
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int s = 0; s < stores; s++) {
        int store = s;
        done.add(writers.submit(() -> {
          for (int i = 0; measured[0] < samples; i++) {
            long t0 = System.nanoTime();
            open.get(store).write(WriteSet.forced(new Aborted(
                TxId.of("cal-" + store + "-" + i), Reason.TIMEOUT)), Runnable::run)
                .get(10, TimeUnit.SECONDS);
            long took = System.nanoTime() - t0;
            synchronized (slowest) {
              slowest[0] = Math.max(slowest[0], took);
            }
            roundDone.await(10, TimeUnit.SECONDS);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(samples * 10L + 60 + warmupNanos / 1_000_000_000L, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
      for (NodeStore store : open) {
        store.close();
      }
    }
    return figure(stores == 1 ? "forced write (store, 1 writer)"
        : "forced writes, " + stores + " stores at once", h);
  }

  Figure tcpRoundTrip() throws Exception {
    Vertx server = VertxSetup.vertx();
    Vertx client = VertxSetup.vertx();
    try {
      NetServer ns = server.createNetServer();
      ns.connectHandler(Calibration::echo);
      int port = await(ns.listen(0, "127.0.0.1")).actualPort();
      NetClient nc = client.createNetClient();
      NetSocket sock = await(nc.connect(port, "127.0.0.1"));
      Buffer payload = Buffer.buffer(new byte[64]);
      Histogram h = new Histogram(3);
      Promise<Void> done = Promise.promise();
      TcpPinger pinger = new TcpPinger(sock, payload, h, done);
      client.runOnContext(v -> pinger.next());
      await(done.future());
      return figure("Vert.x TCP round trip (64 B)", h);
    } finally {
      await(client.close());
      await(server.close());
    }
  }

  /**
   * The round trip of the transport process clusters use ({@link TcpTransport}): a status query
   * answered by a handler, with the real frames, {@link io.ringtx.protocol.codec.WireCodec}
   * bodies, request ids and stored replies, one request in flight.
   */
  Figure transportRoundTrip() throws Exception {
    Vertx server = VertxSetup.vertx();
    Vertx client = VertxSetup.vertx();
    NodeId p1 = NodeId.of("p1");
    NodeId c1 = NodeId.of("c1");
    Map<NodeId, SocketAddress> where = new ConcurrentHashMap<>();
    TcpTransport serving = new TcpTransport(server, p1, "127.0.0.1", 0, where::get);
    TcpTransport calling = new TcpTransport(client, c1, "127.0.0.1", 0, where::get);
    try {
      await(serving.serve(p1, (from, request, reply) ->
          reply.accept(new StatusReply(((StatusQuery) request).txId(), p1, TxState.UNKNOWN))));
      where.put(p1, SocketAddress.inetSocketAddress(serving.port(), "127.0.0.1"));
      StatusQuery query = new StatusQuery(TxId.of("calibrate-1"), c1, false);
      Histogram h = new Histogram(3);
      Promise<Void> done = Promise.promise();
      Warmup warmup = new Warmup();
      client.runOnContext(v -> transportPing(calling, p1, query, warmup, h, done));
      await(done.future());
      return figure("RingTx TCP transport round trip", h);
    } finally {
      await(calling.close());
      await(serving.close());
      await(client.close());
      await(server.close());
    }
  }

  private void transportPing(TcpTransport t, NodeId to, StatusQuery query, Warmup warmup,
      Histogram h, Promise<Void> done) {
    if (h.getTotalCount() == samples) {
      done.complete();
      return;
    }
    boolean measured = warmup.over();
    long t0 = System.nanoTime();
    t.request(to, query, 5_000).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      if (measured) {
        h.recordValue((System.nanoTime() - t0) / 1000);
      }
      transportPing(t, to, query, warmup, h, done);
    });
  }

  Figure eventBusRoundTrip(int portBase) throws Exception {
    String cluster = "ringtx-calibrate-" + ProcessHandle.current().pid();
    List<String> seeds = List.of("127.0.0.1:" + portBase, "127.0.0.1:" + (portBase + 1));
    Vertx a = clustered(cluster, portBase, seeds);
    Vertx b = clustered(cluster, portBase + 1, seeds);
    try {
      await(b.eventBus().<Buffer>consumer("calibrate.echo", m -> m.reply(m.body())).completion());
      Buffer payload = Buffer.buffer(new byte[64]);
      // The subscription takes a moment to reach the other member.
      long until = System.currentTimeMillis() + 30_000;
      while (true) {
        try {
          await(a.eventBus().request("calibrate.echo", payload));
          break;
        } catch (Exception e) {
          if (System.currentTimeMillis() > until) {
            throw e;
          }
        }
      }
      Histogram h = new Histogram(3);
      Promise<Void> done = Promise.promise();
      Warmup warmup = new Warmup();
      a.runOnContext(v -> busPing(a, payload, warmup, h, done));
      await(done.future());
      return figure("clustered event bus round trip (64 B)", h);
    } finally {
      await(a.close());
      await(b.close());
    }
  }

  private void busPing(Vertx a, Buffer payload, Warmup warmup, Histogram h,
      Promise<Void> done) {
    if (h.getTotalCount() == samples) {
      done.complete();
      return;
    }
    boolean measured = warmup.over();
    long t0 = System.nanoTime();
    a.eventBus().request("calibrate.echo", payload).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      if (measured) {
        h.recordValue((System.nanoTime() - t0) / 1000);
      }
      busPing(a, payload, warmup, h, done);
    });
  }

  private static Vertx clustered(String name, int port, List<String> seeds) throws Exception {
    HazelcastClusterManager mgr =
        new HazelcastClusterManager(Discovery.hazelcastConfig(name, "127.0.0.1", port, seeds, 5));
    VertxOptions o =
        VertxSetup.options().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1"));
    return await(Vertx.builder().with(o).withClusterManager(mgr).buildClustered());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Figure figure(String what, Histogram h) {
    return new Figure(what, h.getTotalCount(), h.getValueAtPercentile(50),
        h.getValueAtPercentile(99), h.getMaxValue());
  }

  /** Echoes length-prefixed frames: a 4-byte length, then the payload. */
  private static void echo(NetSocket sock) {
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new io.vertx.core.Handler<Buffer>() {
      private int length = -1;

      @Override
      public void handle(Buffer b) {
        if (length < 0) {
          length = b.getInt(0);
          parser.fixedSizeMode(length);
        } else {
          sock.write(Buffer.buffer().appendInt(length).appendBuffer(b));
          length = -1;
          parser.fixedSizeMode(4);
        }
      }
    });
    sock.handler(parser);
  }

  /** Sends one framed request at a time and times each reply. */
  private final class TcpPinger {
    private final NetSocket sock;
    private final Buffer payload;
    private final Histogram h;
    private final Promise<Void> done;
    private final Warmup warmup = new Warmup();
    private boolean measured;
    private long t0;

    TcpPinger(NetSocket sock, Buffer payload, Histogram h, Promise<Void> done) {
      this.sock = sock;
      this.payload = payload;
      this.h = h;
      this.done = done;
      sock.handler(RecordParser.newFixed(4 + payload.length(), b -> {
        if (measured) {
          h.recordValue((System.nanoTime() - t0) / 1000);
        }
        next();
      }));
    }

    void next() {
      if (h.getTotalCount() == samples) {
        done.complete();
        return;
      }
      measured = warmup.over();
      t0 = System.nanoTime();
      sock.write(Buffer.buffer().appendInt(payload.length()).appendBuffer(payload));
    }
  }
}
