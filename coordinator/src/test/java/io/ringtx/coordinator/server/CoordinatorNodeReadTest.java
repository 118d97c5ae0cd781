package io.ringtx.coordinator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.coordinator.api.InDoubtException;
import io.ringtx.coordinator.core.CoordinatorConfig;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.route.Router;
import io.ringtx.protocol.rpc.Transport;
import io.ringtx.storage.RocksNodeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read routed to an owner that has left (its handler is gone, the routing not yet refreshed)
 * refreshes the routing and asks the owner the ring names now, instead of failing the read.
 */
class CoordinatorNodeReadTest {
  static final NodeId C1 = NodeId.of("c1");
  static final NodeId P1 = NodeId.of("p1");
  static final NodeId P2 = NodeId.of("p2");

  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  /** Who the routing names as every key's owner; a refresh may change it. */
  final AtomicReference<NodeId> owner = new AtomicReference<>(P2);
  /** Where reads went, in order. */
  final Queue<NodeId> asked = new ConcurrentLinkedQueue<>();
  final AtomicInteger refreshes = new AtomicInteger();
  RocksNodeStore store;

  final Router router = new Router() {
    @Override
    public NodeId ownerOf(String key) {
      return owner.get();
    }

    @Override
    public List<NodeId> participants() {
      return List.of(P1, P2);
    }
  };

  /** p2 has left: nothing handles its address. p1 answers every read. */
  final Transport transport = Transport.sendingOnly((to, request, timeoutMillis) -> {
    if (request instanceof ReadRequest r) {
      asked.add(to);
      if (r.key().equals("doubtful")) {
        return Future.succeededFuture(new ErrorReply(ErrorReply.Code.IN_DOUBT,
            "key doubtful is written by transaction t9"));
      }
      return to.equals(P1) ? Future.succeededFuture(new ReadReply(r.key(), "v", 7))
          : Future.failedFuture("No handlers for address ringtx.node." + to.value());
    }
    return Future.failedFuture("not in this test: " + request);
  });

  @BeforeEach
  void open() {
    store = RocksNodeStore.open(dir.resolve("c1"));
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    store.close();
  }

  CoordinatorNode start() throws Exception {
    return CoordinatorNode.start(vertx, C1, store, transport, router,
            new CoordinatorConfig(250, 40, 640), Limits.DEFAULT, 500)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReadAtADepartedOwner_refreshesTheRouting_andReadsFromTheNewOwner() throws Exception {
    CoordinatorNode node = start();
    node.routing(() -> {
      refreshes.incrementAndGet();
      owner.set(P1); // the refresh learns that p1 took p2's ranges
      return Future.succeededFuture();
    }, () -> "ring");

    ReadReply r = node.read("k").get(10, TimeUnit.SECONDS);

    assertThat(r.value()).isEqualTo("v");
    assertThat(r.version()).isEqualTo(7);
    assertThat(asked).containsExactly(P2, P1);
    assertThat(refreshes).hasValue(1);
  }

  @Test
  void whenNoRefreshFindsAnotherOwner_theReadFailsAfterABoundedNumberOfTries() throws Exception {
    CoordinatorNode node = start();
    node.routing(() -> {
      refreshes.incrementAndGet();
      return Future.succeededFuture(); // the ring still names p2
    }, () -> "ring");

    assertThatThrownBy(() -> node.read("k").get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("No handlers for address ringtx.node.p2");
    assertThat(asked).hasSizeGreaterThan(1).containsOnly(P2);
    assertThat(refreshes.get()).isEqualTo(asked.size() - 1);
  }

  @Test
  void aReadRefusedInDoubt_failsAtOnce_asInDoubt_withTheParticipantsWords() throws Exception {
    CoordinatorNode node = start();
    node.routing(() -> {
      refreshes.incrementAndGet();
      return Future.succeededFuture();
    }, () -> "ring");

    assertThatThrownBy(() -> node.read("doubtful").get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InDoubtException.class)
        .hasMessageContaining("refused by p2").hasMessageContaining("transaction t9");
    assertThat(asked).containsExactly(P2);
    assertThat(refreshes).hasValue(0);
  }

  @Test
  void withoutRouting_aFailedReadFailsAtOnce() throws Exception {
    CoordinatorNode node = start();

    assertThatThrownBy(() -> node.read("k").get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertThat(asked).containsExactly(P2);
  }
}
