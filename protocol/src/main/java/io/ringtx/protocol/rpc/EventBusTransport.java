package io.ringtx.protocol.rpc;

import io.ringtx.protocol.codec.MalformedMessageException;
import io.ringtx.protocol.codec.WireCodec;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over the Vert.x event bus: one address per node ({@code ringtx.node.<id>}),
 * messages encoded with {@link WireCodec} into a buffer, the sender's id in a header. The same
 * class serves an in-JVM cluster (local event bus) and, with a clustered Vert.x, a cluster of
 * processes.
 */
public final class EventBusTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusTransport.class);
  private static final String FROM = "from";

  private final Vertx vertx;
  private final NodeId sender;
  private final Map<NodeId, MessageConsumer<Buffer>> consumers = new ConcurrentHashMap<>();

  /** @param sender the id this transport's requests are sent from */
  public EventBusTransport(Vertx vertx, NodeId sender) {
    this.vertx = vertx;
    this.sender = sender;
  }

  static String address(NodeId node) {
    return "ringtx.node." + node.value();
  }

  @Override
  public Future<Message> request(NodeId to, Message request, long timeoutMillis) {
    Buffer body = Buffer.buffer(WireCodec.encode(request));
    DeliveryOptions opts =
        new DeliveryOptions().setSendTimeout(timeoutMillis).addHeader(FROM, sender.value());
    return vertx
        .eventBus()
        .<Buffer>request(address(to), body, opts)
        .map(reply -> WireCodec.decode(reply.body().getBytes()));
  }

  @Override
  public Future<Void> serve(NodeId self, Handler handler) {
    MessageConsumer<Buffer> consumer =
        vertx
            .eventBus()
            .consumer(
                address(self),
                msg -> {
                  NodeId from;
                  Message request;
                  try {
                    from = NodeId.of(msg.headers().get(FROM));
                    request = WireCodec.decode(msg.body().getBytes());
                  } catch (MalformedMessageException | IllegalArgumentException | NullPointerException e) {
                    LOG.warn("RTX-3001 node {} refused a malformed request: {}", self, e.getMessage());
                    msg.reply(
                        Buffer.buffer(
                            WireCodec.encode(
                                new ErrorReply(ErrorReply.Code.BAD_REQUEST, String.valueOf(e.getMessage())))));
                    return;
                  }
                  handler.handle(from, request, m -> msg.reply(Buffer.buffer(WireCodec.encode(m))));
                });
    consumers.put(self, consumer);
    return consumer.completion();
  }

  @Override
  public Future<Void> stop(NodeId self) {
    MessageConsumer<Buffer> c = consumers.remove(self);
    return c == null ? Future.succeededFuture() : c.unregister();
  }
}
