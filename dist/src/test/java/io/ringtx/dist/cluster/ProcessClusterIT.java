package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.dist.node.NodeRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process cluster tooling against {@link FakeNode}s: real JVMs, pids, signals, ports and
 * files, without Hazelcast or the real nodes (STYLE §6: every test cleans up its processes, even
 * when it fails, through the fixture's close).
 */
class ProcessClusterIT {
  @TempDir Path tmp;

  private ProcessClusterFixture.Builder fake(int participants, int coordinators) {
    return ProcessClusterFixture.builder(tmp.resolve("cluster"))
        .participants(participants)
        .coordinators(coordinators)
        .launcher(ProcessClusterFixture.fakeLauncher());
  }

  private static Map<String, Long> pids(ClusterStatus status) {
    Map<String, Long> pids = new LinkedHashMap<>();
    status.nodes().forEach(n -> pids.put(n.id(), n.pid()));
    return pids;
  }

  @Test
  @Timeout(180)
  void start_status_kill_restart_stop_andStartAgain_onTheSamePorts() throws Exception {
    try (ProcessClusterFixture cluster = fake(3, 2).start()) {
      ProcessCluster c = cluster.cluster();
      ClusterLayout layout = c.layout();

      // Every node serves, with node.json naming the pid the tooling recorded.
      ClusterStatus status = cluster.status();
      assertThat(status.allUp()).as(String.join("\n", status.lines())).isTrue();
      for (NodeStatus n : status.nodes()) {
        NodeRuntime rt = NodeRuntime.read(c.dir().dataDir(n.id())).orElseThrow();
        assertThat(rt.pid()).isEqualTo(n.pid());
        assertThat(ProcessHandle.of(n.pid())).get().matches(ProcessHandle::isAlive);
        assertThat(c.dir().logFile(n.id())).content().contains("ringtx cluster: starting " + n.id());
      }
      assertThat(cluster.urls()).hasSize(2).containsExactlyElementsOf(status.coordinatorUrls());

      // The same nodes, found through another spelling of the directory.
      Path link = Files.createSymbolicLink(tmp.resolve("link"), c.dir().root());
      assertThat(ProcessCluster.open(link, ProcessClusterFixture.fakeLauncher(), l -> { })
          .running()).containsOnlyKeys(layout.ids());

      // A second start refuses: the cluster runs.
      assertThatThrownBy(() -> c.start(Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
          .hasMessageContaining("has running nodes: p1 (pid ");

      // kill: p2 is down, its pid gone, the others up.
      long p2 = cluster.kill("p2");
      assertThat(ProcessHandle.of(p2)).isEmpty();
      status = cluster.status();
      assertThat(status.allUp()).isFalse();
      assertThat(status.nodes()).filteredOn(n -> !n.up()).extracting(NodeStatus::id)
          .containsExactly("p2");
      assertThat(status.nodes().get(1).detail()).isEqualTo("not running (pid " + p2 + " is gone)");
      assertThatThrownBy(() -> cluster.kill("p2")).hasMessage("p2 is not running");

      // restart: p2 serves again under a new pid; a running node is only restarted by force.
      cluster.restart("p2");
      assertThat(cluster.status().allUp()).isTrue();
      long c1 = pids(cluster.status()).get("c1");
      assertThatThrownBy(() -> c.restart("c1", false, Duration.ofSeconds(30)))
          .hasMessageContaining("c1 is running (pid " + c1 + "); --force kills it first");
      cluster.restart("c1");
      assertThat(pids(cluster.status()).get("c1")).isNotEqualTo(c1);
      assertThat(ProcessHandle.of(c1)).isEmpty();

      // stop: SIGTERM ends every node cleanly (node.json removed), pid files removed.
      List<Long> before = new ArrayList<>(pids(cluster.status()).values());
      assertThat(cluster.stop()).as("nodes killed after the timeout").isEmpty();
      for (String id : layout.ids()) {
        assertThat(c.dir().pidFile(id)).doesNotExist();
        assertThat(c.dir().dataDir(id).resolve("node.json")).doesNotExist();
      }
      assertThat(before).allMatch(pid -> ProcessHandle.of(pid).isEmpty());
      assertThat(cluster.status().nodes()).extracting(NodeStatus::detail).containsOnly("stopped");

      // start again: same layout, same ports, all up.
      ProcessCluster again = ProcessCluster.open(c.dir().root(),
          ProcessClusterFixture.fakeLauncher(), line -> { });
      assertThat(again.layout()).isEqualTo(layout);
      cluster.start();
      status = cluster.status();
      assertThat(status.allUp()).isTrue();
      assertThat(status.nodes()).extracting(NodeStatus::httpPort)
          .containsExactlyElementsOf(layout.nodes().stream().map(ClusterLayout.Node::httpPort).toList());
    }
  }

  @Test
  @Timeout(120)
  void aNodeThatExitsAtStart_failsTheStart_withItsLog_andNothingStaysRunning() throws Exception {
    try (ProcessClusterFixture cluster = fake(2, 1).create()) {
      ProcessCluster c = cluster.cluster();
      Files.writeString(c.dir().dataDir("p2").resolve("fail-on-start"), "");

      assertThatThrownBy(() -> c.start(Duration.ofSeconds(60)))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
          .hasMessageContaining("p2 exited with code 3 before serving")
          .hasMessageContaining("last lines of " + c.dir().logFile("p2"))
          .hasMessageContaining("failing on purpose");

      assertThat(c.running()).isEmpty();
      for (String id : c.layout().ids()) {
        assertThat(c.dir().pidFile(id)).doesNotExist();
      }
    }
  }

  @Test
  @Timeout(120)
  void aNodeThatNeverServes_failsTheStart_atTheTimeout() throws Exception {
    try (ProcessClusterFixture cluster = fake(1, 1).create()) {
      ProcessCluster c = cluster.cluster();
      Files.writeString(c.dir().dataDir("c1").resolve("never-serve"), "");

      assertThatThrownBy(() -> c.start(Duration.ofSeconds(15)))
          .isInstanceOf(ClusterException.class)
          .hasMessageContaining("not serving after 15 s: c1 (no node.json yet)")
          .hasMessageContaining("never serving");

      assertThat(c.running()).isEmpty();
    }
  }

  @Test
  @Timeout(120)
  void stop_killsANodeThatIgnoresSigterm_afterTheTimeout() throws Exception {
    try (ProcessClusterFixture cluster = fake(2, 1).create()) {
      ProcessCluster c = cluster.cluster();
      Files.writeString(c.dir().dataDir("p1").resolve("ignore-sigterm"), "");
      c.start(Duration.ofSeconds(60));
      List<String> lines = new ArrayList<>();

      List<String> killed = ProcessCluster.open(c.dir().root(),
          ProcessClusterFixture.fakeLauncher(), lines::add).stop(Duration.ofSeconds(2));

      assertThat(killed).containsExactly("p1");
      assertThat(lines).anyMatch(l -> l.startsWith("p1 did not stop within 2 s after SIGTERM"));
      assertThat(c.running()).isEmpty();
    }
  }

  @Test
  @Timeout(120)
  void aLeaveThatDoesNotFinish_isReportedWithItsHandOffs_andTheNodeStaysInTheCluster()
      throws Exception {
    try (ProcessClusterFixture cluster = fake(2, 1).create()) {
      ProcessCluster c = cluster.cluster();
      Files.writeString(c.dir().dataDir("p1").resolve("stuck-leaving"), "");
      c.start(Duration.ofSeconds(60));

      assertThatThrownBy(() -> c.leave("p1", Duration.ofSeconds(2)))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
          .hasMessageContaining("p1 did not finish leaving within 2 s")
          .hasMessageContaining("p1-x-7 (5, 9] -> p9")
          .hasMessageContaining("Run `ringtx cluster leave` again");

      ClusterLayout reread = ProcessCluster.open(c.dir().root(),
          ProcessClusterFixture.fakeLauncher(), l -> { }).layout();
      assertThat(reread.require("p1").left()).as("marked as left").isFalse();
      assertThat(c.running()).containsKey("p1");
    }
  }

  @Test
  @Timeout(120)
  void twoLeavesAtOnce_fromTwoCommands_areBothRecorded() throws Exception {
    try (ProcessClusterFixture cluster = fake(3, 1).start()) {
      Path root = cluster.cluster().dir().root();
      // Two commands, each with the layout as it read it at its start, as from two terminals.
      ProcessCluster first = reopen(root);
      ProcessCluster second = reopen(root);

      List<Object> results = atOnce(() -> first.leave("p1", Duration.ofSeconds(30)),
          () -> second.leave("p2", Duration.ofSeconds(30)));

      assertThat(results).allMatch(r -> r instanceof Duration);
      ClusterLayout reread = reopen(root).layout();
      assertThat(reread.require("p1").left()).as("p1 marked as left").isTrue();
      assertThat(reread.require("p2").left()).as("p2 marked as left").isTrue();
      assertThat(reread.require("p3").left()).isFalse();
      assertThat(reopen(root).running()).containsOnlyKeys("p3", "c1");
    }
  }

  @Test
  @Timeout(120)
  void theLastTwoParticipantsLeavingAtOnce_oneIsRefused_andStays() throws Exception {
    try (ProcessClusterFixture cluster = fake(2, 1).start()) {
      Path root = cluster.cluster().dir().root();
      ProcessCluster first = reopen(root);
      ProcessCluster second = reopen(root);

      List<Object> results = atOnce(() -> first.leave("p1", Duration.ofSeconds(30)),
          () -> second.leave("p2", Duration.ofSeconds(30)));

      assertThat(results).filteredOn(r -> r instanceof Duration).hasSize(1);
      assertThat(results).filteredOn(r -> r instanceof ClusterException).singleElement()
          .satisfies(e -> assertThat(((ClusterException) e).getMessage())
              .contains("would have nobody to hand its ranges over to")
              .containsPattern("p[12] LEAVING|p[12] LEFT"));
      String stays = results.get(0) instanceof Duration ? "p2" : "p1";
      ClusterLayout reread = reopen(root).layout();
      assertThat(reread.require(stays).left()).as(stays + " marked as left").isFalse();
      assertThat(reopen(root).running()).containsOnlyKeys(stays, "c1");
    }
  }

  @Test
  @Timeout(120)
  void twoAddsAtOnce_fromTwoCommands_addTwoParticipants() throws Exception {
    try (ProcessClusterFixture cluster = fake(2, 1).start()) {
      Path root = cluster.cluster().dir().root();
      ProcessCluster first = reopen(root);
      ProcessCluster second = reopen(root);

      List<Object> results;
      try {
        results = atOnce(() -> first.add(PortAllocator.loopback(), Duration.ofSeconds(60)),
            () -> second.add(PortAllocator.loopback(), Duration.ofSeconds(60)));
      } finally {
        first.killAll(); // each command's own nodes; the fixture kills those it knows
        second.killAll();
      }

      assertThat(results).allMatch(r -> r instanceof ClusterLayout.Node);
      assertThat(results).extracting(r -> ((ClusterLayout.Node) r).id())
          .containsExactlyInAnyOrder("p3", "p4");
      ClusterLayout reread = reopen(root).layout();
      assertThat(reread.participants()).extracting(ClusterLayout.Node::id)
          .containsExactly("p1", "p2", "p3", "p4");
    }
  }

  /** The cluster in {@code root} as a new command finds it. */
  private static ProcessCluster reopen(Path root) throws java.io.IOException {
    return ProcessCluster.open(root, ProcessClusterFixture.fakeLauncher(), l -> { });
  }

  /** Runs both at the same moment; each one's result, or what it threw. */
  private static List<Object> atOnce(java.util.concurrent.Callable<?> a,
      java.util.concurrent.Callable<?> b) throws Exception {
    java.util.concurrent.CyclicBarrier go = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<Object>> futures = new ArrayList<>();
      for (java.util.concurrent.Callable<?> c : List.of(a, b)) {
        futures.add(pool.submit(() -> {
          go.await();
          try {
            return c.call();
          } catch (Exception e) {
            return e;
          }
        }));
      }
      List<Object> out = new ArrayList<>();
      for (java.util.concurrent.Future<Object> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(120)
  void start_refusesWhenAPortIsTaken() throws Exception {
    try (ProcessClusterFixture cluster = fake(1, 1).create()) {
      ProcessCluster c = cluster.cluster();
      int port = c.layout().require("c1").httpPort();
      try (ServerSocket squatter = squatOn(port)) {

        assertThatThrownBy(() -> c.start(Duration.ofSeconds(30)))
            .isInstanceOf(ClusterException.class)
            .hasMessageContaining("ports in use by another process: " + port + " (http of c1"
                + heldByThisJvm());
      }
      assertThat(c.running()).isEmpty();
    }
  }

  /** How a port error names this JVM as the holder, where Linux's /proc tells it. */
  private static String heldByThisJvm() {
    return Files.isReadable(Path.of("/proc/net/tcp"))
        ? ", held by pid " + ProcessHandle.current().pid() + " (" : "";
  }

  /** Free ports, except that its first answer (counted in {@code calls}) includes {@code port}. */
  private static PortAllocator firstChoosing(int port, AtomicInteger calls) {
    return count -> calls.getAndIncrement() == 0
        ? List.of(port, PortAllocator.loopback().allocate(1).get(0))
        : PortAllocator.loopback().allocate(count);
  }

  /** A socket of this JVM listening on loopback {@code port} (0: a free one), taking it. */
  private static ServerSocket squatOn(int port) throws IOException {
    ServerSocket squatter = new ServerSocket();
    squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return squatter;
  }

  /** {@code c.add} with {@code ports}; then kills what {@code c} started. */
  private static ClusterLayout.Node addKillingAfter(ProcessCluster c, PortAllocator ports)
      throws Exception {
    try {
      return c.add(ports, Duration.ofSeconds(60));
    } finally {
      c.killAll();
    }
  }

  @Test
  @Timeout(120)
  void add_choosesOtherPorts_whenThoseItChoseAreTakenBeforeTheNodeStarts() throws Exception {
    try (ProcessClusterFixture cluster = fake(1, 1).start();
        ServerSocket squatter = squatOn(0)) {
      int taken = squatter.getLocalPort();
      Path root = cluster.cluster().dir().root();
      List<String> progress = new CopyOnWriteArrayList<>();
      ProcessCluster c = ProcessCluster.open(root, ProcessClusterFixture.fakeLauncher(),
          progress::add);
      AtomicInteger calls = new AtomicInteger();
      // The first choice is a port that some process takes right after it was found free.
      ClusterLayout.Node added = addKillingAfter(c, firstChoosing(taken, calls));

      assertThat(added.id()).isEqualTo("p2");
      assertThat(added.hazelcastPort()).isNotEqualTo(taken);
      assertThat(calls).hasValue(2);
      assertThat(progress).anySatisfy(l -> assertThat(l)
          .contains("ports chosen for p2 were taken since: " + taken + " (hazelcast of p2"
              + heldByThisJvm())
          .contains("choosing others"));
      assertThat(reopen(root).layout().require("p2")).isEqualTo(added);
      assertThat(cluster.cluster().dir().configFile("p2")).content()
          .contains(String.valueOf(added.hazelcastPort()));
    }
  }

  @Test
  @Timeout(120)
  void add_doesNotChooseAPortOfANodeLaidOutButNotStarted() throws Exception {
    try (ProcessClusterFixture cluster = fake(1, 1).create()) { // laid out, nothing started
      ProcessCluster c = reopen(cluster.cluster().dir().root());
      int p1Http = c.layout().require("p1").httpPort(); // free: p1 does not run
      AtomicInteger calls = new AtomicInteger();
      ClusterLayout.Node added = addKillingAfter(c, firstChoosing(p1Http, calls));

      assertThat(List.of(added.hazelcastPort(), added.httpPort())).doesNotContain(p1Http);
      assertThat(calls).hasValue(2);
      assertThat(reopen(cluster.cluster().dir().root()).layout().problems()).isEmpty();
    }
  }

  @Test
  @Timeout(120)
  void add_givesUp_whenEveryChoiceIsTaken_namingThePort() throws Exception {
    try (ProcessClusterFixture cluster = fake(1, 1).start();
        ServerSocket squatter = squatOn(0)) {
      int taken = squatter.getLocalPort();
      ProcessCluster c = reopen(cluster.cluster().dir().root());
      PortAllocator alwaysTaken = count -> List.of(taken, PortAllocator.loopback().allocate(1).get(0));

      assertThatThrownBy(() -> c.add(alwaysTaken, Duration.ofSeconds(60)))
          .isInstanceOf(ClusterException.class)
          .hasMessageContaining("ports in use by another process: " + taken + " (hazelcast of p2");
      assertThat(c.running()).doesNotContainKey("p2");
    }
  }
}
