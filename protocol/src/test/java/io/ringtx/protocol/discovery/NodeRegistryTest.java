package io.ringtx.protocol.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry of live nodes over two real Hazelcast members: a registration on one is seen on
 * the other — from its own copy of the map, its listeners told when the entry arrives — and a
 * node whose member dies is no longer live there.
 */
class NodeRegistryTest {
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

  private static List<String> ids(List<NodeInfo> nodes) {
    return nodes.stream().map(NodeInfo::nodeId).toList();
  }

  @Test
  void aRegistrationOnOneMember_isLiveOnTheOther_untilItsMemberDies() throws Exception {
    String name = "node-registry-test-" + ProcessHandle.current().pid();
    int pa = freePort();
    int pb = freePort();
    List<String> seeds = List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb);
    a = Hazelcast.newHazelcastInstance(Discovery.hazelcastConfig(name, "127.0.0.1", pa, seeds, 5));
    b = Hazelcast.newHazelcastInstance(Discovery.hazelcastConfig(name, "127.0.0.1", pb, seeds, 5));
    NodeRegistry onA = new NodeRegistry(a);
    NodeRegistry onB = new NodeRegistry(b);
    onA.register(new NodeInfo("c1", "coordinator", "127.0.0.1", 8080, onA.localMember()));
    List<List<String>> heardOnB = new CopyOnWriteArrayList<>();
    onB.onChange(live -> heardOnB.add(ids(live)));

    // B's registration reaches A's copy; A's reaches B's, and B's listeners hear of it without a
    // membership change (the members joined before either registered).
    onB.register(new NodeInfo("p1", "participant", "127.0.0.1", 8081, onB.localMember()));
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(onA.live()).contains("p1"));
    assertThat(ids(onA.live())).containsExactly("c1", "p1");
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(onB.live()).contains("c1"));
    assertThat(heardOnB).anySatisfy(l -> assertThat(l).containsExactly("c1", "p1"));

    // A later registration on A is heard on B from its entry event alone.
    onA.register(new NodeInfo("c2", "coordinator", "127.0.0.1", 8082, onA.localMember()));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> heardOnB.contains(List.of("c1", "c2", "p1")));

    // An entry for a member that is not in the cluster is not live.
    onA.register(new NodeInfo("p9", "participant", "127.0.0.1", 8089, "no-such-member"));
    assertThat(ids(onA.live())).containsExactly("c1", "c2", "p1");

    // B's member dies without a word (as after SIGKILL): p1 is no longer live on A.
    b.getLifecycleService().terminate();
    b = null;
    await().atMost(Duration.ofSeconds(30)).until(() -> !ids(onA.live()).contains("p1"));
    assertThat(ids(onA.live())).containsExactly("c1", "c2");
  }
}
