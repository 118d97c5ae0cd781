package io.ringtx.protocol.rpc;

import io.ringtx.protocol.codec.MalformedMessageException;
import io.ringtx.protocol.codec.WireCodec;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over the Vert.x event bus (DESIGN §5): one address per node ({@code
 * ringtx.node.<id>}), messages encoded with {@link WireCodec}, a deadline on every call.
 *
 * <p>At-most-once: every request carries a request id (sender id, incarnation and sequence
 * number). A request
 * whose attempt times out or finds no handler (a node still starting, a connection re-forming)
 * is retransmitted with the same id until its deadline; the receiver keeps each reply by request
 * id ({@link StoredReplies}) and answers a retransmission from it, so a handler never runs
 * twice for one request. Every handler of ours is also idempotent by transaction id (its
 * answer is in the stable log), which is why this table needs no disk: after a restart, the log
 * answers.
 *
 * <p>With a {@link RequestAuth} (a cluster secret), every request and every reply carries a MAC
 * over its sender, request id and body. A request whose MAC does not check is refused before
 * anything else looks at it (RTX-8102, answered with a failure that the sender does not retry);
 * a reply whose MAC does not check fails the request (RTX-8103).
 *
 * <p>The same class serves an in-JVM cluster (local event bus) and, with a clustered Vert.x, a
 * cluster of processes.
 */
public final class EventBusTransport extends CountingTransport {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusTransport.class);
  private static final String FROM = "from";
  private static final String RID = "rid";
  private static final String MAC = "mac";
  /** The failure code of a refused request (as HTTP's 403: the sender is not one of us). */
  public static final int REFUSED_CODE = 403;

  private final Vertx vertx;
  private final NodeId sender;
  private final FaultInjector faults;
  private final RequestAuth auth;
  /**
   * Sender id and a random incarnation: the request ids of a restarted node must not repeat
   * those of its previous run, which receivers still hold replies for. Were they to repeat, a new
   * request would be answered with the stored reply to an old one — a vote for another
   * transaction, say.
   */
  private final String ridPrefix;
  private final AtomicLong nextRequest = new AtomicLong();
  private final Map<NodeId, MessageConsumer<Buffer>> consumers = new ConcurrentHashMap<>();

  /** @param sender the id this transport's requests are sent from */
  public EventBusTransport(Vertx vertx, NodeId sender) {
    this(vertx, sender, FaultInjector.NONE);
  }

  public EventBusTransport(Vertx vertx, NodeId sender, FaultInjector faults) {
    this(vertx, sender, faults, RequestAuth.NONE);
  }

  /** @param auth signs this node's messages and checks those it receives */
  public EventBusTransport(Vertx vertx, NodeId sender, FaultInjector faults, RequestAuth auth) {
    this.vertx = vertx;
    this.sender = sender;
    this.faults = faults;
    this.auth = Objects.requireNonNull(auth, "auth");
    this.ridPrefix =
        sender.value() + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
  }

  static String address(NodeId node) {
    return "ringtx.node." + node.value();
  }

  @Override
  public Future<Message> request(NodeId to, Message request, long timeoutMillis) {
    String rid = ridPrefix + nextRequest.incrementAndGet();
    byte[] bytes = WireCodec.encode(request);
    Buffer body = Buffer.buffer(bytes);
    String mac = auth.sign(sender.value(), rid, bytes);
    long deadline = System.currentTimeMillis() + timeoutMillis;
    // Several attempts fit in one deadline, so a lost message costs a fraction of it.
    long attempt = Math.max(50, timeoutMillis / 4);
    Promise<Message> result = Promise.promise();
    send(to, request, body, mac, rid, deadline, attempt, 5, result);
    return result.future();
  }

  private void send(NodeId to, Message request, Buffer body, String mac, String rid, long deadline,
      long attempt, long backoff, Promise<Message> result) {
    long remaining = deadline - System.currentTimeMillis();
    if (remaining <= 0) {
      result.tryFail(new ReplyException(ReplyFailure.TIMEOUT,
          "no reply from " + to + " to " + request.getClass().getSimpleName() + " " + rid));
      return;
    }
    DeliveryOptions opts =
        new DeliveryOptions()
            .setSendTimeout(Math.min(attempt, remaining))
            .addHeader(FROM, sender.value())
            .addHeader(RID, rid);
    if (mac != null) {
      opts.addHeader(MAC, mac);
    }
    FaultInjector.Fate fate = faults.fate(sender, to, request, false);
    Future<io.vertx.core.eventbus.Message<Buffer>> reply;
    if (!fate.deliver()) {
      reply = Future.failedFuture(new ReplyException(ReplyFailure.TIMEOUT, "dropped"));
    } else {
      Promise<io.vertx.core.eventbus.Message<Buffer>> sent = Promise.promise();
      Runnable go = () -> {
        if (fate.duplicate()) {
          vertx.eventBus().request(address(to), body, opts); // its reply is ignored
        }
        vertx.eventBus().<Buffer>request(address(to), body, opts).onComplete(sent);
      };
      if (fate.delayMillis() > 0) {
        vertx.setTimer(fate.delayMillis(), t -> go.run());
      } else {
        go.run();
      }
      reply = sent.future();
    }
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        byte[] answer = ar.result().body().getBytes();
        if (!auth.verify(to.value(), replyId(rid), answer, ar.result().headers().get(MAC))) {
          refused.incrementAndGet();
          LOG.warn("RTX-8103 node {} discarded a reply from {} to {}: it does not carry this "
              + "cluster's secret", sender, to, rid);
          result.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, REFUSED_CODE,
              "RTX-8103 the reply from " + to + " does not carry this cluster's secret"));
          return;
        }
        try {
          result.tryComplete(WireCodec.decode(answer));
        } catch (MalformedMessageException e) {
          result.tryFail(e);
        }
        return;
      }
      boolean retry = ar.cause() instanceof ReplyException re
          && (re.failureType() == ReplyFailure.TIMEOUT
              || re.failureType() == ReplyFailure.NO_HANDLERS);
      if (!retry || System.currentTimeMillis() + backoff >= deadline) {
        result.tryFail(ar.cause());
        return;
      }
      retransmissions.incrementAndGet();
      vertx.setTimer(backoff, t ->
          send(to, request, body, mac, rid, deadline, attempt, Math.min(backoff * 2, 200),
              result));
    });
  }

  @Override
  public Future<Void> serve(NodeId self, Handler handler) {
    // Replies by request id; accessed only on the consumer's context, so no locking.
    StoredReplies<String> replies = new StoredReplies<>(faults != FaultInjector.NONE);
    MessageConsumer<Buffer> consumer =
        vertx.eventBus().consumer(address(self), msg -> {
          String rid = msg.headers().get(RID);
          // First, before the stored replies: an outsider must not be answered even from them.
          if (auth.enabled() && !auth.verify(msg.headers().get(FROM), rid,
              msg.body() == null ? new byte[0] : msg.body().getBytes(), msg.headers().get(MAC))) {
            refused.incrementAndGet();
            LOG.warn("RTX-8102 node {} refused a request claiming to come from {}: it does not "
                + "carry this cluster's secret", self, msg.headers().get(FROM));
            msg.fail(REFUSED_CODE, "RTX-8102 refused by " + self
                + ": the request does not carry this cluster's secret");
            return;
          }
          StoredReplies.Stored stored = rid == null ? null : replies.get(rid);
          if (stored != null) {
            duplicatesAnswered.incrementAndGet();
            stored.whenAnswered(st -> answer(self, msg, rid, st.frame(), st.message()));
            return;
          }
          NodeId from;
          Message request;
          try {
            from = NodeId.of(msg.headers().get(FROM));
            request = WireCodec.decode(msg.body().getBytes());
          } catch (MalformedMessageException | IllegalArgumentException | NullPointerException e) {
            LOG.warn("RTX-3001 node {} refused a malformed request: {}", self, e.getMessage());
            ErrorReply err = new ErrorReply(ErrorReply.Code.BAD_REQUEST, String.valueOf(e.getMessage()));
            msg.reply(Buffer.buffer(WireCodec.encode(err)), signed(self, rid, WireCodec.encode(err)));
            return;
          }
          StoredReplies.Stored s = replies.keepFor(rid, request);
          handler.handle(from, request, m -> {
            Buffer b = Buffer.buffer(WireCodec.encode(m));
            replies.answered(s, m, b);
            answer(self, msg, rid, b, m);
          });
        });
    consumers.put(self, consumer);
    return consumer.completion();
  }

  private static String replyId(String rid) {
    return rid + "#reply";
  }

  /** The delivery options of a reply: its MAC, if messages are signed. */
  private DeliveryOptions signed(NodeId self, String rid, byte[] reply) {
    DeliveryOptions o = new DeliveryOptions();
    String mac = auth.sign(self.value(), replyId(rid), reply);
    if (mac != null) {
      o.addHeader(MAC, mac);
    }
    return o;
  }

  private void answer(NodeId self, io.vertx.core.eventbus.Message<Buffer> msg, String rid, Buffer b,
      Message m) {
    String from = msg.headers().get(FROM);
    FaultInjector.Fate fate =
        faults.fate(self, from == null ? self : NodeId.of(from), m, true);
    if (!fate.deliver()) {
      return;
    }
    DeliveryOptions opts = signed(self, rid, b.getBytes());
    if (fate.delayMillis() > 0) {
      vertx.setTimer(fate.delayMillis(), t -> msg.reply(b, opts));
    } else {
      msg.reply(b, opts);
    }
  }

  @Override
  public Future<Void> stop(NodeId self) {
    MessageConsumer<Buffer> c = consumers.remove(self);
    return c == null ? Future.succeededFuture() : c.unregister();
  }

}
