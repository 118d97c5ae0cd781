package io.ringtx.participant.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.message.RingBatch;
import io.ringtx.protocol.message.RingEnvelope;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingConfig;
import io.ringtx.protocol.ring.RingMessage;
import io.ringtx.protocol.ring.RingSnapshot;
import io.ringtx.protocol.ring.VirtualNode;
import io.ringtx.protocol.rpc.Transport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A participant's lookup starts at its own virtual node closest before the target, so the
 * successor of the id after one of its virtual nodes (what a leaving participant asks for each
 * of its ranges) is answered from that virtual node's own successor pointer, with no request to
 * another participant. The other participants here never answer: a lookup that needed them would
 * fail.
 */
class ChordShellLookupTest {
  private static final IdSpace SPACE = new IdSpace(16);
  private static final RingConfig CONFIG = new RingConfig(SPACE, 8, 4, 60_000, 60_000, 60_000);
  private static final NodeId SELF = NodeId.of("p1");

  private final Vertx vertx = Vertx.vertx();
  private final List<RingMessage.Request> asked = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void theSuccessorOfTheIdAfterOneOfOurVirtualNodes_isAnsweredWithoutAskingAnyoneElse()
      throws Exception {
    List<VirtualNode> all = new ArrayList<>();
    for (String p : List.of("p1", "p2", "p3")) {
      all.addAll(SPACE.virtualNodes(NodeId.of(p), CONFIG.virtualNodes()));
    }
    RingSnapshot ring = RingSnapshot.of(SPACE, all);
    List<VirtualNode> own = SPACE.virtualNodes(SELF, CONFIG.virtualNodes());
    Transport silent = Transport.sendingOnly((to, request, timeoutMillis) -> {
      if (request instanceof RingBatch b) {
        b.items().stream().map(RingEnvelope::request).forEach(asked::add);
      }
      Promise<io.ringtx.protocol.message.Message> never = Promise.promise();
      return never.future();
    });
    ChordShell shell = new ChordShell(vertx, SELF, CONFIG, silent, 60_000, own, List::of);
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Promise<Void> installed = Promise.promise();
    context.runOnContext(v -> {
      shell.install(ring);
      installed.complete();
    });
    installed.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    for (VirtualNode v : own) {
      Promise<VirtualNode> found = Promise.promise();
      context.runOnContext(x -> shell.lookup(v.id().plus(1), false).onComplete(found));
      Future<VirtualNode> f = found.future();
      assertThat(f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .as("successor after %s", v).isEqualTo(ring.successor(v.id().plus(1)));
    }
    assertThat(asked).as("lookup requests sent to other participants")
        .noneMatch(r -> r instanceof RingMessage.FindSuccessor);
    context.runOnContext(v -> shell.stop());
  }
}
