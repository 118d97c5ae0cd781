package io.ringtx.coordinator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.RingInfo;
import io.ringtx.protocol.message.RingInfoRequest;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingRange;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.rpc.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's routing cache (DESIGN §4): built from the ranges the participants report;
 * a silent participant keeps its last ranges until another one reports them.
 */
class RingRoutingTest {
  static final IdSpace M6 = new IdSpace(6);
  static final NodeId P1 = NodeId.of("p1");
  static final NodeId P2 = NodeId.of("p2");
  static final NodeId P3 = NodeId.of("p3");

  final Vertx vertx = Vertx.vertx();
  /** What each participant answers; absent: it is silent (the request fails). */
  final Map<NodeId, RingInfo> answers = new ConcurrentHashMap<>();
  final Transport transport = Transport.sendingOnly((to, request, timeoutMillis) -> {
    RingInfo info = answers.get(to);
    return request instanceof RingInfoRequest && info != null
        ? Future.succeededFuture(info) : Future.failedFuture("no answer from " + to);
  });

  @AfterEach
  void close() {
    vertx.close();
  }

  static RingRange r(long a, long b) {
    return new RingRange(M6.id(a), M6.id(b));
  }

  static RingInfo info(NodeId n, RingRange... owned) {
    return new RingInfo(n.value(), "MEMBER", List.of(owned), List.of(), List.of());
  }

  RingRouting routing(RingSnapshot initial, List<NodeId> ask) {
    return new RingRouting(vertx, transport, initial, 100, () -> ask);
  }

  static void await(Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void routesByTheReportedRanges_andANewOwnerTakesOverASilentOnesRange() throws Exception {
    // p1 owns (40, 10], p2 owns (10, 40]; keys route by the ranges' ends.
    RingSnapshot initial = RingSnapshot.of(M6, List.of(
        new io.ringtx.protocol.ring.VirtualNode(P1, M6.id(10)),
        new io.ringtx.protocol.ring.VirtualNode(P2, M6.id(40))));
    RingRouting routing = routing(initial, List.of(P1, P2, P3));
    answers.put(P1, info(P1, r(40, 10)));
    // p2 is silent: it keeps (10, 40].
    await(routing.refresh());
    assertThat(routing.snapshot().successor(M6.id(20)).node()).isEqualTo(P2);
    assertThat(routing.participants()).containsExactly(P1, P2);

    // p3 joined and took (10, 25] from p2, which is still silent: p2 keeps only what nobody
    // else reports — here nothing of (10, 40] can be told apart, so it is dropped once p3
    // reports a range inside it, and (25, 40] routes to the next end, p1's.
    answers.put(P3, info(P3, r(10, 25)));
    await(routing.refresh());
    assertThat(routing.snapshot().successor(M6.id(20)).node()).isEqualTo(P3);
    assertThat(routing.participants()).containsExactly(P1, P3);

    // p2 answers again with what it kept.
    answers.put(P2, info(P2, r(25, 40)));
    await(routing.refresh());
    assertThat(routing.snapshot().successor(M6.id(30)).node()).isEqualTo(P2);
    assertThat(routing.participants()).containsExactly(P1, P2, P3);
    routing.close();
  }

  @Test
  void withNoAnswerAtAll_theRoutingStaysAsItWas() throws Exception {
    RingSnapshot initial = RingSnapshot.hashed(M6, List.of(P1, P2), 2);
    RingRouting routing = routing(initial, List.of(P1, P2));
    await(routing.refresh());
    assertThat(routing.snapshot().virtualNodes()).isEqualTo(initial.virtualNodes());
  }
}
