package io.ringtx.coordinator.http;

import io.ringtx.protocol.api.ApiErrorCode;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.TxResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters the HTTP layer can see for itself, rendered in the Prometheus text format 0.0.4:
 * requests by route template, method and status, and the outcomes it answered to commits. Route
 * labels are templates ({@code /v1/kv/{key}}), never raw paths, so cardinality stays bounded.
 * Thread-safe: the server may run on several event loops.
 */
final class HttpMetrics {
  /** The Content-Type of {@link #render()}. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Map<RequestKey, LongAdder> requests = new ConcurrentSkipListMap<>();
  private final LongAdder committed = new LongAdder();
  private final Map<Reason, LongAdder> aborted = new EnumMap<>(Reason.class);
  private final LongAdder unknown = new LongAdder();
  private final Map<String, LongAdder> refused = new ConcurrentSkipListMap<>();
  private final IntSupplier inFlight;
  private final int maxInFlight;

  HttpMetrics(IntSupplier inFlight, int maxInFlight) {
    this.inFlight = inFlight;
    this.maxInFlight = maxInFlight;
    // Every series exists from the start (at 0), so rate() works from the first scrape.
    for (Reason r : Reason.values()) {
      aborted.put(r, new LongAdder());
    }
    refused.put(ApiErrorCode.OVERLOADED.wire(), new LongAdder());
    refused.put(ApiErrorCode.SHUTTING_DOWN.wire(), new LongAdder());
  }

  /** A commit or read answered 503 at once, by error code (overloaded, shutting_down). */
  void refused(String code) {
    refused.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  long refusedCount(String code) {
    LongAdder a = refused.get(code);
    return a == null ? 0 : a.sum();
  }

  private record RequestKey(String route, String method, int status)
      implements Comparable<RequestKey> {
    @Override
    public int compareTo(RequestKey o) {
      int c = route.compareTo(o.route);
      if (c == 0) {
        c = method.compareTo(o.method);
      }
      return c != 0 ? c : Integer.compare(status, o.status);
    }
  }

  void request(String route, String method, int status) {
    requests.computeIfAbsent(new RequestKey(route, method, status), k -> new LongAdder())
        .increment();
  }

  void result(TxResult result) {
    if (result.outcome() == Outcome.COMMITTED) {
      committed.increment();
    } else if (result.outcome() == Outcome.ABORTED) {
      aborted.get(result.reason()).increment();
    } else {
      unknown.increment();
    }
  }

  long requestCount(String route, String method, int status) {
    LongAdder a = requests.get(new RequestKey(route, method, status));
    return a == null ? 0 : a.sum();
  }

  String render() {
    StringBuilder b = new StringBuilder(1024);
    header(b, "ringtx_http_requests_total", "HTTP requests answered, by route, method and status.");
    for (Map.Entry<RequestKey, LongAdder> e : requests.entrySet()) {
      RequestKey k = e.getKey();
      b.append("ringtx_http_requests_total{route=\"")
          .append(escape(k.route()))
          .append("\",method=\"")
          .append(escape(k.method()))
          .append("\",status=\"")
          .append(k.status())
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    header(b, "ringtx_http_tx_committed_total", "Commit requests answered COMMITTED.");
    b.append("ringtx_http_tx_committed_total ").append(committed.sum()).append('\n');
    header(b, "ringtx_http_tx_aborted_total", "Commit requests answered ABORTED, by reason.");
    for (Map.Entry<Reason, LongAdder> e : aborted.entrySet()) {
      b.append("ringtx_http_tx_aborted_total{reason=\"")
          .append(e.getKey().name())
          .append("\"} ")
          .append(e.getValue().sum())
          .append('\n');
    }
    header(b, "ringtx_http_tx_unknown_total", "Commit requests answered UNKNOWN.");
    b.append("ringtx_http_tx_unknown_total ").append(unknown.sum()).append('\n');
    header(b, "ringtx_http_refused_total",
        "Commits and reads refused at once with 503 before anything was done, by error code.");
    for (Map.Entry<String, LongAdder> e : refused.entrySet()) {
      b.append("ringtx_http_refused_total{error=\"").append(escape(e.getKey())).append("\"} ")
          .append(e.getValue().sum()).append('\n');
    }
    b.append("# HELP ringtx_http_in_flight Commits and reads with the coordinator now.\n")
        .append("# TYPE ringtx_http_in_flight gauge\n")
        .append("ringtx_http_in_flight ").append(inFlight.getAsInt()).append('\n');
    b.append("# HELP ringtx_http_max_in_flight The bound on commits and reads in flight.\n")
        .append("# TYPE ringtx_http_max_in_flight gauge\n")
        .append("ringtx_http_max_in_flight ").append(maxInFlight).append('\n');
    return b.toString();
  }

  private static void header(StringBuilder b, String name, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
  }

  /** Label value escaping of the text format: backslash, double quote and line feed. */
  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
