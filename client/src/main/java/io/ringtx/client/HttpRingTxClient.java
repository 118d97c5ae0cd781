package io.ringtx.client;

import io.ringtx.protocol.rpc.VertxSetup;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.message.WriteOp;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client over the coordinator's HTTP API, on Vert.x WebClient. Every call is asynchronous
 * underneath; the public methods block the (user) thread on the future.
 */
final class HttpRingTxClient implements RingTxClient {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRingTxClient.class);

  /** Where the coordinator is: host, port, TLS, and a path prefix ("" or "/something"). */
  record Endpoint(String host, int port, boolean ssl, String prefix) {}

  /** What the client learned about a commit. {@code reason} may be null for ABORTED. */
  private record Learned(Outcome outcome, Reason reason) {}

  // Answers may gain fields over time: be lenient when reading them.
  private static final ObjectMapper LENIENT =
      Json.MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Endpoint endpoint;
  private final ClientOptions options;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final WebClient web;
  private final String clientId;
  private final AtomicLong sequence = new AtomicLong();
  private final Backoff backoff;
  private final AtomicBoolean closed = new AtomicBoolean();

  HttpRingTxClient(Endpoint endpoint, ClientOptions options) {
    this.endpoint = endpoint;
    this.options = options;
    this.ownsVertx = options.vertx().isEmpty();
    this.vertx = options.vertx().orElseGet(VertxSetup::vertx);
    this.web =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost(endpoint.host())
                .setDefaultPort(endpoint.port())
                .setSsl(endpoint.ssl())
                .setKeepAlive(true)
                .setUserAgent("ringtx-java-client")
                .setTrustOptions(options.trustedCa()
                    .map(ca -> new PemTrustOptions().addCertPath(ca.toString()))
                    .orElse(null)),
            new PoolOptions().setHttp1MaxSize(options.maxConnections()));
    this.clientId = options.clientId().orElseGet(HttpRingTxClient::randomClientId);
    this.backoff = new Backoff(options.baseBackoff(), options.maxBackoff());
  }

  /** 16 hex digits (64 random bits): unique enough across clients for the retention window. */
  private static String randomClientId() {
    UUID u = UUID.randomUUID();
    return HexFormat.of().toHexDigits(u.getMostSignificantBits() ^ u.getLeastSignificantBits());
  }

  @Override
  public String clientId() {
    return clientId;
  }

  // ---- reads ------------------------------------------------------------------------------

  @Override
  public Optional<KeyValue> get(String key) {
    checkCallable();
    checkKey(key);
    TxAttempt.Read r = readKey(key);
    return r.value() == null
        ? Optional.empty()
        : Optional.of(new KeyValue(key, r.value(), r.version()));
  }

  private TxAttempt.Read readKey(String key) {
    String path = "/v1/kv/" + encodeKey(key);
    HttpResponse<Buffer> response = send(HttpMethod.GET, path, null, "GET /v1/kv/{key}");
    JsonNode body = parseOrNull(response);
    if (response.statusCode() == 200 && body != null && body.path("value").isTextual()) {
      return new TxAttempt.Read(body.get("value").asText(), body.path("version").asLong());
    }
    if (response.statusCode() == 404
        && body != null
        && "key_not_found".equals(body.path("error").asText())) {
      // The version of an absent key is 0 unless the coordinator says otherwise.
      return new TxAttempt.Read(null, body.path("version").asLong(0));
    }
    throw unexpected("GET /v1/kv/{key} for key '" + abbreviate(key) + "'", response, body);
  }

  /**
   * Reads several keys in one {@code POST /v1/read}; the coordinator reads each at its owner, in
   * parallel.
   */
  private Map<String, TxAttempt.Read> readKeys(List<String> keys) {
    ObjectNode request = Json.MAPPER.createObjectNode();
    ArrayNode array = request.putArray("keys");
    keys.forEach(array::add);
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new RingTxException("could not encode a read of " + keys.size() + " keys", e);
    }
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/v1/read", body, "POST /v1/read");
    JsonNode answer = parseOrNull(response);
    if (response.statusCode() == 200 && answer != null && answer.path("items").isArray()) {
      Map<String, TxAttempt.Read> out = new LinkedHashMap<>();
      for (JsonNode item : answer.get("items")) {
        JsonNode value = item.path("value");
        out.put(item.path("key").asText(), new TxAttempt.Read(
            value.isTextual() ? value.asText() : null, item.path("version").asLong(0)));
      }
      return out;
    }
    throw unexpected("POST /v1/read of " + keys.size() + " keys", response, answer);
  }

  // ---- transactions -----------------------------------------------------------------------

  @Override
  public <T> T run(TxFunction<T> fn) {
    Objects.requireNonNull(fn, "fn");
    checkCallable();
    for (int attempt = 1; ; attempt++) {
      String id = clientId + "-" + sequence.incrementAndGet();
      TxAttempt tx = new TxAttempt(id, new TxAttempt.Reader() {
        @Override
        public TxAttempt.Read read(String key) {
          return readKey(key);
        }

        @Override
        public Map<String, TxAttempt.Read> readAll(List<String> keys) {
          return readKeys(keys);
        }
      });
      T result;
      try {
        result = fn.apply(tx);
      } finally {
        // An exception from fn ends the attempt here: nothing was sent, nothing is sent.
        tx.close();
      }
      Learned learned = commit(id, tx);
      if (learned.outcome() == Outcome.COMMITTED) {
        return result;
      }
      if (!retriable(learned.reason())) {
        throw new TxAbortedException(
            id,
            learned.reason(),
            "transaction " + id + " aborted"
                + (learned.reason() == null ? "" : ": " + learned.reason()));
      }
      if (attempt >= options.maxAttempts()) {
        throw new TxAbortedException(
            id,
            learned.reason(),
            "transaction aborted " + attempt + " times in a row, last by " + learned.reason()
                + "; last id " + id);
      }
      LOG.debug("tx={} aborted ({}), attempt {} of {}", id, learned.reason(), attempt,
          options.maxAttempts());
      pause(backoff.delayMillis(attempt, ThreadLocalRandom.current()), id);
    }
  }

  /**
   * Whether an abort for {@code reason} is worth a new attempt: a conflict, or a passing failure
   * of the cluster (a vote that came late, a participant that was unreachable, an owner that
   * changed, a coordinator that restarted). Nothing of an aborted attempt was applied, so running
   * the function again is safe. An invalid request, or an abort whose reason is not known, is not
   * retried.
   */
  static boolean retriable(Reason reason) {
    return reason != null && reason != Reason.INVALID;
  }

  /**
   * Sends the commit of {@code tx}, re-sending the same id while the outcome is unknown (commits
   * are idempotent by id, DESIGN §2), then asks for the outcome. Returns COMMITTED or ABORTED;
   * anything else is an exception.
   */
  private Learned commit(String id, TxAttempt tx) {
    byte[] body = commitBody(id, tx);
    RingTxException last = null;
    for (int send = 1; send <= options.commitSends(); send++) {
      try {
        HttpResponse<Buffer> response = send(HttpMethod.POST, "/v1/txn", body, "POST /v1/txn");
        JsonNode answer = parseOrNull(response);
        int status = response.statusCode();
        if (status == 200 && answer != null) {
          Learned learned = learned(answer);
          if (learned != null && learned.outcome() != Outcome.UNKNOWN) {
            return learned;
          }
          last = new RingTxException("coordinator answered UNKNOWN for transaction " + id);
        } else if (status >= 400 && status < 500) {
          // Refused as invalid before it reached the engine: nothing was written.
          throw rejected("POST /v1/txn", response, answer);
        } else {
          last = unexpected("POST /v1/txn", response, answer);
        }
      } catch (RequestRejectedException e) {
        throw e;
      } catch (CoordinatorOverloadedException e) {
        if (send == 1) {
          // Refused before anything was done, and no earlier send may have been: not applied.
          throw e;
        }
        last = e; // an earlier send may have reached the engine: learn the outcome below
      } catch (RingTxException e) {
        last = e;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new TxOutcomeUnknownException(
            id,
            "interrupted while committing transaction " + id + "; its outcome is unknown",
            last);
      }
      LOG.debug(
          "tx={} commit send {} of {} got no outcome: {}",
          id,
          send,
          options.commitSends(),
          last.getMessage());
      if (send < options.commitSends()) {
        pause(backoff.delayMillis(send, ThreadLocalRandom.current()), id);
      }
    }
    try {
      Outcome known = outcome(id);
      if (known == Outcome.COMMITTED || known == Outcome.ABORTED) {
        return new Learned(known, null);
      }
    } catch (RingTxException e) {
      e.addSuppressed(last);
      last = e;
    }
    throw new TxOutcomeUnknownException(
        id,
        "the outcome of transaction " + id + " is unknown after " + options.commitSends()
            + " sends; ask outcome(\"" + id + "\") later",
        last);
  }

  private static byte[] commitBody(String id, TxAttempt tx) {
    ObjectNode root = Json.MAPPER.createObjectNode().put("id", id);
    ArrayNode reads = root.putArray("reads");
    for (ReadItem r : tx.readSet()) {
      reads.addObject().put("key", r.key()).put("version", r.version());
    }
    ArrayNode writes = root.putArray("writes");
    for (WriteOp w : tx.writeSet()) {
      ObjectNode o = writes.addObject().put("op", w.op().wireName()).put("key", w.key());
      if (w.value() != null) {
        o.put("value", w.value());
      }
    }
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always encodes", e);
    }
  }

  private static Learned learned(JsonNode answer) {
    Outcome outcome = enumOrNull(Outcome.class, answer.path("outcome").asText(null));
    if (outcome == null) {
      return null;
    }
    return new Learned(outcome, enumOrNull(Reason.class, answer.path("reason").asText(null)));
  }

  @Override
  public Outcome outcome(String txId) {
    checkCallable();
    if (!TxId.isValid(txId)) {
      throw new IllegalArgumentException("not a valid transaction id: '" + txId + "'");
    }
    HttpResponse<Buffer> response = send(HttpMethod.GET, "/v1/txn/" + txId, null, "GET /v1/txn");
    JsonNode body = parseOrNull(response);
    if (response.statusCode() == 404
        && body != null
        && "tx_not_found".equals(body.path("error").asText())) {
      return Outcome.UNKNOWN;
    }
    if (response.statusCode() == 200 && body != null) {
      Learned learned = learned(body);
      if (learned != null) {
        return learned.outcome();
      }
    }
    throw unexpected("GET /v1/txn/" + txId, response, body);
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /**
   * Sends one request; a 503 {@code overloaded} or {@code shutting_down} (refused before anything
   * was done) is waited out and sent again, up to {@link ClientOptions#overloadWaits()} times,
   * each pause as long as its {@link #overloadPauseMillis pause}.
   */
  private HttpResponse<Buffer> send(HttpMethod method, String path, byte[] body, String what) {
    for (int refusals = 0; ; refusals++) {
      HttpResponse<Buffer> response = sendOnce(method, path, body, what);
      String refusal = refusal(response);
      if (refusal == null) {
        return response;
      }
      if (refusals >= options.overloadWaits()) {
        throw new CoordinatorOverloadedException(refusal,
            what + " refused with 503 " + refusal + " " + (refusals + 1)
                + " times in a row; nothing was done");
      }
      long pause = overloadPauseMillis(response, options.maxOverloadPause().toMillis(),
          ThreadLocalRandom.current());
      LOG.debug("{} refused ({}), waiting {} ms", what, refusal, pause);
      pause(pause, what);
    }
  }

  /** The error code of a 503 that refused a request before anything was done, or null. */
  static String refusal(HttpResponse<Buffer> response) {
    if (response.statusCode() != 503) {
      return null;
    }
    JsonNode body = parseOrNull(response);
    String error = body == null ? "" : body.path("error").asText("");
    return error.equals("overloaded") || error.equals("shutting_down") ? error : null;
  }

  /**
   * How long to wait after a refusal: the body's {@code retryAfterMillis}, else the {@code
   * Retry-After} header (seconds), else 100 ms; at most {@code maxMillis}; then a random time
   * between half of it and all of it, so that clients refused together do not return together.
   */
  static long overloadPauseMillis(
      HttpResponse<Buffer> response, long maxMillis, java.util.random.RandomGenerator random) {
    long asked = 100;
    JsonNode body = parseOrNull(response);
    if (body != null && body.path("retryAfterMillis").canConvertToLong()
        && body.path("retryAfterMillis").asLong() >= 0) {
      asked = body.path("retryAfterMillis").asLong();
    } else {
      String header = response.getHeader("Retry-After");
      try {
        if (header != null) {
          asked = Math.multiplyExact(Long.parseLong(header.trim()), 1000L);
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // an HTTP date or garbage: keep the default
      }
    }
    long pause = Math.max(0, Math.min(asked, maxMillis));
    return pause / 2 + (pause - pause / 2 == 0 ? 0 : random.nextLong(pause - pause / 2 + 1));
  }

  private HttpResponse<Buffer> sendOnce(HttpMethod method, String path, byte[] body, String what) {
    long timeout = options.requestTimeout().toMillis();
    // An idle timeout only: timeout() would also arm a timer on the wait for a pooled connection,
    // and Vert.x 5.0.10 can race that timer against a connection being handed over (logging
    // "Promise already completed"). The bound below covers a request that waits too long.
    var request = web.request(method, endpoint.prefix() + path).idleTimeout(timeout);
    options.bearerToken().ifPresent(t -> request.putHeader("Authorization", "Bearer " + t));
    Future<HttpResponse<Buffer>> future;
    if (body == null) {
      future = request.send();
    } else {
      request.putHeader("Content-Type", "application/json");
      future = request.sendBuffer(Buffer.buffer(body));
    }
    // The idle timeout normally fires first; this bound covers the wait for a connection and a
    // lost callback.
    return await(future, timeout + 1000, what);
  }

  private <T> T await(Future<T> future, long timeoutMillis, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RingTxException(what + " interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new RingTxException(what + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new RingTxException(what + " got no answer within " + timeoutMillis + " ms", e);
    }
  }

  /** Waits before a retry on a Vert.x timer (no sleeping in a loop), interruptibly. */
  private void pause(long millis, String id) {
    if (millis <= 0) {
      return;
    }
    await(vertx.timer(millis, TimeUnit.MILLISECONDS), millis + 1000, "backoff of tx=" + id);
  }

  private void checkCallable() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "RingTxClient blocks until the coordinator answers and must not be called on a Vert.x"
              + " event loop thread; call it from a worker or an application thread");
    }
    if (closed.get()) {
      throw new IllegalStateException("the client is closed");
    }
  }

  private static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  /**
   * Percent-encodes every UTF-8 byte of the key except letters, digits, '-', '_' and '~'. '/' is
   * encoded so that the key is one path segment, '.' so that no key looks like a dot segment to
   * a proxy on the way.
   */
  static String encodeKey(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length + 16);
    for (byte x : bytes) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  private static JsonNode parseOrNull(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      return LENIENT.readTree(body.getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static RequestRejectedException rejected(
      String what, HttpResponse<Buffer> response, JsonNode body) {
    String error = body == null ? "http_" + response.statusCode() : body.path("error").asText("");
    String message = body == null ? response.statusMessage() : body.path("message").asText("");
    return new RequestRejectedException(
        response.statusCode(),
        error,
        what + " refused with " + response.statusCode() + " " + error + ": " + message);
  }

  private static RingTxException unexpected(
      String what, HttpResponse<Buffer> response, JsonNode body) {
    int status = response.statusCode();
    if (status >= 400 && status < 500) {
      return rejected(what, response, body);
    }
    String detail =
        body == null
            ? abbreviate(response.bodyAsString() == null ? "" : response.bodyAsString())
            : body.path("error").asText("") + ": " + body.path("message").asText("");
    return new RingTxException(what + " answered " + status + " " + detail);
  }

  private static <E extends Enum<E>> E enumOrNull(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    web.close();
    if (ownsVertx) {
      if (Context.isOnEventLoopThread()) {
        vertx.close();
      } else {
        await(vertx.close(), 10_000, "closing the client's Vert.x instance");
      }
    }
  }
}
