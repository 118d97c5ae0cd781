package io.ringtx.dist.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtx.dist.cluster.PidFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload and graceful shutdown on real processes (issue 8, acceptance): a coordinator with a
 * bound of {@value #MAX_IN_FLIGHT} transactions and reads in flight, and participants with a
 * bound of {@value #MAX_QUEUED_WORK} on queued work, are driven by {@value #OVERLOAD_CLIENTS}
 * raw HTTP clients doing bank transfers with no pause and no retry. Requests beyond the bound are
 * answered at once with 503 {@code overloaded}, {@code Retry-After} and a JSON error, and counted
 * (client side and in {@code ringtx_http_refused_total}); once the load drops to one client,
 * transfers commit again. Then the coordinator gets SIGTERM during a load and drains: it refuses
 * new work, answers what it has in flight and says so in its log. Throughout, no transfer is
 * lost or half-applied: the total is conserved, read through the API and from every node's log.
 */
class OverloadIT {
  static final int MAX_IN_FLIGHT = 8;
  static final int MAX_QUEUED_WORK = 3;
  static final int OVERLOAD_CLIENTS = 48;
  /** Commits that a calm phase (one client) runs until. */
  static final int CALM_COMMITS = 20;
  /** Refusals and commits that the overload phase runs until. */
  static final int OVERLOAD_REFUSALS = 300;
  static final int OVERLOAD_COMMITS = 20;
  static final Duration PHASE_MAX = Duration.ofSeconds(120);

  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern REFUSED =
      Pattern.compile("ringtx_http_refused_total\\{error=\"overloaded\"} (\\d+)");

  @TempDir Path tmp;

  @Test
  @Timeout(600)
  void farPastItsBound_aCoordinatorAnswers503AtOnce_losesNothing_andRecoversWhenLoadDrops()
      throws Exception {
    Map<String, String> settings = Map.of(
        "maxInFlight", Integer.toString(MAX_IN_FLIGHT),
        "maxQueuedWork", Integer.toString(MAX_QUEUED_WORK),
        "retryAfterMillis", "100",
        "maxQueryBackoffMillis", "2000");
    try (CrashDrill drill = CrashDrill.start(tmp.resolve("cluster"), settings, "c1", null, 1, 8)) {
      String url = drill.url();

      RawLoad before = RawLoad.start(url, drill.accounts(), 1, 1);
      before.runUntil("before: " + CALM_COMMITS + " commits",
          () -> before.committed.get() >= CALM_COMMITS);
      drill.note("before, 1 client: %s", before.describe());

      RawLoad overload = RawLoad.start(url, drill.accounts(), OVERLOAD_CLIENTS, 2);
      overload.runUntil("overload: refusals and commits",
          () -> overload.overloaded.get() >= OVERLOAD_REFUSALS
              && overload.committed.get() >= OVERLOAD_COMMITS);
      drill.note("overload, %d clients, bound %d: %s", OVERLOAD_CLIENTS, MAX_IN_FLIGHT,
          overload.describe());
      assertThat(overload.unexpected).as("answers other than 200 and 503 overloaded").isEmpty();

      // The load drops to one client: transfers commit again.
      RawLoad after = RawLoad.start(url, drill.accounts(), 1, 3);
      after.runUntil("after: " + CALM_COMMITS + " commits",
          () -> after.committed.get() >= CALM_COMMITS);
      drill.note("after, 1 client: %s", after.describe());
      assertThat(after.unexpected).isEmpty();

      long seen = before.overloaded.get() + overload.overloaded.get() + after.overloaded.get();
      assertThat(coordinatorRefusals(url)).as("ringtx_http_refused_total{error=overloaded}")
          .isEqualTo(seen);
      long participantRefusals = 0;
      for (String p : drill.participants()) {
        participantRefusals += drill.metric(p, "ringtx_participant_overload_refusals_total");
      }
      drill.note("participants refused %d requests as OVERLOADED (bound %d)", participantRefusals,
          MAX_QUEUED_WORK);
      assertThat(drill.total()).as("total after the overload").isEqualTo(drill.expectedTotal());

      // Graceful stop: SIGTERM to the coordinator while 8 clients run transfers.
      RawLoad draining = RawLoad.start(url, drill.accounts(), 8, 4);
      await("transfers under way").atMost(Duration.ofSeconds(30))
          .until(() -> draining.committed.get() > 10);
      ProcessHandle c1 = PidFiles.live(drill.cluster().cluster().dir(), "c1").orElseThrow();
      long t0 = System.nanoTime();
      c1.destroy();
      assertThat(c1.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
      double stopped = CrashDrill.secsSince(t0);
      draining.stop();
      String log = Files.readString(drill.cluster().cluster().dir().logFile("c1"));
      drill.note("SIGTERM to c1 under load: exited after %.2f s; clients saw %s", stopped,
          draining.describe());
      assertThat(log).as("c1's log").contains("node c1 drained in")
          .doesNotContain("RTX-0902 node c1 stopping after");
      assertThat(Files.exists(drill.cluster().cluster().dir().dataDir("c1").resolve("node.json")))
          .as("node.json removed by a clean stop").isFalse();
      assertThat(draining.unexpected).as("answers other than 200 and 503").isEmpty();

      drill.cluster().restart("c1");
      assertThat(drill.total()).as("total after the graceful stop").isEqualTo(drill.expectedTotal());

      LogAudit audit = drill.stopAndAudit();
      drill.note("log audit: %s", audit.summary());
      assertThat(audit.violations()).as("all-or-nothing, from the logs").isEmpty();
      assertThat(audit.total()).isEqualTo(drill.expectedTotal());
    }
  }

  static long coordinatorRefusals(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = REFUSED.matcher(r.body());
    assertThat(m.find()).as("/metrics of %s:%n%s", url, r.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  /**
   * Bank transfers over raw HTTP, as a client that neither pauses nor retries would send them:
   * read both balances, then commit the move with the versions read. Every answer is classified;
   * a connection refused (the coordinator stopped) is counted, not thrown.
   */
  static final class RawLoad {
    final AtomicLong committed = new AtomicLong();
    final AtomicLong aborted = new AtomicLong();
    final AtomicLong overloaded = new AtomicLong();
    final AtomicLong shuttingDown = new AtomicLong();
    final AtomicLong connectionFailures = new AtomicLong();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final List<String> accounts;
    private final long startNanos = System.nanoTime();
    private volatile long elapsedNanos;

    private RawLoad(String url, List<String> accounts) {
      this.url = url;
      this.accounts = accounts;
    }

    /** Runs until {@code done} holds (at most {@link #PHASE_MAX}), then stops the clients. */
    void runUntil(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
      try {
        await(what).atMost(PHASE_MAX).pollInterval(Duration.ofMillis(20)).until(done);
      } finally {
        stop();
      }
    }

    static RawLoad start(String url, List<String> accounts, int clients, long seed) {
      RawLoad l = new RawLoad(url, accounts);
      SplittableRandom seeds = new SplittableRandom(seed);
      for (int i = 0; i < clients; i++) {
        SplittableRandom rnd = seeds.split();
        Thread t = new Thread(() -> l.loop(rnd), "raw-load-" + i);
        t.setDaemon(true);
        l.threads.add(t);
        t.start();
      }
      return l;
    }

    void stop() throws InterruptedException {
      running.set(false);
      elapsedNanos = System.nanoTime() - startNanos;
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(t.isAlive()).as("%s stopped", t.getName()).isFalse();
      }
    }

    String describe() {
      return String.format(Locale.ROOT,
          "%.1f s: %d committed (%.0f/s), %d aborted, %d refused 503 overloaded (%.0f/s), "
              + "%d refused 503 shutting_down, %d connection failures, %d unexpected%s",
          elapsedNanos / 1e9, committed.get(), committed.get() * 1e9 / Math.max(1, elapsedNanos),
          aborted.get(), overloaded.get(), overloaded.get() * 1e9 / Math.max(1, elapsedNanos),
          shuttingDown.get(), connectionFailures.get(), unexpected.size(),
          unexpected.isEmpty() ? "" : " (first: " + unexpected.peek() + ")");
    }

    private void loop(SplittableRandom rnd) {
      int n = accounts.size();
      while (running.get()) {
        int from = rnd.nextInt(n);
        int to = rnd.nextInt(n - 1);
        if (to >= from) {
          to++;
        }
        try {
          transfer(accounts.get(from), accounts.get(to), rnd);
        } catch (IOException e) {
          connectionFailures.incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private void transfer(String from, String to, SplittableRandom rnd)
        throws IOException, InterruptedException {
      JsonNode a = read(from);
      JsonNode b = a == null ? null : read(to);
      if (a == null || b == null) {
        return;
      }
      long fromBalance = Long.parseLong(a.get("value").asText());
      long toBalance = Long.parseLong(b.get("value").asText());
      long moved = fromBalance <= 0 ? 0 : 1 + rnd.nextLong(fromBalance);
      ObjectNode body = JSON.createObjectNode();
      ArrayNode reads = body.putArray("reads");
      reads.addObject().put("key", from).put("version", a.get("version").asLong());
      reads.addObject().put("key", to).put("version", b.get("version").asLong());
      ArrayNode writes = body.putArray("writes");
      writes.addObject().put("op", "put").put("key", from)
          .put("value", Long.toString(fromBalance - moved));
      writes.addObject().put("op", "put").put("key", to)
          .put("value", Long.toString(toBalance + moved));
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create(url + "/v1/txn"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() == 200) {
        String outcome = JSON.readTree(r.body()).path("outcome").asText();
        if (outcome.equals("COMMITTED")) {
          committed.incrementAndGet();
        } else if (outcome.equals("ABORTED")) {
          aborted.incrementAndGet();
        } else {
          unexpected.add("POST 200 " + r.body());
        }
      } else {
        classifyRefusal("POST", r);
      }
    }

    /** The key's JSON, or null after a refusal (counted). */
    private JsonNode read(String key) throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create(url + "/v1/kv/" + key))
              .timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() == 200) {
        return JSON.readTree(r.body());
      }
      classifyRefusal("GET", r);
      return null;
    }

    /** A 503 refusal must say why, when to come back, and that nothing was done. */
    private void classifyRefusal(String what, HttpResponse<String> r) throws IOException {
      String error = "";
      JsonNode body = null;
      try {
        body = JSON.readTree(r.body());
        error = body.path("error").asText();
      } catch (IOException e) {
        // not JSON: unexpected below
      }
      boolean wellFormed = r.statusCode() == 503 && body != null
          && r.headers().firstValue("Retry-After").isPresent()
          && body.path("retryAfterMillis").isNumber();
      if (wellFormed && error.equals("overloaded")) {
        overloaded.incrementAndGet();
      } else if (wellFormed && error.equals("shutting_down")) {
        shuttingDown.incrementAndGet();
      } else {
        unexpected.add(what + " " + r.statusCode() + " " + r.headers().map() + " " + r.body());
      }
    }
  }
}
