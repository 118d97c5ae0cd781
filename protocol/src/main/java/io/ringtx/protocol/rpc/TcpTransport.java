package io.ringtx.protocol.rpc;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.ringtx.protocol.codec.MalformedMessageException;
import io.ringtx.protocol.codec.WireCodec;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.security.TlsFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over direct TCP connections between nodes (DESIGN §5), for clusters of
 * processes: each node runs one RPC server (a Vert.x {@link NetServer}) and keeps one connection
 * to each peer it sends to, on which any number of requests are outstanding at once, told apart
 * by request id. Discovery publishes where each node's server listens ({@link Endpoints}); the
 * clustered event bus is not involved.
 *
 * <p>A frame is a 4-byte length, then: kind (request, reply, error), the sender's sequence number
 * and incarnation (together with the sender id, the request id), the sender id, an optional MAC,
 * and the body — the {@link WireCodec} bytes of a message, as on the event bus. Every frame is
 * checked (length within {@link #MAX_FRAME_BYTES}, a known kind, fields within the frame, a valid
 * sender id); a bad one is logged (RTX-3001) and its connection closed, and the node keeps
 * serving everyone else.
 *
 * <p>The semantics are those of {@link EventBusTransport}: a deadline on every call; an attempt
 * not answered in time (a lost request or reply, a peer not yet in discovery, a connection that
 * broke) is sent again with the same request id until the deadline; the receiver keeps each reply
 * by request id ({@link StoredReplies}) and answers a retransmission from it, so a handler
 * never runs twice for one request (reads and validations, which change nothing, run again);
 * with a {@link RequestAuth}, requests and replies carry a MAC over sender, request id and body
 * (RTX-8102 refuses a request, RTX-8103 discards a reply); {@link FaultInjector} decides the
 * fate of every request and reply at the same points.
 * Deadlines and retransmissions are driven by one periodic sweep per transport, not a timer per
 * request.
 */
public final class TcpTransport extends CountingTransport {
  private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);

  /** Where a node's RPC server listens, as discovery knows it. */
  @FunctionalInterface
  public interface Endpoints {
    /** The address of {@code node}'s RPC server, or null while it is not known. */
    SocketAddress address(NodeId node);
  }

  static final byte REQUEST = 1;
  static final byte REPLY = 2;
  static final byte ERROR = 3;
  /** The largest frame accepted or sent; a longer length prefix is garbage. */
  public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;
  /** Kind, sequence number, incarnation, sender id length, MAC length. */
  static final int HEADER_BYTES = 1 + 8 + 8 + 2 + 2;
  private static final int MAX_MAC_BYTES = 256;
  /** How often deadlines and due retransmissions are checked. */
  static final long SWEEP_MILLIS = 10;
  private static final long MAX_BACKOFF_MILLIS = 200;
  /** Frames written before a flush is made regardless of the turn (bounds what waits). */
  private static final int FLUSH_AFTER_FRAMES = 64;

  private final Vertx vertx;
  private final NodeId sender;
  private final byte[] senderBytes;
  private final String host;
  private final int port;
  private final Endpoints endpoints;
  private final FaultInjector faults;
  private final RequestAuth auth;
  private final TlsFiles tls;
  /**
   * Random per run: the request ids of a restarted node must not repeat those of its previous
   * run, which receivers still hold replies for (see {@link EventBusTransport}).
   */
  private final long incarnation;
  private final NetClient client;
  private final AtomicLong nextSeq = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<NodeId, Conn> conns = new ConcurrentHashMap<>();
  private final long sweepTimer;
  private final AtomicLong badFrames = new AtomicLong();
  private volatile NetServer server;
  private volatile int serverPort;
  /**
   * The serving context (the node's state machine's, see {@link #serve}), once serving: outgoing
   * connections are made on it too, so that a request written and its reply read run on the
   * machine's event loop, without a hand-off to another event loop each way.
   */
  private volatile Context home;

  /**
   * @param sender the node this transport sends for and serves
   * @param host the address the RPC server binds
   * @param port the port it binds; 0 picks a free one ({@link #port()} tells which)
   * @param tls mutual TLS for the server and the client, or null for plain TCP
   */
  public TcpTransport(Vertx vertx, NodeId sender, String host, int port, Endpoints endpoints,
      FaultInjector faults, RequestAuth auth, TlsFiles tls) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.senderBytes = sender.value().getBytes(StandardCharsets.US_ASCII);
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.faults = Objects.requireNonNull(faults, "faults");
    this.auth = Objects.requireNonNull(auth, "auth");
    this.tls = tls;
    this.incarnation = ThreadLocalRandom.current().nextLong();
    NetClientOptions clientOptions = new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout(2_000);
    if (tls != null) {
      tls.applyToRpcClient(clientOptions);
    }
    this.client = vertx.createNetClient(clientOptions);
    this.sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, t -> sweep());
  }

  /** A plain-TCP transport without faults or authentication, for tests and tools. */
  public TcpTransport(Vertx vertx, NodeId sender, String host, int port, Endpoints endpoints) {
    this(vertx, sender, host, port, endpoints, FaultInjector.NONE, RequestAuth.NONE, null);
  }

  /** The port the RPC server listens on, once {@link #serve} completed; 0 before. */
  public int port() {
    return serverPort;
  }

  /** Frames that failed validation (each closed its connection). */
  public long badFrames() {
    return badFrames.get();
  }

  // ---------------------------------------------------------------- sending requests

  @Override
  public Future<Message> request(NodeId to, Message request, long timeoutMillis) {
    Context ctx = vertx.getOrCreateContext();
    long seq = nextSeq.incrementAndGet();
    byte[] body = WireCodec.encode(request);
    String mac = auth.enabled() ? auth.sign(sender.value(), rid(sender.value(), incarnation, seq),
        body) : null;
    if (frameLength(senderBytes.length, mac, body.length) > MAX_FRAME_BYTES) {
      return Future.failedFuture(new IllegalArgumentException(request.getClass().getSimpleName()
          + " of " + body.length + " bytes exceeds the largest frame, " + MAX_FRAME_BYTES));
    }
    Buffer frame = frame(REQUEST, seq, incarnation, senderBytes, mac, body);
    long now = System.currentTimeMillis();
    // Several attempts fit in one deadline, so a lost message costs a fraction of it.
    Pending p = new Pending(seq, to, request, frame, ctx, now + timeoutMillis,
        Math.max(50, timeoutMillis / 4));
    pending.put(seq, p);
    transmit(p, now);
    return p.promise.future();
  }

  /** One attempt; the sweep makes the next one if no reply came by {@code nextAttemptAt}. */
  private void transmit(Pending p, long now) {
    p.nextAttemptAt = now + p.attempt;
    FaultInjector.Fate fate = faults.fate(sender, p.to, p.request, false);
    if (!fate.deliver()) {
      return;
    }
    if (fate.delayMillis() > 0) {
      vertx.setTimer(fate.delayMillis(), t -> write(p, fate.duplicate()));
    } else {
      write(p, fate.duplicate());
    }
  }

  private void write(Pending p, boolean twice) {
    if (p.promise.future().isComplete()) {
      return;
    }
    Future<NetSocket> c = connection(p.to);
    if (c == null) {
      // Not (yet) in discovery, like NO_HANDLERS on the event bus: try again shortly.
      backOff(p);
      return;
    }
    if (c.succeeded()) {
      send(c.result(), p, twice);
    } else {
      c.onComplete(ar -> {
        if (ar.succeeded()) {
          send(ar.result(), p, twice);
        } else {
          backOff(p);
        }
      });
    }
  }

  private static void send(NetSocket s, Pending p, boolean twice) {
    s.write(p.frame);
    if (twice) {
      s.write(p.frame); // its reply is ignored: the first one completes the request
    }
  }

  private static void backOff(Pending p) {
    long b = p.backoff;
    p.backoff = Math.min(b * 2, MAX_BACKOFF_MILLIS);
    p.nextAttemptAt = System.currentTimeMillis() + b;
  }

  /** Fails requests past their deadline and retransmits those whose attempt went unanswered. */
  private void sweep() {
    if (pending.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    for (Pending p : pending.values()) {
      if (now >= p.deadline) {
        if (pending.remove(p.seq, p)) {
          fail(p, new ReplyException(ReplyFailure.TIMEOUT, "no reply from " + p.to + " to "
              + p.request.getClass().getSimpleName() + " "
              + rid(sender.value(), incarnation, p.seq)));
        }
      } else if (now >= p.nextAttemptAt) {
        retransmissions.incrementAndGet();
        transmit(p, now);
      }
    }
  }

  /** The connection to {@code to}, being made or made; null if its address is not known. */
  private Future<NetSocket> connection(NodeId to) {
    SocketAddress address = endpoints.address(to);
    if (address == null) {
      return null;
    }
    Conn c = conns.get(to);
    if (c != null && c.address.equals(address)) {
      return c.socket;
    }
    synchronized (conns) {
      c = conns.get(to);
      if (c != null && c.address.equals(address)) {
        return c.socket;
      }
      if (c != null) {
        // The peer now listens elsewhere (it restarted on another port): drop the old one.
        conns.remove(to, c);
        c.close();
      }
      Context at = home;
      Future<NetSocket> connected;
      if (at == null || Vertx.currentContext() == at) {
        connected = client.connect(address);
      } else {
        Promise<NetSocket> made = Promise.promise();
        at.runOnContext(v -> client.connect(address).onComplete(made));
        connected = made.future();
      }
      Future<NetSocket> f = connected.compose(s -> {
        if (s.localAddress().equals(s.remoteAddress())) {
          // A TCP self-connect: with nothing listening on the peer's port, the kernel may pick
          // that very port as our ephemeral one. Holding it would keep the peer from binding it
          // again when it restarts.
          s.close();
          return Future.failedFuture("connected to itself: nothing listens at " + address);
        }
        return Future.succeededFuture(s);
      });
      Conn fresh = new Conn(address, f);
      conns.put(to, fresh);
      f.onComplete(ar -> {
        if (ar.failed()) {
          conns.remove(to, fresh);
          LOG.debug("node {} cannot connect to {} at {}: {}", sender, to, address,
              ar.cause().toString());
          return;
        }
        NetSocket s = ar.result();
        consolidateFlushes(s);
        FrameReader reader = new FrameReader(s, null);
        s.handler(reader.parser);
        s.exceptionHandler(e -> LOG.debug("node {} connection to {}: {}", sender, to,
            e.toString()));
        s.closeHandler(v -> {
          conns.remove(to, fresh);
          // Whatever was outstanding on it is lost: send it again at once, not after the attempt.
          long now = System.currentTimeMillis();
          for (Pending p : pending.values()) {
            if (p.to.equals(to)) {
              p.nextAttemptAt = now;
            }
          }
        });
      });
      return f;
    }
  }

  /**
   * Lets the frames written to {@code s} during one turn of its event loop go out in one
   * system call: a flush made outside a read of this connection (a vote sent when a forced
   * write completes, a prepare sent while reading a client's request) is put off to a task
   * queued behind the work at hand, so the frames written meanwhile share it. Within a read of
   * this connection Vert.x already flushes once, at its end.
   */
  private static void consolidateFlushes(NetSocket s) {
    if (s instanceof NetSocketInternal internal) {
      internal.channelHandlerContext().pipeline().addFirst("ringtx-flush",
          new FlushConsolidationHandler(FLUSH_AFTER_FRAMES, true));
    }
  }

  /** Closes the connection to {@code node} (it left the cluster); a later request reconnects. */
  public void disconnect(NodeId node) {
    Conn c = conns.remove(node);
    if (c != null) {
      c.close();
    }
  }

  private void onReply(byte kind, long seq, Buffer frame, int bodyStart, String mac) {
    Pending p = pending.remove(seq);
    if (p == null) {
      return; // a late or duplicated reply: the request was answered or given up already
    }
    if (kind == ERROR) {
      int code = frame.getInt(bodyStart);
      String text = frame.getString(bodyStart + 4, frame.length(), "UTF-8");
      fail(p, new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, text));
      return;
    }
    byte[] answer = frame.getBytes(bodyStart, frame.length());
    String rid = rid(sender.value(), incarnation, seq);
    if (auth.enabled() && !auth.verify(p.to.value(), replyId(rid), answer, mac)) {
      refused.incrementAndGet();
      LOG.warn("RTX-8103 node {} discarded a reply from {} to {}: it does not carry this "
          + "cluster's secret", sender, p.to, rid);
      fail(p, new ReplyException(ReplyFailure.RECIPIENT_FAILURE, EventBusTransport.REFUSED_CODE,
          "RTX-8103 the reply from " + p.to + " does not carry this cluster's secret"));
      return;
    }
    Message m;
    try {
      m = WireCodec.decode(answer);
    } catch (MalformedMessageException e) {
      fail(p, e);
      return;
    }
    if (Vertx.currentContext() == p.ctx) {
      p.promise.tryComplete(m);
    } else {
      p.ctx.runOnContext(v -> p.promise.tryComplete(m));
    }
  }

  private static void fail(Pending p, Throwable cause) {
    if (Vertx.currentContext() == p.ctx) {
      p.promise.tryFail(cause);
    } else {
      p.ctx.runOnContext(v -> p.promise.tryFail(cause));
    }
  }

  // ---------------------------------------------------------------- serving requests

  @Override
  public Future<Void> serve(NodeId self, Handler handler) {
    if (!self.equals(sender)) {
      return Future.failedFuture(new IllegalArgumentException(
          "this transport serves " + sender + ", not " + self));
    }
    Served served = new Served(self, handler, vertx.getOrCreateContext(),
        new StoredReplies<>(faults != FaultInjector.NONE));
    home = served.ctx;
    // Connections made before serving live on other event loops: let them be made again on the
    // serving one (what was outstanding on them is sent again, answered from stored replies).
    for (Map.Entry<NodeId, Conn> e : conns.entrySet()) {
      if (conns.remove(e.getKey(), e.getValue())) {
        e.getValue().close();
      }
    }
    NetServerOptions options = new NetServerOptions().setHost(host).setPort(port)
        .setTcpNoDelay(true);
    if (tls != null) {
      tls.applyToRpcServer(options);
    }
    Promise<Void> started = Promise.promise();
    // Listening from the serving context puts the connections on its event loop.
    served.ctx.runOnContext(v -> {
      NetServer s = vertx.createNetServer(options).connectHandler(sock -> {
        consolidateFlushes(sock);
        FrameReader reader = new FrameReader(sock, served);
        sock.handler(reader.parser);
        sock.exceptionHandler(e -> LOG.debug("node {} connection from {}: {}", self,
            sock.remoteAddress(), e.toString()));
      });
      s.listen().onComplete(ar -> {
        if (ar.succeeded()) {
          server = s;
          serverPort = s.actualPort();
          LOG.info("node {} serves RPC on {}:{} ({})", self, host, serverPort,
              tls != null ? "mutual TLS" : "plain TCP");
          started.complete();
        } else {
          started.fail(ar.cause());
        }
      });
    });
    return started.future();
  }

  private void onRequest(Served served, NetSocket sock, long seq, long inc, String from,
      NodeId fromId, String mac, Buffer frame, int bodyStart) {
    if (Vertx.currentContext() != served.ctx) {
      served.ctx.runOnContext(v ->
          onRequest(served, sock, seq, inc, from, fromId, mac, frame, bodyStart));
      return;
    }
    byte[] body = frame.getBytes(bodyStart, frame.length());
    String rid = auth.enabled() ? rid(from, inc, seq) : null;
    // First, before the stored replies: an outsider must not be answered even from them.
    if (auth.enabled() && !auth.verify(from, rid, body, mac)) {
      refused.incrementAndGet();
      LOG.warn("RTX-8102 node {} refused a request claiming to come from {}: it does not "
          + "carry this cluster's secret", served.self, from);
      sock.write(errorFrame(seq, inc, EventBusTransport.REFUSED_CODE, "RTX-8102 refused by "
          + served.self + ": the request does not carry this cluster's secret"));
      return;
    }
    Key key = new Key(from, inc, seq);
    StoredReplies.Stored stored = served.replies.get(key);
    if (stored != null) {
      duplicatesAnswered.incrementAndGet();
      stored.whenAnswered(st -> answer(served, sock, fromId, st.frame(), st.message()));
      return;
    }
    Message request;
    try {
      request = WireCodec.decode(body);
    } catch (MalformedMessageException | IllegalArgumentException e) {
      LOG.warn("RTX-3001 node {} refused a malformed request from {}: {}", served.self, from,
          e.getMessage());
      ErrorReply err =
          new ErrorReply(ErrorReply.Code.BAD_REQUEST, String.valueOf(e.getMessage()));
      answer(served, sock, fromId, replyFrame(served.self, seq, inc, from, err), err);
      return;
    }
    StoredReplies.Stored s = served.replies.keepFor(key, request);
    served.handler.handle(fromId, request, m -> {
      Buffer b = replyFrame(served.self, seq, inc, from, m);
      served.replies.answered(s, m, b);
      answer(served, sock, fromId, b, m);
    });
  }

  private Buffer replyFrame(NodeId self, long seq, long inc, String from, Message m) {
    byte[] bytes = WireCodec.encode(m);
    String mac = auth.enabled() ? auth.sign(self.value(), replyId(rid(from, inc, seq)), bytes)
        : null;
    return frame(REPLY, seq, inc, senderBytes, mac, bytes);
  }

  private void answer(Served served, NetSocket sock, NodeId from, Buffer frame, Message m) {
    FaultInjector.Fate fate = faults.fate(served.self, from, m, true);
    if (!fate.deliver()) {
      return;
    }
    if (fate.delayMillis() > 0) {
      vertx.setTimer(fate.delayMillis(), t -> sock.write(frame));
    } else {
      sock.write(frame);
    }
  }

  @Override
  public Future<Void> stop(NodeId self) {
    NetServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** Stops the sweep, closes every connection and the server; outstanding requests fail. */
  public Future<Void> close() {
    vertx.cancelTimer(sweepTimer);
    for (Pending p : pending.values()) {
      if (pending.remove(p.seq, p)) {
        fail(p, new ReplyException(ReplyFailure.TIMEOUT, "transport closed"));
      }
    }
    conns.values().forEach(Conn::close);
    conns.clear();
    return stop(sender).eventually(() -> client.close());
  }

  // ---------------------------------------------------------------- frames

  static String rid(String from, long inc, long seq) {
    return from + ":" + Long.toHexString(inc) + ":" + seq;
  }

  private static String replyId(String rid) {
    return rid + "#reply";
  }

  private static int frameLength(int fromLength, String mac, int bodyLength) {
    return HEADER_BYTES + fromLength + (mac == null ? 0 : mac.length()) + bodyLength;
  }

  /** One frame with its length prefix. */
  static Buffer frame(byte kind, long seq, long inc, byte[] from, String mac, byte[] body) {
    byte[] macBytes = mac == null ? new byte[0] : mac.getBytes(StandardCharsets.US_ASCII);
    int length = HEADER_BYTES + from.length + macBytes.length + body.length;
    return Buffer.buffer(4 + length)
        .appendInt(length)
        .appendByte(kind)
        .appendLong(seq)
        .appendLong(inc)
        .appendShort((short) from.length)
        .appendBytes(from)
        .appendShort((short) macBytes.length)
        .appendBytes(macBytes)
        .appendBytes(body);
  }

  private Buffer errorFrame(long seq, long inc, int code, String text) {
    byte[] body = Buffer.buffer().appendInt(code).appendString(text, "UTF-8").getBytes();
    return frame(ERROR, seq, inc, senderBytes, null, body);
  }

  /**
   * Reads the frames of one connection: a 4-byte length, then that many bytes. On the server
   * side ({@code served} not null) only requests are valid, on the client side only replies and
   * errors.
   */
  private final class FrameReader {
    final NetSocket sock;
    final Served served;
    final RecordParser parser = RecordParser.newFixed(4);
    boolean header = true;
    boolean dead;
    // A connection carries one sender's frames: its id is checked once, not per frame.
    String lastFrom;
    NodeId lastFromId;

    FrameReader(NetSocket sock, Served served) {
      this.sock = sock;
      this.served = served;
      parser.handler(this::record);
    }

    void record(Buffer b) {
      if (dead) {
        return;
      }
      if (header) {
        int length = b.getInt(0);
        if (length < HEADER_BYTES || length > MAX_FRAME_BYTES) {
          bad("frame length " + length + " outside " + HEADER_BYTES + "-" + MAX_FRAME_BYTES);
          return;
        }
        header = false;
        parser.fixedSizeMode(length);
        return;
      }
      header = true;
      parser.fixedSizeMode(4);
      try {
        frame(b);
      } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
        bad(e.getMessage());
      }
    }

    private void frame(Buffer b) {
      int length = b.length();
      byte kind = b.getByte(0);
      long seq = b.getLong(1);
      long inc = b.getLong(9);
      int fromLength = b.getUnsignedShort(17);
      if (fromLength < 1 || fromLength > 64 || 19 + fromLength + 2 > length) {
        bad("sender id of " + fromLength + " bytes");
        return;
      }
      String from = b.getString(19, 19 + fromLength, "US-ASCII");
      int macLength = b.getUnsignedShort(19 + fromLength);
      int bodyStart = 21 + fromLength + macLength;
      if (macLength > MAX_MAC_BYTES || bodyStart > length) {
        bad("MAC of " + macLength + " bytes");
        return;
      }
      String mac = macLength == 0 ? null
          : b.getString(21 + fromLength, bodyStart, "US-ASCII");
      if (served != null) {
        if (kind != REQUEST) {
          bad("frame kind " + kind + " sent to a server");
          return;
        }
        if (!from.equals(lastFrom)) {
          lastFromId = NodeId.of(from); // IllegalArgumentException: garbage, closes
          lastFrom = from;
        }
        onRequest(served, sock, seq, inc, from, lastFromId, mac, b, bodyStart);
      } else if (kind == REPLY || (kind == ERROR && length - bodyStart >= 4)) {
        onReply(kind, seq, b, bodyStart, mac);
      } else {
        bad("frame kind " + kind + " sent to a client");
      }
    }

    private void bad(String why) {
      dead = true;
      badFrames.incrementAndGet();
      LOG.warn("RTX-3001 node {} closed the connection {} {}: bad frame ({})", sender,
          served != null ? "from" : "to", sock.remoteAddress(), why);
      sock.close();
    }
  }

  /** A request waiting for its reply. */
  private static final class Pending {
    final long seq;
    final NodeId to;
    final Message request;
    final Buffer frame;
    final Context ctx;
    final long deadline;
    final long attempt;
    final Promise<Message> promise = Promise.promise();
    volatile long nextAttemptAt;
    volatile long backoff = 5;

    Pending(long seq, NodeId to, Message request, Buffer frame, Context ctx, long deadline,
        long attempt) {
      this.seq = seq;
      this.to = to;
      this.request = request;
      this.frame = frame;
      this.ctx = ctx;
      this.deadline = deadline;
      this.attempt = attempt;
    }
  }

  /** A connection to one peer's address, being made or made. */
  private record Conn(SocketAddress address, Future<NetSocket> socket) {
    void close() {
      socket.onSuccess(NetSocket::close);
    }
  }

  /** A request id on the receiving side. */
  private record Key(String from, long incarnation, long seq) {}

  /** The serving side: its handler, context and stored replies (touched on that context only). */
  private static final class Served {
    final NodeId self;
    final Handler handler;
    final Context ctx;
    final StoredReplies<Key> replies;

    Served(NodeId self, Handler handler, Context ctx, StoredReplies<Key> replies) {
      this.self = self;
      this.handler = handler;
      this.ctx = ctx;
      this.replies = replies;
    }

  }

}
