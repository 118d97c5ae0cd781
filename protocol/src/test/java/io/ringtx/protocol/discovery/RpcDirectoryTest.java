package io.ringtx.protocol.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.ringtx.protocol.id.NodeId;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RPC directory over two real Hazelcast members: an address published on one is seen on the
 * other, a restart's new address replaces the old one, and a node that leaves is dropped.
 */
class RpcDirectoryTest {
  private static final NodeId P1 = NodeId.of("p1");
  private HazelcastInstance a;
  private HazelcastInstance b;

  @AfterEach
  void tearDown() {
    if (b != null) {
      b.getLifecycleService().terminate();
    }
    if (a != null) {
      a.getLifecycleService().terminate();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anAddressPublishedOnOneMember_isSeenOnTheOther_andDroppedWhenItsMemberLeaves()
      throws Exception {
    String name = "rpc-directory-test-" + ProcessHandle.current().pid();
    int pa = freePort();
    int pb = freePort();
    List<String> seeds = List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb);
    a = Hazelcast.newHazelcastInstance(Discovery.hazelcastConfig(name, "127.0.0.1", pa, seeds, 5));
    b = Hazelcast.newHazelcastInstance(Discovery.hazelcastConfig(name, "127.0.0.1", pb, seeds, 5));
    RpcDirectory onA = new RpcDirectory(a);
    RpcDirectory onB = new RpcDirectory(b);
    Queue<NodeId> gone = new ConcurrentLinkedQueue<>();
    onA.onGone(gone::add);
    assertThat(onA.address(P1)).as("not published yet").isNull();

    onB.publish(P1, "127.0.0.1", 4711);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> SocketAddress.inetSocketAddress(4711, "127.0.0.1").equals(onA.address(P1)));

    // A restart publishes its new port over the old one.
    onB.publish(P1, "127.0.0.1", 4712);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> SocketAddress.inetSocketAddress(4712, "127.0.0.1").equals(onA.address(P1)));
    assertThat(gone).isEmpty();

    // The member dies without a word (as after SIGKILL): its address goes with it.
    b.getLifecycleService().terminate();
    b = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> gone.contains(P1));
    assertThat(onA.endpoint(P1)).isNull();
  }
}
