package io.ringtx.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringtx.protocol.codec.WireCodec;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.StatusQuery;
import io.ringtx.protocol.message.StatusReply;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.security.ClusterSecret;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct TCP transport keeps the event bus transport's promises (DESIGN §5): one reply per
 * request, retransmissions answered from the stored reply, a deadline on every call, MACs, and a
 * server that survives bad frames.
 */
class TcpTransportTest {
  private static final NodeId C1 = NodeId.of("c1");
  private static final NodeId P1 = NodeId.of("p1");
  private static final String HOST = "127.0.0.1";

  private final Vertx vertx = Vertx.vertx();
  private final Map<NodeId, SocketAddress> addresses = new ConcurrentHashMap<>();
  private final AtomicInteger handled = new AtomicInteger();
  private final List<TcpTransport> transports = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (TcpTransport t : transports) {
      get(t.close());
    }
    get(vertx.close());
  }

  private TcpTransport transport(NodeId id, FaultInjector faults, RequestAuth auth) {
    TcpTransport t = new TcpTransport(vertx, id, HOST, 0, addresses::get, faults, auth, null);
    transports.add(t);
    return t;
  }

  /** A p1 server answering every status query with UNKNOWN, counting the calls. */
  private TcpTransport server(FaultInjector faults, RequestAuth auth) throws Exception {
    return server(faults, auth, 0);
  }

  /** As {@link #server(FaultInjector, RequestAuth)}, answering {@code delayMillis} later. */
  private TcpTransport server(FaultInjector faults, RequestAuth auth, long delayMillis)
      throws Exception {
    TcpTransport t = transport(P1, faults, auth);
    get(t.serve(P1, (from, request, reply) -> {
      handled.incrementAndGet();
      StatusReply answer = new StatusReply(((StatusQuery) request).txId(), P1, TxState.UNKNOWN);
      if (delayMillis == 0) {
        reply.accept(answer);
      } else {
        vertx.setTimer(delayMillis, x -> reply.accept(answer));
      }
    }));
    addresses.put(P1, SocketAddress.inetSocketAddress(t.port(), HOST));
    return t;
  }

  /** A c1 that sends every request twice. */
  private TcpTransport duplicatingClient() {
    return transport(C1, (from, to, m, isReply) ->
        isReply ? FaultInjector.Fate.DELIVER : new FaultInjector.Fate(true, true, 0),
        RequestAuth.NONE);
  }

  /** A query sent twice is answered, p1 answers the second from its stored reply, and runs once. */
  private void assertADuplicateIsAnsweredFromTheStoredReply(TcpTransport p1) throws Exception {
    TcpTransport c1 = duplicatingClient();
    assertThat(txOf(get(c1.request(P1, query("t1"), 2_000)))).isEqualTo(TxId.of("t1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> p1.duplicatesAnswered() == 1);
    assertThat(handled).hasValue(1);
  }

  private static StatusQuery query(String tx) {
    return new StatusQuery(TxId.of(tx), C1, false);
  }

  private static TxId txOf(Message m) {
    return ((StatusReply) m).txId();
  }

  @Test
  void aRequest_isAnsweredOnTheCallersContext_andHandledOnTheServingContext() throws Exception {
    Context serving = vertx.getOrCreateContext();
    AtomicReference<Context> handledOn = new AtomicReference<>();
    TcpTransport p1 = transport(P1, FaultInjector.NONE, RequestAuth.NONE);
    Promise<Void> served = Promise.promise();
    serving.runOnContext(v -> p1.serve(P1, (from, request, reply) -> {
      handledOn.set(Vertx.currentContext());
      reply.accept(new StatusReply(((StatusQuery) request).txId(), P1, TxState.UNKNOWN));
    }).onComplete(served));
    get(served.future());
    addresses.put(P1, SocketAddress.inetSocketAddress(p1.port(), HOST));
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);

    Context caller = vertx.getOrCreateContext();
    Promise<Context> answeredOn = Promise.promise();
    Promise<Message> reply = Promise.promise();
    caller.runOnContext(v -> c1.request(P1, query("t1"), 2_000).onComplete(ar -> {
      answeredOn.complete(Vertx.currentContext());
      reply.handle(ar);
    }));

    assertThat(txOf(get(reply.future()))).isEqualTo(TxId.of("t1"));
    assertThat(get(answeredOn.future())).isSameAs(caller);
    assertThat(handledOn.get()).isSameAs(serving);
  }

  @Test
  void manyOutstandingRequests_onOneConnection_eachGetTheirOwnReply() throws Exception {
    server(FaultInjector.NONE, RequestAuth.NONE);
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);

    List<Future<Message>> replies = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      replies.add(c1.request(P1, query("t" + i), 5_000));
    }

    for (int i = 0; i < 500; i++) {
      assertThat(txOf(get(replies.get(i)))).isEqualTo(TxId.of("t" + i));
    }
    assertThat(handled).hasValue(500);
  }

  // DESIGN §5: a lost reply makes the sender retransmit with the same request id; the receiver
  // answers from the stored reply and does not run the handler again.
  @Test
  void aLostReply_isRetransmitted_andAnsweredFromTheStoredReply() throws Exception {
    AtomicInteger replies = new AtomicInteger();
    TcpTransport p1 = server((from, to, m, isReply) ->
        isReply && replies.incrementAndGet() == 1 ? FaultInjector.Fate.DROP
            : FaultInjector.Fate.DELIVER, RequestAuth.NONE);
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);

    Message reply = get(c1.request(P1, query("t1"), 2_000));

    assertThat(txOf(reply)).isEqualTo(TxId.of("t1"));
    assertThat(handled).hasValue(1);
    assertThat(c1.retransmissions()).isGreaterThanOrEqualTo(1);
    assertThat(p1.duplicatesAnswered()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aLostRequest_isRetransmitted_andHandledOnce() throws Exception {
    server(FaultInjector.NONE, RequestAuth.NONE);
    AtomicInteger requests = new AtomicInteger();
    TcpTransport c1 = transport(C1, (from, to, m, isReply) ->
        !isReply && requests.incrementAndGet() == 1 ? FaultInjector.Fate.DROP
            : FaultInjector.Fate.DELIVER, RequestAuth.NONE);

    assertThat(txOf(get(c1.request(P1, query("t1"), 2_000)))).isEqualTo(TxId.of("t1"));
    assertThat(handled).hasValue(1);
    assertThat(c1.retransmissions()).isEqualTo(1);
  }

  @Test
  void aDuplicatedRequest_runsTheHandlerOnce() throws Exception {
    assertADuplicateIsAnsweredFromTheStoredReply(server(FaultInjector.NONE, RequestAuth.NONE));
  }

  // A duplicate that comes while the handler has not answered yet waits for that answer and is
  // answered from it: the handler still runs once.
  @Test
  void aDuplicateBeforeTheAnswer_waitsForIt_andTheHandlerRunsOnce() throws Exception {
    assertADuplicateIsAnsweredFromTheStoredReply(
        server(FaultInjector.NONE, RequestAuth.NONE, 300));
  }

  // A read changes nothing, so its reply is not kept: a duplicate runs the handler again.
  @Test
  void aDuplicatedRead_runsTheHandlerAgain_insteadOfKeepingItsReply() throws Exception {
    TcpTransport p1 = transport(P1, FaultInjector.NONE, RequestAuth.NONE);
    get(p1.serve(P1, (from, request, reply) -> {
      handled.incrementAndGet();
      String key = ((ReadRequest) request).key();
      reply.accept(new ReadReply(key, "v" + handled.get(), handled.get()));
    }));
    addresses.put(P1, SocketAddress.inetSocketAddress(p1.port(), HOST));
    TcpTransport c1 = duplicatingClient();

    ReadReply first = (ReadReply) get(c1.request(P1, new ReadRequest("k"), 2_000));

    assertThat(first.key()).isEqualTo("k");
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 2);
    assertThat(p1.duplicatesAnswered()).isZero();
  }

  @Test
  void delayedRequestsAndReplies_stillArrive() throws Exception {
    server((from, to, m, isReply) -> new FaultInjector.Fate(true, false, 30),
        RequestAuth.NONE);
    TcpTransport c1 = transport(C1, (from, to, m, isReply) ->
        new FaultInjector.Fate(true, false, 30), RequestAuth.NONE);

    assertThat(txOf(get(c1.request(P1, query("t1"), 2_000)))).isEqualTo(TxId.of("t1"));
    assertThat(handled).hasValue(1);
  }

  @Test
  void aRequestNobodyAnswers_failsWithATimeoutAtItsDeadline() throws Exception {
    TcpTransport p1 = transport(P1, FaultInjector.NONE, RequestAuth.NONE);
    get(p1.serve(P1, (from, request, reply) -> handled.incrementAndGet())); // never replies
    addresses.put(P1, SocketAddress.inetSocketAddress(p1.port(), HOST));
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);

    assertThatThrownBy(() -> get(c1.request(P1, query("t1"), 300)))
        .cause().isInstanceOf(ReplyException.class)
        .satisfies(e -> assertThat(((ReplyException) e).failureType())
            .isEqualTo(ReplyFailure.TIMEOUT));
    // Retransmitted within the deadline, but the handler ran once: the rest waited on it.
    assertThat(c1.retransmissions()).isGreaterThanOrEqualTo(1);
    assertThat(handled).hasValue(1);
  }

  @Test
  void aRequestToANodeNotYetInDiscovery_isRetriedUntilItAppears() throws Exception {
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);
    Future<Message> reply = c1.request(P1, query("t1"), 5_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> c1.retransmissions() > 0);

    server(FaultInjector.NONE, RequestAuth.NONE);

    assertThat(txOf(get(reply))).isEqualTo(TxId.of("t1"));
  }

  @Test
  void aRequestToAnUnknownNode_failsAtItsDeadline() {
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);

    assertThatThrownBy(() -> get(c1.request(P1, query("t1"), 200)))
        .cause().isInstanceOf(ReplyException.class).hasMessageContaining("no reply from p1");
  }

  // Every outside input is validated; a bad frame closes its connection, not the node.
  @Test
  void badFrames_closeTheirConnection_andTheServerKeepsServing() throws Exception {
    TcpTransport p1 = server(FaultInjector.NONE, RequestAuth.NONE);
    byte[] from = "c9".getBytes(StandardCharsets.US_ASCII);
    byte[] body = WireCodec.encode(query("t1"));
    List<Buffer> bad = List.of(
        Buffer.buffer().appendInt(Integer.MAX_VALUE).appendBytes(new byte[16]), // too long
        Buffer.buffer().appendInt(3).appendBytes(new byte[3]), // shorter than a header
        TcpTransport.frame((byte) 9, 1, 1, from, null, body), // unknown kind
        TcpTransport.frame(TcpTransport.REPLY, 1, 1, from, null, body), // a reply to a server
        TcpTransport.frame(TcpTransport.REQUEST, 1, 1, "bad id!".getBytes(StandardCharsets.UTF_8),
            null, body), // an invalid sender id
        Buffer.buffer().appendInt(100).appendByte(TcpTransport.REQUEST).appendLong(1)
            .appendLong(1).appendShort((short) 500).appendBytes(new byte[81])); // id past the end
    for (Buffer b : bad) {
      NetSocket raw = get(vertx.createNetClient().connect(p1.port(), HOST));
      Promise<Void> closed = Promise.promise();
      raw.closeHandler(v -> closed.tryComplete());
      raw.write(b);
      get(closed.future());
    }
    assertThat(p1.badFrames()).isEqualTo(bad.size());
    assertThat(handled).hasValue(0);

    // A frame with a good header but a body that is not a message: answered with an error.
    NetSocket raw = get(vertx.createNetClient().connect(p1.port(), HOST));
    Promise<Buffer> answer = Promise.promise();
    raw.handler(answer::tryComplete);
    raw.write(TcpTransport.frame(TcpTransport.REQUEST, 1, 1, from, null,
        "{not a message".getBytes(StandardCharsets.UTF_8)));
    Buffer a = get(answer.future());
    assertThat(a.getByte(4)).isEqualTo(TcpTransport.REPLY);
    assertThat(WireCodec.decode(a.getBytes(27, a.length()))).isInstanceOf(ErrorReply.class);

    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);
    assertThat(txOf(get(c1.request(P1, query("t2"), 2_000)))).isEqualTo(TxId.of("t2"));
    assertThat(handled).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"type\":\"read\",\"key\":",
    "{\"type\":\"no-such-message\"}",
    "garbage \u0000\u0001",
    "{\"type\":\"vote-req\",\"txId\":\"bad id!\"}",
    "{\"type\":\"read\",\"key\":\"k\",\"extra\":1}",
    "[1,2,3]",
    ""
  })
  void aWellFramedMalformedMessage_isAnsweredBadRequest_andNeverHandled(String body)
      throws Exception {
    TcpTransport p1 = server(FaultInjector.NONE, RequestAuth.NONE);
    NetSocket raw = get(vertx.createNetClient().connect(p1.port(), HOST));
    Promise<Buffer> answer = Promise.promise();
    raw.handler(answer::tryComplete);
    raw.write(TcpTransport.frame(TcpTransport.REQUEST, 7, 1,
        "c9".getBytes(StandardCharsets.US_ASCII), null, body.getBytes(StandardCharsets.UTF_8)));

    Buffer a = get(answer.future());
    assertThat(a.getByte(4)).isEqualTo(TcpTransport.REPLY);
    assertThat(a.getLong(5)).as("the request's sequence number").isEqualTo(7);
    Message reply = WireCodec.decode(a.getBytes(27, a.length()));
    assertThat(reply).isInstanceOf(ErrorReply.class);
    assertThat(((ErrorReply) reply).code()).isEqualTo(ErrorReply.Code.BAD_REQUEST);
    assertThat(handled).hasValue(0);
    assertThat(p1.badFrames()).isZero();
  }

  @Test
  void aTruncatedFrame_isNeverHandled() throws Exception {
    TcpTransport p1 = server(FaultInjector.NONE, RequestAuth.NONE);
    Buffer whole = TcpTransport.frame(TcpTransport.REQUEST, 1, 1,
        "c9".getBytes(StandardCharsets.US_ASCII), null, WireCodec.encode(query("t1")));
    NetSocket raw = get(vertx.createNetClient().connect(p1.port(), HOST));
    raw.write(whole.getBuffer(0, whole.length() - 5));
    get(raw.close());

    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);
    assertThat(txOf(get(c1.request(P1, query("t2"), 2_000)))).isEqualTo(TxId.of("t2"));
    assertThat(handled).hasValue(1);
  }

  @Test
  void aRequestWithAnotherSecret_isRefusedAtOnceAndNeverHandled() throws Exception {
    ClusterSecret secret = ClusterSecret.of("the-right-cluster-secret".getBytes(StandardCharsets.UTF_8));
    ClusterSecret other = ClusterSecret.of("another-cluster-secret!".getBytes(StandardCharsets.UTF_8));
    TcpTransport p1 = server(FaultInjector.NONE, secret);
    TcpTransport outsider = transport(C1, FaultInjector.NONE, other);

    assertThatThrownBy(() -> get(outsider.request(P1, query("t1"), 2_000)))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ReplyException.class)
        .hasMessageContaining("RTX-8102")
        .satisfies(e -> assertThat(((ReplyException) e).failureCode())
            .isEqualTo(EventBusTransport.REFUSED_CODE));
    assertThat(handled).hasValue(0);
    assertThat(p1.refused()).isEqualTo(1);
    assertThat(outsider.retransmissions()).isZero();

    TcpTransport member = transport(NodeId.of("c2"), FaultInjector.NONE, secret);
    assertThat(txOf(get(member.request(P1, query("t2"), 2_000)))).isEqualTo(TxId.of("t2"));
  }

  @Test
  void aReplyFromANodeWithoutTheSecret_isNotBelieved() throws Exception {
    server(FaultInjector.NONE, RequestAuth.NONE);
    ClusterSecret secret = ClusterSecret.of("the-right-cluster-secret".getBytes(StandardCharsets.UTF_8));
    TcpTransport c1 = transport(C1, FaultInjector.NONE, secret);

    assertThatThrownBy(() -> get(c1.request(P1, query("t1"), 2_000)))
        .cause().hasMessageContaining("RTX-8103");
    assertThat(c1.refused()).isEqualTo(1);
  }

  @Test
  void afterThePeerRestarts_onAnotherPort_requestsReachTheNewProcess() throws Exception {
    TcpTransport first = server(FaultInjector.NONE, RequestAuth.NONE);
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);
    assertThat(txOf(get(c1.request(P1, query("t1"), 2_000)))).isEqualTo(TxId.of("t1"));

    get(first.close());
    transports.remove(first);
    server(FaultInjector.NONE, RequestAuth.NONE); // a new process: new port, published anew

    assertThat(txOf(get(c1.request(P1, query("t2"), 5_000)))).isEqualTo(TxId.of("t2"));
    assertThat(handled).hasValue(2);
  }

  @Test
  void afterThePeerRestarts_onTheSamePort_theConnectionIsMadeAgain() throws Exception {
    TcpTransport first = server(FaultInjector.NONE, RequestAuth.NONE);
    int port = first.port();
    TcpTransport c1 = transport(C1, FaultInjector.NONE, RequestAuth.NONE);
    assertThat(txOf(get(c1.request(P1, query("t1"), 2_000)))).isEqualTo(TxId.of("t1"));

    get(first.close());
    transports.remove(first);
    // Like a restarted process, binding is retried: the port can stay taken for a moment (one of
    // the client's reconnection attempts may have been given it as its own local port).
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> restartedOn(port));

    assertThat(((StatusReply) get(c1.request(P1, query("t2"), 10_000))).state())
        .isEqualTo(TxState.COMMIT);
  }

  /** Whether a p1 answering COMMIT could be started on {@code port}. */
  private boolean restartedOn(int port) throws Exception {
    TcpTransport t = new TcpTransport(vertx, P1, HOST, port, addresses::get, FaultInjector.NONE,
        RequestAuth.NONE, null);
    try {
      get(t.serve(P1, (from, request, reply) -> {
        handled.incrementAndGet();
        reply.accept(new StatusReply(((StatusQuery) request).txId(), P1, TxState.COMMIT));
      }));
    } catch (ExecutionException e) {
      get(t.close());
      return false;
    }
    transports.add(t);
    return true;
  }

  // Found by the crash tests on the event bus: a restarted sender must not be answered with the
  // stored replies to its previous run (the incarnation is part of the request id).
  @Test
  void aRestartedSender_isNotAnsweredWithTheRepliesToItsPreviousRun() throws Exception {
    server(FaultInjector.NONE, RequestAuth.NONE);

    Message before = get(transport(C1, FaultInjector.NONE, RequestAuth.NONE)
        .request(P1, query("old"), 2_000));
    Message after = get(transport(C1, FaultInjector.NONE, RequestAuth.NONE)
        .request(P1, query("new"), 2_000));

    assertThat(txOf(before)).isEqualTo(TxId.of("old"));
    assertThat(txOf(after)).isEqualTo(TxId.of("new"));
    assertThat(handled).hasValue(2);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
