package io.ringtx.dist.cluster;

import io.ringtx.dist.cluster.ClusterLayout.Node;
import io.ringtx.dist.config.NodeConfig.Role;
import io.ringtx.dist.cluster.HealthProbe.Health;
import io.ringtx.dist.node.NodeRuntime;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster of node processes on this machine, every file of it under one directory ({@link
 * ClusterDir}): the implementation of {@code ringtx cluster start|status|stop|kill|restart}, of
 * {@code ringtx demo --processes}, and of the multi-process tests' harness.
 *
 * <p>The nodes are not children that die with the JVM that started them: they run until {@link
 * #stop}, {@link #kill} or someone else ends them, and a later {@link #open} finds them again
 * through their pid files. An instance is not safe for use by several threads at once, except
 * {@link #killStarting} and {@link #killAll}, which may run from a shutdown hook.
 */
public final class ProcessCluster {
  /** Times {@link #add} chooses a new participant's ports when those chosen are taken at once. */
  private static final int ADD_PORT_ATTEMPTS = 3;
  /** How long {@link #start} waits for every node to serve unless told otherwise. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /** How long {@link #stop} waits after SIGTERM before it sends SIGKILL. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

  /** How long a SIGKILLed process may take to disappear before that is an error. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  /** The bound on one {@code /health} call. */
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

  /** The longest pause between two checks of a starting node; a node exiting ends it early. */
  private static final long POLL_MILLIS = 200;

  private static final long WAITING_LINE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final int LOG_TAIL_LINES = 20;

  private final ClusterDir dir;
  /** Replaced (and rewritten to {@code cluster.json}) by {@link #add} and {@link #leave}. */
  private volatile ClusterLayout layout;
  private final NodeLauncher launcher;
  private final Consumer<String> progress;
  /** See {@link #admin}. */
  private volatile AdminHttp admin;

  /** Every process this instance started, for {@link #killAll}. */
  private final Map<Long, Process> spawned = new ConcurrentHashMap<>();

  /** Processes of a start that has not finished yet, by node id, for {@link #killStarting}. */
  private final Map<String, Process> starting = new ConcurrentHashMap<>();

  private ProcessCluster(
      ClusterDir dir, ClusterLayout layout, NodeLauncher launcher, Consumer<String> progress) {
    this.dir = dir;
    this.layout = layout;
    this.launcher = launcher;
    this.progress = progress;
  }

  /** Whether {@code dir} holds a cluster (its {@code cluster.json}). */
  public static boolean isCluster(Path dir) {
    return Files.isRegularFile(new ClusterDir(dir).layoutFile());
  }

  /**
   * Lays out a new cluster in {@code dir}, which must be absent or empty: writes {@code
   * cluster.json} and every node's {@code config.json}, and checks each configuration as the node
   * will load it. Starts nothing.
   *
   * @throws ClusterException (usage) if {@code dir} is not a new directory or a setting is bad
   */
  public static ProcessCluster create(
      Path dir,
      ClusterSpec spec,
      PortAllocator ports,
      NodeLauncher launcher,
      Consumer<String> progress)
      throws IOException {
    ClusterDir cd = new ClusterDir(dir);
    if (Files.exists(cd.root()) && !Files.isDirectory(cd.root())) {
      throw ClusterException.usage(cd.root() + " is not a directory");
    }
    if (isCluster(cd.root())) {
      throw ClusterException.usage(cd.root() + " already holds a cluster (" + ClusterDir.LAYOUT_FILE
          + ")");
    }
    if (Files.isDirectory(cd.root())) {
      try (Stream<Path> entries = Files.list(cd.root())) {
        if (entries.findAny().isPresent()) {
          throw ClusterException.usage(cd.root() + " is not empty and holds no "
              + ClusterDir.LAYOUT_FILE + ": give a new or empty directory");
        }
      }
    }
    Files.createDirectories(cd.root());
    ClusterLayout layout = ClusterLayout.plan(spec, ports);
    try {
      for (Node n : layout.nodes()) {
        NodeConfigFiles.load(NodeConfigFiles.write(layout, cd, n));
      }
      // Last: a directory with cluster.json is a cluster, complete.
      layout.write(cd.layoutFile());
    } catch (IOException | RuntimeException e) {
      // The directory was empty: leave it so, and the next attempt can use it.
      for (Node n : layout.nodes()) {
        deleteTree(cd.nodeDir(n.id()));
      }
      throw e;
    }
    return new ProcessCluster(cd, layout, launcher, progress);
  }

  /**
   * The cluster that {@code dir} holds, running or not.
   *
   * @throws ClusterException (usage) if {@code dir} holds no cluster or a damaged layout
   */
  public static ProcessCluster open(Path dir, NodeLauncher launcher, Consumer<String> progress)
      throws IOException {
    ClusterDir cd = new ClusterDir(dir);
    if (!Files.isDirectory(cd.root())) {
      throw ClusterException.usage(cd.root() + " is not a cluster directory (no such directory)");
    }
    try {
      return new ProcessCluster(cd, ClusterLayout.read(cd.layoutFile()), launcher, progress);
    } catch (NoSuchFileException e) {
      throw ClusterException.usage(
          cd.root() + " is not a cluster directory (no " + ClusterDir.LAYOUT_FILE + ")");
    }
  }

  public ClusterDir dir() {
    return dir;
  }

  public ClusterLayout layout() {
    return layout;
  }

  /** The coordinators' client API URLs. */
  public List<String> urls() {
    return layout.coordinatorUrls();
  }

  /**
   * The options a Java client of this cluster needs on top of {@code base}: the CA when TLS is
   * on, the bearer token when one is required.
   */
  public io.ringtx.client.ClientOptions clientOptions(io.ringtx.client.ClientOptions base) {
    return layout.clientOptions(base);
  }

  /** The live process of every node that runs, by node id. */
  public Map<String, ProcessHandle> running() throws IOException {
    Map<String, ProcessHandle> live = new LinkedHashMap<>();
    for (Node n : layout.nodes()) {
      PidFiles.live(dir, n.id()).ifPresent(h -> live.put(n.id(), h));
    }
    return live;
  }

  /**
   * Starts every node and waits until each serves (its {@code node.json} names its process and
   * {@code GET /health} answers 200). If one exits or the time runs out, the nodes started here
   * are stopped again and the exception says why, with the end of the failing nodes' logs.
   *
   * @return the time from the call to the whole cluster serving
   * @throws ClusterException (failed) if a node of the cluster runs already, a port is taken, or
   *     the cluster did not come up
   */
  public Duration start(Duration timeout) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Map<String, ProcessHandle> live = running();
    if (!live.isEmpty()) {
      throw ClusterException.failed(dir.root() + " has running nodes: " + describe(live)
          + "; stop them first (ringtx cluster stop --dir " + dir.root() + ")");
    }
    requirePortsFree(layout.activeNodes());
    launchAndAwait(layout.activeNodes(), t0, timeout);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /**
   * Starts node {@code id} again from its configuration file and waits until it serves.
   *
   * @param force if the node runs, SIGKILL it first instead of refusing
   * @return the time from the call to the node serving
   */
  public Duration restart(String id, boolean force, Duration timeout)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Node n = layout.require(id);
    Optional<ProcessHandle> live = PidFiles.live(dir, id);
    if (live.isPresent()) {
      if (!force) {
        throw ClusterException.failed(id + " is running (pid " + live.get().pid()
            + "); --force kills it first");
      }
      killNow(id, live.get());
      progress.accept(id + " killed (SIGKILL to pid " + live.get().pid() + ")");
    }
    requirePortsFree(List.of(n));
    launchAndAwait(List.of(n), t0, timeout);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /**
   * Gives node {@code id} settings of its own over the cluster's (e.g. a crash point for one node
   * of a fault drill): rewrites its {@code config.json} from the layout plus {@code settings},
   * which replace any it had; an empty map gives it the cluster's settings alone. Takes effect
   * when the node next starts. The file is checked as the node will load it; on a bad setting the
   * old file is kept.
   *
   * @throws ClusterException (usage) for an unknown node, a key the cluster decides or does not
   *     know, or a bad value
   */
  public void configure(String id, Map<String, String> settings) throws IOException {
    Node n = layout.require(id);
    ClusterSpec.checkSettings(settings);
    Path file = dir.configFile(id);
    byte[] before = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
    NodeConfigFiles.write(layout, dir, n, settings);
    try {
      NodeConfigFiles.load(file);
    } catch (RuntimeException e) {
      if (before != null) {
        Files.write(file, before);
      } else {
        NodeConfigFiles.write(layout, dir, n);
      }
      throw e;
    }
  }

  /**
   * Adds one participant to the running cluster ({@code ringtx cluster add}): lays it out (the
   * next free id {@code pN}, two free ports), records it in {@code cluster.json} as added, starts
   * it with {@code ringJoin} so that it joins the running ring through discovery, and waits until
   * it serves. The id is chosen and {@code cluster.json} rewritten under the directory's lock.
   * Its hand-offs may still be running then; see {@link #awaitRingStatus}.
   *
   * @return the new node
   */
  public Node add(PortAllocator ports, Duration timeout) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Node n = null;
    for (int attempt = 1; ; attempt++) {
      n = layOutAdded(ports, n);
      List<String> taken = takenPorts(List.of(n));
      if (taken.isEmpty()) {
        break;
      }
      if (attempt == ADD_PORT_ATTEMPTS) {
        throw portsInUse(taken);
      }
      // Free when chosen a moment ago: some process took them since. Nobody knows them yet.
      progress.accept("ports chosen for " + n.id() + " were taken since: "
          + String.join(", ", taken) + "; choosing others");
    }
    launchAndAwait(List.of(n), t0, timeout);
    return n;
  }

  /**
   * Under the directory's lock: lays out a new participant (the next free id {@code pN}, two
   * free ports) and records it in {@code cluster.json}; or, given {@code previous} (laid out by
   * this call's caller, not started yet), records it again with two other free ports.
   */
  private Node layOutAdded(PortAllocator ports, Node previous) throws IOException {
    try (ClusterLock lock = ClusterLock.acquire(dir, progress)) {
      ClusterLayout now = reread(); // another command may have added a node since we read it
      String id = previous != null ? previous.id() : nextParticipantId(now);
      // A node laid out but not started yet (another command's add) leaves its ports free.
      Set<Integer> laidOut = new HashSet<>();
      for (Node o : now.nodes()) {
        if (!o.id().equals(id)) {
          laidOut.addAll(List.of(o.hazelcastPort(), o.httpPort(), o.busPort()));
        }
      }
      List<Integer> free = ports.allocate(2);
      for (int i = 0; i < ADD_PORT_ATTEMPTS && free.stream().anyMatch(laidOut::contains); i++) {
        free = ports.allocate(2);
      }
      if (free.size() != 2 || free.get(0).equals(free.get(1))) {
        throw new IllegalStateException("port allocator returned " + free + " for 2");
      }
      Node n = new Node(id, Role.PARTICIPANT, free.get(0), free.get(1), 0, true, false);
      ClusterLayout grown = previous == null ? now.with(n) : now.replacing(n);
      List<String> problems = grown.problems();
      if (!problems.isEmpty()) {
        throw ClusterException.usage("cannot add " + n.id() + ": " + String.join("; ", problems));
      }
      NodeConfigFiles.load(NodeConfigFiles.write(grown, dir, n));
      grown.write(dir.layoutFile());
      layout = grown;
      return n;
    }
  }

  /** {@code pN} for the N after the highest of {@code layout}'s participant ids. */
  private static String nextParticipantId(ClusterLayout layout) {
    int next = 1;
    for (Node o : layout.nodes()) {
      if (o.id().matches("p\\d{1,6}")) {
        next = Math.max(next, Integer.parseInt(o.id().substring(1)) + 1);
      }
    }
    return "p" + next;
  }

  /**
   * Waits until participant {@code id} reports ring status {@code status} ({@code MEMBER} once
   * its join's hand-offs are done) at {@code GET /v1/ring}.
   *
   * @return the time waited
   * @throws ClusterException (failed) if it does not within {@code timeout}
   */
  public Duration awaitRingStatus(String id, String status, Duration timeout)
      throws InterruptedException {
    long t0 = System.nanoTime();
    Node n = layout.require(id);
    String last = "no answer";
    while (System.nanoTime() - t0 < timeout.toNanos()) {
      try {
        java.net.http.HttpResponse<String> r = getRing(n);
        last = r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length()));
        if (r.statusCode() == 200 && r.body().contains("\"status\":\"" + status + "\"")) {
          return Duration.ofNanos(System.nanoTime() - t0);
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(POLL_MILLIS);
    }
    throw ClusterException.failed(id + " did not reach ring status " + status + " within "
        + timeout.toSeconds() + " s (last answer: " + last + ")");
  }

  /**
   * Makes participant {@code id} leave the ring gracefully ({@code ringtx cluster leave}): asks it
   * to hand every range over to its successors and leave ({@code POST /v1/ring/leave}, answered
   * once done), then stops its process and marks it left in {@code cluster.json}, so that the
   * cluster's start, stop and status leave it out from then on. Refused when no other participant
   * answers that it is a member of the ring (it would have nobody to hand its ranges to). Checks
   * and the start of the leave happen under the directory's lock ({@link ClusterLock}), as does
   * the rewrite of {@code cluster.json}, so that leaves and adds may run at once.
   *
   * @return the time the hand-offs took
   */
  public Duration leave(String id, Duration timeout) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Node n;
    ProcessHandle live;
    String leaveUrl;
    CompletableFuture<java.net.http.HttpResponse<String>> answer;
    // The checks and the start of the leave under the directory's lock, so that of two leaves
    // started at once the second sees the first one leaving: two last participants must not
    // both pass the check that someone stays to take their ranges.
    try (ClusterLock lock = ClusterLock.acquire(dir, progress)) {
      reread();
      n = layout.require(id);
      if (n.role() != Role.PARTICIPANT) {
        throw ClusterException.usage(id + " is a coordinator; only participants are in the ring");
      }
      if (n.left()) {
        throw ClusterException.usage(id + " has left the ring already");
      }
      if (layout.participants().stream().filter(p -> !p.left()).count() < 2) {
        throw ClusterException.usage(id + " is the last participant; it has nobody to hand over "
            + "to");
      }
      live = PidFiles.live(dir, id)
          .orElseThrow(() -> ClusterException.failed(id + " is not running; start it first "
              + "(ringtx cluster restart --dir " + dir.root() + " " + id + "), then leave"));
      Map<String, String> others = new LinkedHashMap<>();
      for (Node p : layout.participants()) {
        if (!p.left() && !p.id().equals(id)) {
          others.put(p.id(), ringStatus(p).orElse("not answering"));
        }
      }
      if (others.values().stream().noneMatch(s -> s.equals("MEMBER") || s.equals("JOINING"))) {
        throw ClusterException.usage(id + " would have nobody to hand its ranges over to: no other "
            + "participant is a member of the ring (" + others.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
            + ")");
      }
      leaveUrl = layout.url(n) + "/v1/ring/leave";
      answer = admin().postAsync(leaveUrl, timeout);
      awaitLeaving(n, answer);
    }
    java.net.http.HttpResponse<String> r;
    try {
      r = answer.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
        throw ClusterException.failed(id + " did not finish leaving within "
            + timeout.toSeconds() + " s; it goes on handing its ranges over. " + handoffsOf(n)
            + " Its log says what a hand-off waits for (RTX-2106: a receiver that does not "
            + "acknowledge). Run `ringtx cluster leave` again to wait for it.");
      }
      throw ClusterException.failed(id + " did not finish leaving: " + e.getCause());
    }
    if (r.statusCode() != 200) {
      throw ClusterException.failed(id + " could not leave: " + AdminHttp.refusal(leaveUrl, r));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    progress.accept(String.format(Locale.ROOT, "%s handed its ranges over and left the ring in "
        + "%.1f s", id, seconds(took.toNanos())));
    terminate(Map.of(id, live), DEFAULT_STOP_TIMEOUT);
    PidFiles.delete(dir, id);
    try (ClusterLock lock = ClusterLock.acquire(dir, progress)) {
      ClusterLayout now = reread();
      ClusterLayout shrunk = now.replacing(now.require(id).leaving());
      shrunk.write(dir.layoutFile());
      layout = shrunk;
    }
    return took;
  }

  /** Reads {@code cluster.json} again (under the lock), as another command may have changed it. */
  private ClusterLayout reread() throws IOException {
    layout = ClusterLayout.read(dir.layoutFile());
    return layout;
  }

  /** Participant {@code n}'s {@code GET /v1/ring}. */
  private java.net.http.HttpResponse<String> getRing(Node n)
      throws IOException, InterruptedException {
    return admin().get(layout.url(n) + "/v1/ring", Duration.ofSeconds(5));
  }

  /**
   * The client for the nodes' admin calls, made once: its CA and token are the cluster's, which
   * no command changes, and a leave asks a node for its status every 50 ms.
   */
  private AdminHttp admin() {
    AdminHttp a = admin;
    if (a == null) {
      a = AdminHttp.of(layout);
      admin = a;
    }
    return a;
  }

  /** A field of a 200 answer of {@link #getRing}. */
  private static Object ringField(java.net.http.HttpResponse<String> r, String field)
      throws IOException {
    return io.ringtx.protocol.codec.Json.MAPPER.readValue(r.body(), Map.class).get(field);
  }

  /** Participant {@code n}'s ring status from {@code GET /v1/ring}, if it answers. */
  private Optional<String> ringStatus(Node n) throws InterruptedException {
    try {
      java.net.http.HttpResponse<String> r = getRing(n);
      if (r.statusCode() == 200) {
        return Optional.ofNullable(ringField(r, "status")).map(String::valueOf);
      }
    } catch (IOException | RuntimeException e) {
      // not answering
    }
    return Optional.empty();
  }

  /**
   * Waits until participant {@code n} says it is leaving (or has left), or its leave call ended,
   * or a few seconds went by: a leave started after this one then finds it leaving.
   */
  private void awaitLeaving(Node n, CompletableFuture<?> answer) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!answer.isDone() && System.nanoTime() < until) {
      String s = ringStatus(n).orElse("");
      if (s.equals("LEAVING") || s.equals("LEFT")) {
        return;
      }
      Thread.sleep(50);
    }
  }

  /** The hand-offs node {@code n} reports in progress, as a sentence for a message. */
  private String handoffsOf(Node n) {
    try {
      java.net.http.HttpResponse<String> r = getRing(n);
      if (r.statusCode() == 200) {
        List<?> handoffs = (List<?>) ringField(r, "handoffs");
        if (handoffs != null && !handoffs.isEmpty()) {
          return "Hand-offs in progress (id range -> receiver): " + handoffs.stream()
              .map(String::valueOf).collect(java.util.stream.Collectors.joining("; ")) + ".";
        }
        return "It reports no hand-off in progress.";
      }
      return "Its ring status could not be read (HTTP " + r.statusCode() + ").";
    } catch (IOException | RuntimeException e) {
      return "Its ring status could not be read (" + e.getMessage() + ").";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * SIGKILLs node {@code id} (a crash, for fault drills) and waits until its process is gone.
   * Its pid file stays, so status shows it as a node that is no longer running.
   *
   * @return the pid that was killed
   * @throws ClusterException (usage) for an unknown node, (failed) if the node is not running
   */
  public long kill(String id) throws IOException, InterruptedException {
    layout.require(id);
    ProcessHandle live = PidFiles.live(dir, id)
        .orElseThrow(() -> ClusterException.failed(id + " is not running"));
    killNow(id, live);
    return live.pid();
  }

  /**
   * SIGTERMs every running node, waits up to {@code timeout} for them to exit, SIGKILLs those
   * that did not (and says so), then removes every pid file.
   *
   * @return the ids of the nodes that had to be killed
   */
  public List<String> stop(Duration timeout) throws IOException, InterruptedException {
    Map<String, ProcessHandle> live = running();
    List<String> killed = new ArrayList<>();
    if (live.isEmpty()) {
      progress.accept("no node of " + dir.root() + " is running");
    } else {
      progress.accept("stopping " + String.join(", ", live.keySet()) + "...");
      // Coordinators first: a stopping coordinator finishes the transactions it has in flight
      // (shutdownDrainMillis), which needs its participants still serving.
      Map<String, ProcessHandle> coordinators = new LinkedHashMap<>();
      Map<String, ProcessHandle> others = new LinkedHashMap<>(live);
      for (Node n : layout.coordinators()) {
        ProcessHandle h = others.remove(n.id());
        if (h != null) {
          coordinators.put(n.id(), h);
        }
      }
      killed = new ArrayList<>(terminate(coordinators, timeout));
      killed.addAll(terminate(others, timeout));
    }
    for (Node n : layout.nodes()) {
      PidFiles.delete(dir, n.id());
    }
    return killed;
  }

  /** Every node's status: pid, ports, and up (alive and {@code /health} answers 200) or why not. */
  public ClusterStatus status() throws IOException, InterruptedException {
    Map<String, OptionalLong> pids = new LinkedHashMap<>();
    Map<String, Optional<ProcessHandle>> live = new LinkedHashMap<>();
    for (Node n : layout.activeNodes()) {
      pids.put(n.id(), PidFiles.read(dir, n.id()));
      live.put(n.id(), PidFiles.live(dir, n.id()));
    }
    Map<String, Optional<Health>> health = new LinkedHashMap<>();
    try (HealthProbe probe = new HealthProbe(layout.trustedCa())) {
      Map<String, Future<Health>> asked = new LinkedHashMap<>();
      for (Node n : layout.activeNodes()) {
        if (live.get(n.id()).isPresent()) {
          asked.put(n.id(), probe.check(layout.url(n), HEALTH_TIMEOUT));
        }
      }
      for (Node n : layout.activeNodes()) {
        Future<Health> f = asked.get(n.id());
        health.put(n.id(), f == null ? Optional.empty() : Optional.of(await(f)));
      }
    }
    List<NodeStatus> nodes = new ArrayList<>();
    for (Node n : layout.activeNodes()) {
      nodes.add(NodeStatus.of(layout, n, pids.get(n.id()), live.get(n.id()).isPresent(),
          runtime(n), health.get(n.id())));
    }
    return new ClusterStatus(dir.root().toString(), layout.clusterName(), nodes);
  }

  /**
   * SIGKILLs the processes of a {@link #start} or {@link #restart} that has not finished; for a
   * shutdown hook, so that an interrupted start leaves no half-started cluster behind.
   */
  public void killStarting() throws IOException, InterruptedException {
    Map<String, Process> cut = new LinkedHashMap<>(starting);
    if (cut.isEmpty()) {
      return;
    }
    progress.accept("start interrupted: stopping " + String.join(", ", cut.keySet()) + " again");
    forceAll(cut.values().stream().map(Process::toHandle).toList());
    for (String id : cut.keySet()) {
      PidFiles.delete(dir, id);
    }
  }

  /**
   * SIGKILLs every node that runs and every process this instance started, waits until they are
   * gone, and removes the pid files: the cleanup of tests, which must leave nothing running even
   * when they fail.
   */
  public void killAll() throws IOException, InterruptedException {
    Set<ProcessHandle> all = new LinkedHashSet<>(running().values());
    spawned.values().forEach(p -> all.add(p.toHandle()));
    forceAll(List.copyOf(all));
    for (Node n : layout.nodes()) {
      PidFiles.delete(dir, n.id());
    }
  }

  // ---- starting ---------------------------------------------------------------------------

  /**
   * Checks the nodes' configuration files, starts the nodes and waits until all serve; if that
   * fails, stops them again, so that the directory is not left half running.
   */
  private void launchAndAwait(List<Node> nodes, long t0, Duration timeout)
      throws IOException, InterruptedException {
    for (Node n : nodes) {
      config(n);
    }
    Map<Node, Process> procs = new LinkedHashMap<>();
    try {
      // Hazelcast members that all start at once each form a cluster of their own and then
      // merge, which takes tens of seconds; members that find one running join it in about
      // two. So the first node starts alone, and the others once it serves.
      Node first = nodes.get(0);
      procs.put(first, launch(first));
      if (nodes.size() > 1) {
        awaitServing(new LinkedHashMap<>(procs), t0, timeout);
        for (Node n : nodes.subList(1, nodes.size())) {
          procs.put(n, launch(n));
        }
      }
      awaitServing(procs, t0, timeout);
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      abandon(procs);
      throw e;
    } finally {
      nodes.forEach(n -> starting.remove(n.id()));
    }
  }

  /** The node's configuration file, written from the layout if missing, and checked. */
  private void config(Node n) throws IOException {
    Path file = dir.configFile(n.id());
    if (!Files.isRegularFile(file)) {
      NodeConfigFiles.write(layout, dir, n);
    }
    NodeConfigFiles.load(file);
  }

  private Process launch(Node n) throws IOException {
    Files.createDirectories(dir.dataDir(n.id()));
    Process p = launcher.launch(dir, layout, n);
    spawned.put(p.pid(), p);
    starting.put(n.id(), p);
    PidFiles.write(dir, n.id(), p.pid());
    progress.accept("started " + n.id() + " (" + n.role().wireName() + ", pid " + p.pid() + ")");
    return p;
  }

  private void requirePortsFree(List<Node> nodes) {
    List<String> taken = takenPorts(nodes);
    if (!taken.isEmpty()) {
      throw portsInUse(taken);
    }
  }

  /**
   * The ports of {@code nodes} that cannot be bound now, as {@code "27339 (hazelcast of p4,
   * held by pid 123 (java …) LISTEN)"} where this machine tells who holds them.
   */
  private static List<String> takenPorts(List<Node> nodes) {
    List<String> taken = new ArrayList<>();
    for (Node n : nodes) {
      for (Map.Entry<String, Integer> port : List.of(Map.entry("hazelcast", n.hazelcastPort()),
          Map.entry("http", n.httpPort()))) {
        if (!PortAllocator.isFree(port.getValue())) {
          String holder = PortOwner.describe(port.getValue()).map(h -> ", held by " + h)
              .orElse("");
          taken.add(port.getValue() + " (" + port.getKey() + " of " + n.id() + holder + ")");
        }
      }
    }
    return taken;
  }

  private static ClusterException portsInUse(List<String> taken) {
    return ClusterException.failed("ports in use by another process: " + String.join(", ", taken)
        + "; free them, or lay out a new cluster in another directory");
  }

  private void awaitServing(Map<Node, Process> procs, long t0, Duration timeout)
      throws InterruptedException {
    long deadline = t0 + timeout.toNanos();
    Set<Node> pending = new LinkedHashSet<>(procs.keySet());
    Map<Node, String> why = new LinkedHashMap<>();
    progress.accept(String.format(Locale.ROOT, "waiting for %s to serve (up to %.0f s)...",
        pending.stream().map(Node::id).collect(Collectors.joining(", ")),
        seconds(timeout.toNanos())));
    long nextWaitingLine = System.nanoTime() + WAITING_LINE_NANOS;
    try (HealthProbe probe = new HealthProbe(layout.trustedCa())) {
      while (true) {
        // Every starting node is asked at once: one slow answer does not hold up the others.
        Map<Node, Future<Health>> asked = new LinkedHashMap<>();
        for (Node n : pending) {
          Process p = procs.get(n);
          if (!p.isAlive()) {
            throw ClusterException.failed(n.id() + " exited with code " + p.exitValue()
                + " before serving" + LogTail.block(dir.logFile(n.id()), LOG_TAIL_LINES));
          }
          Optional<NodeRuntime> rt = runtime(n);
          if (rt.isEmpty() || rt.get().pid() != p.pid()) {
            why.put(n, "no node.json yet");
          } else {
            long left = Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            asked.put(n, probe.check(layout.url(n),
                Duration.ofMillis(Math.min(HEALTH_TIMEOUT.toMillis(), left))));
          }
        }
        for (var e : asked.entrySet()) {
          Node n = e.getKey();
          Health h = await(e.getValue());
          if (h.ok()) {
            pending.remove(n);
            progress.accept(String.format(Locale.ROOT, "%s serving at %s after %.1f s",
                n.id(), layout.url(n), seconds(System.nanoTime() - t0)));
          } else {
            why.put(n, h.describe());
          }
        }
        if (pending.isEmpty()) {
          return;
        }
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          StringBuilder msg = new StringBuilder(String.format(Locale.ROOT,
              "not serving after %.0f s:", seconds(timeout.toNanos())));
          for (Node n : pending) {
            msg.append(' ').append(n.id()).append(" (").append(why.get(n)).append(')');
          }
          for (Node n : pending) {
            msg.append(LogTail.block(dir.logFile(n.id()), LOG_TAIL_LINES));
          }
          throw ClusterException.failed(msg.toString());
        }
        if (now - nextWaitingLine >= 0) {
          progress.accept("waiting for "
              + pending.stream().map(Node::id).collect(Collectors.joining(", ")) + "...");
          nextWaitingLine = now + WAITING_LINE_NANOS;
        }
        // The pause before the next check ends early if a starting node exits.
        long pause = Math.min(POLL_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - now)));
        CompletableFuture<?> anyExit = CompletableFuture.anyOf(
            pending.stream().map(n -> procs.get(n).onExit()).toArray(CompletableFuture[]::new));
        try {
          anyExit.get(pause, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // Nothing exited: check again.
        } catch (ExecutionException e) {
          throw new IllegalStateException("waiting for a node's exit failed", e);
        }
      }
    }
  }

  /** After a failed start: SIGKILL what it started and remove their pid files. */
  private void abandon(Map<Node, Process> procs) throws IOException, InterruptedException {
    if (procs.isEmpty()) {
      return;
    }
    progress.accept("stopping " + procs.keySet().stream().map(Node::id)
        .collect(Collectors.joining(", ")) + " again");
    forceAll(procs.values().stream().map(Process::toHandle).toList());
    for (Node n : procs.keySet()) {
      PidFiles.delete(dir, n.id());
    }
  }

  // ---- stopping ---------------------------------------------------------------------------

  private List<String> terminate(Map<String, ProcessHandle> live, Duration timeout)
      throws InterruptedException {
    live.values().forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, ProcessHandle> stubborn = new LinkedHashMap<>();
    for (var e : live.entrySet()) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (awaitExit(e.getValue(), left)) {
        progress.accept(e.getKey() + " stopped");
      } else {
        stubborn.put(e.getKey(), e.getValue());
      }
    }
    for (var e : stubborn.entrySet()) {
      progress.accept(String.format(Locale.ROOT,
          "%s did not stop within %.0f s after SIGTERM: killing it (SIGKILL)",
          e.getKey(), seconds(timeout.toNanos())));
      e.getValue().destroyForcibly();
    }
    for (var e : stubborn.entrySet()) {
      if (!awaitExit(e.getValue(), KILL_WAIT.toNanos())) {
        throw ClusterException.failed(e.getKey() + " (pid " + e.getValue().pid()
            + ") is still running after SIGKILL");
      }
    }
    return List.copyOf(stubborn.keySet());
  }

  private void killNow(String id, ProcessHandle h) throws InterruptedException {
    h.destroyForcibly();
    if (!awaitExit(h, KILL_WAIT.toNanos())) {
      throw ClusterException.failed(id + " (pid " + h.pid() + ") is still running after SIGKILL");
    }
  }

  private void forceAll(List<ProcessHandle> handles) throws InterruptedException {
    handles.forEach(ProcessHandle::destroyForcibly);
    List<Long> left = new ArrayList<>();
    for (ProcessHandle h : handles) {
      if (!awaitExit(h, KILL_WAIT.toNanos())) {
        left.add(h.pid());
      }
    }
    if (!left.isEmpty()) {
      throw ClusterException.failed("processes still running after SIGKILL: " + left);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static boolean awaitExit(ProcessHandle h, long nanos) throws InterruptedException {
    if (!h.isAlive()) {
      return true;
    }
    try {
      h.onExit().get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return !h.isAlive();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for pid " + h.pid() + " failed", e);
    }
  }

  private Optional<NodeRuntime> runtime(Node n) {
    try {
      return NodeRuntime.read(dir.dataDir(n.id()));
    } catch (IOException e) {
      // Unreadable (being replaced, or damaged): no usable runtime file now.
      return Optional.empty();
    }
  }

  private static Health await(Future<Health> f) throws InterruptedException {
    try {
      return f.toCompletionStage().toCompletableFuture()
          .get(HEALTH_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return new Health(0, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      return new Health(0, "no answer within " + HEALTH_TIMEOUT.toMillis() + " ms");
    }
  }

  private static String describe(Map<String, ProcessHandle> live) {
    return live.entrySet().stream()
        .map(e -> e.getKey() + " (pid " + e.getValue().pid() + ")")
        .collect(Collectors.joining(", "));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
