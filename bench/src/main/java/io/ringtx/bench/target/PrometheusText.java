package io.ringtx.bench.target;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads the counters the harness needs from a node's {@code GET /metrics} (Prometheus text format
 * 0.0.4): the store's {@code ringtx_store_forced_writes_total}, {@code ringtx_store_syncs_total},
 * {@code ringtx_store_lazy_writes_total}, the standard {@code process_cpu_seconds_total}, the
 * threads' {@code ringtx_process_cpu_wait_seconds_total}, and the JVM's {@code
 * ringtx_jvm_compile_seconds_total} and {@code ringtx_jvm_gc_seconds_total}.
 */
public final class PrometheusText {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http;
  private final String token;

  /** Plain scraping: the JVM's trust store for https, no token. */
  public PrometheusText() {
    this(null, null);
  }

  /**
   * @param ssl the TLS context for {@code https://} nodes (e.g. from {@link #trusting}), or null
   *     for the JVM's default
   * @param token the bearer token the nodes require, or null
   */
  public PrometheusText(SSLContext ssl, String token) {
    HttpClient.Builder b =
        HttpClient.newBuilder().connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
    this.token = token;
  }

  /** A TLS context that trusts exactly the CA certificates in a PEM file. */
  public static SSLContext trusting(Path caPem) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * Scrapes {@code baseUrl + "/metrics"}; an unreachable node or a bad answer gives {@link
   * NodeSample#EMPTY}: one missing sample must not end a run.
   */
  public NodeSample scrape(String baseUrl) {
    String url = baseUrl.endsWith("/") ? baseUrl + "metrics" : baseUrl + "/metrics";
    try {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
      if (token != null) {
        req.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return NodeSample.EMPTY;
      }
      return sample(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NodeSample.EMPTY;
    } catch (java.io.IOException | IllegalArgumentException e) {
      return NodeSample.EMPTY;
    }
  }

  /** The counters in {@code text}. */
  public static NodeSample sample(String text) {
    Map<String, Double> v = parse(text);
    return new NodeSample(
        asLong(v.get("ringtx_store_forced_writes_total")),
        asLong(v.get("ringtx_store_syncs_total")),
        asLong(v.get("ringtx_store_lazy_writes_total")),
        nanos(v.get("process_cpu_seconds_total")), phases(text),
        nanos(v.get("ringtx_jvm_compile_seconds_total")),
        nanos(v.get("ringtx_jvm_gc_seconds_total")),
        nanos(v.get("ringtx_process_cpu_wait_seconds_total")));
  }

  private static Long nanos(Double seconds) {
    return Optional.ofNullable(seconds).map(x -> Math.round(x * 1e9)).orElse(null);
  }

  private static final String PHASE = "ringtx_coordinator_phase_seconds";

  /**
   * The coordinator's phase histograms in {@code text}, by phase; a phase whose series are
   * incomplete or out of order is left out.
   */
  static Map<String, PhaseBuckets> phases(String text) {
    Map<String, TreeMap<Double, Long>> buckets = new TreeMap<>();
    Map<String, Double> sums = new HashMap<>();
    Map<String, Long> counts = new HashMap<>();
    for (Sample s : samples(text)) {
      String phase = s.name().startsWith(PHASE) ? label(s.labels(), "phase") : null;
      if (phase == null) {
        continue;
      }
      switch (s.name().substring(PHASE.length())) {
        case "_bucket" -> {
          String le = label(s.labels(), "le");
          if (le != null && !le.equals("+Inf")) {
            try {
              buckets.computeIfAbsent(phase, k -> new TreeMap<>())
                  .put(Double.parseDouble(le), Math.round(s.value()));
            } catch (NumberFormatException e) {
              // not a bound: skip the sample
            }
          }
        }
        case "_sum" -> sums.put(phase, s.value());
        case "_count" -> counts.put(phase, Math.round(s.value()));
        default -> { }
      }
    }
    Map<String, PhaseBuckets> out = new TreeMap<>();
    buckets.forEach((phase, b) -> {
      Long count = counts.get(phase);
      Double sum = sums.get(phase);
      if (count == null || sum == null) {
        return;
      }
      double[] bounds = new double[b.size()];
      long[] cumulative = new long[b.size()];
      int i = 0;
      for (Map.Entry<Double, Long> e : b.entrySet()) {
        bounds[i] = e.getKey();
        cumulative[i] = e.getValue();
        if ((i > 0 && cumulative[i] < cumulative[i - 1]) || cumulative[i] > count) {
          return;
        }
        i++;
      }
      out.put(phase, new PhaseBuckets(bounds, cumulative, sum, count));
    });
    return out;
  }

  /** The value of label {@code name} in {@code labels} (a="x",b="y"), or null. */
  private static String label(String labels, String name) {
    String key = name + "=\"";
    int at = labels.startsWith(key) ? 0 : labels.indexOf("," + key);
    if (at < 0) {
      return null;
    }
    int start = labels.indexOf('"', at) + 1;
    int end = labels.indexOf('"', start);
    return end < 0 ? null : labels.substring(start, end);
  }

  /** Every sample in {@code text} by metric name, the series of one name (any labels) summed. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> values = new HashMap<>();
    for (Sample s : samples(text)) {
      values.merge(s.name(), s.value(), Double::sum);
    }
    return values;
  }

  /** One sample line: the metric name, the text between its braces ("" if none), the value. */
  record Sample(String name, String labels, double value) {}

  /** The sample lines of {@code text}; comments, blank lines and malformed lines are skipped. */
  static List<Sample> samples(String text) {
    List<Sample> out = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name;
      String labels;
      String rest;
      if (brace >= 0 && (space < 0 || brace < space)) {
        int close = line.lastIndexOf('}');
        if (close < brace) {
          continue;
        }
        name = line.substring(0, brace);
        labels = line.substring(brace + 1, close);
        rest = line.substring(close + 1).strip();
      } else if (space > 0) {
        name = line.substring(0, space);
        labels = "";
        rest = line.substring(space + 1).strip();
      } else {
        continue;
      }
      try {
        out.add(new Sample(name, labels, Double.parseDouble(rest.split("\\s+")[0])));
      } catch (NumberFormatException e) {
        // Not a sample line of the format: skip it, as Prometheus would refuse only this line.
      }
    }
    return out;
  }

  private static Long asLong(Double d) {
    return d == null ? null : Math.round(d);
  }
}
