package io.ringtx.dist.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringtx.dist.cluster.ClusterLayout;
import io.ringtx.dist.cluster.PidFiles;
import io.ringtx.dist.cluster.ProcessClusterFixture;
import io.ringtx.dist.demo.BankClient;
import io.ringtx.dist.demo.BankDemo;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.protocol.node.CrashPoint;
import io.ringtx.dist.cluster.ProcessCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault drill on a real multi-process cluster (3 participants, 1 coordinator): bank accounts,
 * a transfer load, one node armed with a crash point, and the probes the crash tests need — has
 * the node halted, and where; what is in doubt or blocked at each participant ({@code GET
 * /v1/indoubt}, {@code /metrics}); the total through the client; and, once stopped, the audit of
 * every node's log. One drill serves several crash points: the crashed node is restarted with
 * the next point armed, so the cluster starts once per test.
 */
final class CrashDrill implements AutoCloseable {
  static final int ACCOUNTS = 40;
  static final long BALANCE = 1_000;
  /** Transfers run concurrently: enough for several transactions in flight at the crash. */
  static final int CLIENTS = 4;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CRASH_LINE =
      Pattern.compile("tx=(\\S+) RTX-0901 crash point (\\S+) reached");

  private final ProcessClusterFixture cluster;
  private final List<String> accounts = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<String> report = new ArrayList<>();
  private final long seed;

  private CrashDrill(ProcessClusterFixture cluster, long seed) {
    this.cluster = cluster;
    this.seed = seed;
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts.add(BankDemo.accountKey(i));
    }
  }

  /**
   * Lays out a cluster in {@code dir}, arms {@code node} with {@code first} (halting the {@code
   * crashAfter}-th time), starts it and opens the accounts.
   *
   * @param settings settings for every node (e.g. a shorter query backoff)
   */
  static CrashDrill start(Path dir, Map<String, String> settings, String node, CrashPoint first,
      int crashAfter, long seed) throws Exception {
    return start(dir, 1, settings, node, first, crashAfter, seed);
  }

  /**
   * As {@link #start(Path, Map, String, CrashPoint, int, long)} with {@code coordinators}
   * coordinators; the load and the restarts go through the first.
   */
  static CrashDrill start(Path dir, int coordinators, Map<String, String> settings, String node,
      CrashPoint first, int crashAfter, long seed) throws Exception {
    ProcessClusterFixture.Builder b = ProcessClusterFixture.builder(dir).participants(3)
        .coordinators(coordinators);
    settings.forEach(b::set);
    ProcessClusterFixture f = b.create();
    CrashDrill drill = new CrashDrill(f, seed);
    try {
      f.configure(node, arm(first, crashAfter));
      Duration took = f.start();
      drill.note("cluster of 3 participants and %d coordinator(s) serving after %.1f s",
          coordinators, secs(took));
      try (BankClient c = RingTxBankClient.factory(drill.url()).connect()) {
        c.open(drill.accounts, BALANCE);
      }
      return drill;
    } catch (Exception | Error e) {
      drill.close();
      throw e;
    }
  }

  /** The own settings of a node armed with {@code point}; none for null. */
  static Map<String, String> arm(CrashPoint point, int crashAfter) {
    return point == null ? Map.of()
        : Map.of("crashPoint", point.name(), "crashAfter", Integer.toString(crashAfter));
  }

  ProcessClusterFixture cluster() {
    return cluster;
  }

  String url() {
    return cluster.urls().get(0);
  }

  List<String> accounts() {
    return List.copyOf(accounts);
  }

  List<String> participants() {
    return cluster.cluster().layout().participants().stream().map(ClusterLayout.Node::id).toList();
  }

  TransferLoad load(int round) {
    return new TransferLoad(url(), accounts, CLIENTS, seed + round);
  }

  /** Where a node halted: the point and the transaction, from the line it logged first. */
  record Crash(CrashPoint point, String tx, long detectedNanos) {}

  /**
   * Waits until {@code node}'s process is gone and returns the crash point it logged; fails if
   * it did not halt within {@code max} or exited without reaching its point.
   */
  Crash awaitHalt(String node, CrashPoint expected, Duration max) throws IOException {
    await("node " + node + " halting at " + expected).atMost(max)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> PidFiles.live(cluster.cluster().dir(), node).isEmpty());
    long at = System.nanoTime();
    Matcher last = null;
    for (String line : Files.readAllLines(cluster.cluster().dir().logFile(node))) {
      Matcher m = CRASH_LINE.matcher(line);
      if (m.find()) {
        last = m;
      }
    }
    assertThat(last).as("%s exited without logging a crash point", node).isNotNull();
    Crash c = new Crash(CrashPoint.valueOf(last.group(2)), last.group(1), at);
    assertThat(c.point()).isEqualTo(expected);
    return c;
  }

  /** What {@code GET /v1/indoubt} of one participant says. */
  record InDoubt(Set<String> inDoubt, Set<String> blocked) {}

  /**
   * The transactions in doubt and blocked anywhere, as the coordinator at {@code url} reports
   * them in {@code GET /v1/cluster}.
   */
  InDoubt clusterView(String url) throws IOException, InterruptedException {
    JsonNode body = JSON.readTree(get(url + "/v1/cluster"));
    return new InDoubt(strings(body.get("inDoubt")), strings(body.get("blocked")));
  }

  /** Every participant's in-doubt and blocked transactions; one that does not answer is absent. */
  Map<String, InDoubt> inDoubt() {
    Map<String, InDoubt> out = new TreeMap<>();
    ClusterLayout layout = cluster.cluster().layout();
    for (ClusterLayout.Node n : layout.participants()) {
      try {
        JsonNode body = JSON.readTree(get(layout.url(n) + "/v1/indoubt"));
        out.put(n.id(), new InDoubt(strings(body.get("inDoubt")), strings(body.get("blocked"))));
      } catch (IOException e) {
        // Not serving (down or starting): absent.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** A gauge of a participant's {@code /metrics}. */
  long metric(String participant, String name) throws IOException, InterruptedException {
    ClusterLayout layout = cluster.cluster().layout();
    String text = get(layout.url(layout.require(participant)) + "/metrics");
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new IllegalStateException(participant + " /metrics has no " + name + ":\n" + text);
  }

  /**
   * Waits until every participant answers and has nothing in doubt; returns the time that took.
   */
  Duration awaitNothingInDoubt(Duration max) {
    long t0 = System.nanoTime();
    await("nothing in doubt at any participant").atMost(max).pollInterval(Duration.ofMillis(50))
        .until(this::nothingInDoubt);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /**
   * How a restart went: when the node served, and when nothing was in doubt any more at any
   * participant, both from the restart command. Participants keep asking while the node starts,
   * so the second may come first.
   */
  record Restart(Duration serving, Duration resolved) {
    /** The time from the node serving to nothing in doubt; zero if that came first. */
    Duration resolvedAfterServing() {
      Duration d = resolved.minus(serving);
      return d.isNegative() ? Duration.ZERO : d;
    }
  }

  /**
   * Restarts {@code node} (with the settings {@link ProcessClusterFixture#configure} gave it)
   * while watching the participants, and waits until nothing is in doubt, at most {@code max}
   * after the node serves.
   */
  Restart restartUntilNothingInDoubt(String node, Duration max) throws Exception {
    long t0 = System.nanoTime();
    CompletableFuture<Duration> restart = CompletableFuture.supplyAsync(() -> {
      try {
        return cluster.restart(node);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
    long[] resolvedAt = {0};
    await(node + " serving again").atMost(ProcessCluster.DEFAULT_START_TIMEOUT.plusSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          if (resolvedAt[0] == 0 && nothingInDoubt()) {
            resolvedAt[0] = System.nanoTime();
          }
          return restart.isDone();
        });
    Duration serving;
    try {
      serving = restart.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
    if (resolvedAt[0] == 0) {
      awaitNothingInDoubt(max);
      resolvedAt[0] = System.nanoTime();
    }
    Restart r = new Restart(serving, Duration.ofNanos(resolvedAt[0] - t0));
    assertThat(r.resolvedAfterServing()).as("time from %s serving to nothing in doubt", node)
        .isLessThanOrEqualTo(max);
    return r;
  }

  private boolean nothingInDoubt() {
    Map<String, InDoubt> all = inDoubt();
    return all.size() == participants().size()
        && all.values().stream().allMatch(d -> d.inDoubt().isEmpty());
  }

  /** Every transaction in doubt at some participant, with the participants where it is. */
  Map<String, Set<String>> whereInDoubt(Map<String, InDoubt> all) {
    Map<String, Set<String>> out = new TreeMap<>();
    all.forEach((node, d) -> d.inDoubt().forEach(
        tx -> out.computeIfAbsent(tx, t -> new LinkedHashSet<>()).add(node)));
    return out;
  }

  /**
   * The total of every balance, read through the coordinator in one transaction; retried while
   * a read aborts or fails (a restarted node not yet reachable over the event bus).
   */
  long total() throws Exception {
    return retrying("reading the balances", () -> {
      try (BankClient c = RingTxBankClient.factory(url()).connect()) {
        return c.balances(accounts).values().stream().mapToLong(Long::longValue).sum();
      }
    });
  }

  /** Runs {@code action} until it returns without throwing, for up to 30 s. */
  private <T> T retrying(String what, Callable<T> action) {
    List<T> result = new ArrayList<>(1);
    List<Exception> failures = new ArrayList<>();
    await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          try {
            result.add(action.call());
            return true;
          } catch (Exception e) {
            failures.add(e);
            return false;
          }
        });
    if (!failures.isEmpty()) {
      note("%s: %d attempts failed first, the last with %s", what, failures.size(),
          failures.get(failures.size() - 1));
    }
    return result.get(0);
  }

  long expectedTotal() {
    return ACCOUNTS * BALANCE;
  }

  /** Stops the cluster and audits every node's log and data offline. */
  LogAudit stopAndAudit() throws Exception {
    cluster.stop();
    ClusterLayout layout = cluster.cluster().layout();
    Map<String, Path> ps = new LinkedHashMap<>();
    Map<String, Path> cs = new LinkedHashMap<>();
    for (ClusterLayout.Node n : layout.participants()) {
      ps.put(n.id(), cluster.cluster().dir().dataDir(n.id()).resolve("store"));
    }
    for (ClusterLayout.Node n : layout.coordinators()) {
      cs.put(n.id(), cluster.cluster().dir().dataDir(n.id()).resolve("store"));
    }
    return LogAudit.read(ps, cs, accounts);
  }

  /** A line of the drill's report, printed at once and again at the end. */
  /**
   * The bound asserted on settling and resolving: only a hang exceeds it. The drills' targets are
   * printed against what was measured ({@link #against}), never asserted, so a slow or loaded
   * machine does not fail the build while a stuck transaction still does.
   */
  static final Duration SETTLE_BOUND = Duration.ofSeconds(60);

  /** "target 5 s met" or "target 5 s MISSED", for a note line. */
  static String against(double seconds, Duration target) {
    return String.format(Locale.ROOT, "target %d s %s", target.toSeconds(),
        seconds <= target.toMillis() / 1e3 ? "met" : "MISSED");
  }

  void note(String format, Object... args) {
    String line = String.format(Locale.ROOT, format, args);
    report.add(line);
    System.out.println("[drill] " + line);
  }

  List<String> report() {
    return List.copyOf(report);
  }

  static double secs(Duration d) {
    return d.toNanos() / 1e9;
  }

  static double secsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /**
   * How long a drill's HTTP GET may take: generous, since the drills assert what nodes answer,
   * not how fast (right after a crash the machine is busy restarting and re-balancing).
   */
  private static final Duration GET_TIMEOUT = Duration.ofSeconds(10);

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(GET_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new LinkedHashSet<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      System.out.println("==== drill report");
      report.forEach(l -> System.out.println("  " + l));
    }
  }
}
