package io.ringtx.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.inspect.NodeAudit;
import io.ringtx.protocol.inspect.NodeReport;
import io.ringtx.protocol.inspect.TxReport;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.rpc.VertxSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live cluster, reached through one coordinator's URL: {@code GET /v1/cluster} lists the nodes
 * (with the URLs of those alive) and the routing; each node is then asked under {@code
 * /v1/recovery/}. Calls are made with Vert.x's web client and waited for with a deadline.
 */
public final class LiveSource implements Source {
  /** Deadline of one call, connection included. */
  static final long CALL_MILLIS = 5_000;

  private final String base;
  private final Vertx vertx;
  private final WebClient client;
  /** The bearer token sent with every request, or null. */
  private final String token;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, String> urls = new LinkedHashMap<>();

  private LiveSource(String base, Vertx vertx, WebClient client, String token) {
    this.base = base;
    this.vertx = vertx;
    this.client = client;
    this.token = token;
  }

  /**
   * Connects to the coordinator at {@code url} and reads the cluster's nodes.
   *
   * @throws RecoveryException if {@code url} is not an http URL or the coordinator does not answer
   */
  public static LiveSource connect(String url) {
    return connect(url, null, null);
  }

  /**
   * As {@link #connect(String)}, for a cluster with TLS and/or a bearer token (docs/security.md).
   *
   * @param trustedCa PEM file of the CA to trust for {@code https://} URLs, or null
   * @param token the bearer token the nodes require, or null
   */
  public static LiveSource connect(String url, Path trustedCa, String token) {
    String base = normalise(url);
    Vertx vertx = VertxSetup.vertx();
    WebClientOptions options =
        new WebClientOptions().setConnectTimeout((int) CALL_MILLIS).setKeepAlive(true);
    if (trustedCa != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustedCa.toString()));
    }
    WebClient client = WebClient.create(vertx, options);
    LiveSource s = new LiveSource(base, vertx, client, token);
    try {
      s.readCluster();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  static String normalise(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new RecoveryException("--cluster " + url + " is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null || uri.getPort() < 0) {
      throw new RecoveryException("--cluster must be a coordinator's http(s)://HOST:PORT, got "
          + url);
    }
    return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }

  private void readCluster() {
    JsonNode cluster;
    try {
      cluster = Json.MAPPER.readTree(get(base + "/v1/cluster").getBytes());
    } catch (NodeUnavailableException | IOException e) {
      throw new RecoveryException("cannot read the cluster from " + base + "/v1/cluster: "
          + e.getMessage() + " (is it a running coordinator's URL?)", e);
    }
    String self = cluster.path("coordinator").asText("");
    for (JsonNode n : cluster.path("nodes")) {
      String id = n.path("id").asText();
      String role = n.path("role").asText();
      boolean up = "UP".equals(n.path("health").asText());
      String url = id.equals(self) ? base : n.path("url").asText(null);
      boolean reachable = up && url != null;
      String problem = reachable ? null
          : !up ? "down (not alive in the cluster's discovery)"
          : "serves no HTTP endpoint (nodes of an in-JVM `ringtx local` cluster do not): use a "
              + "process cluster, or --data-dir once it is stopped";
      nodes.put(id, new Node(id, role, reachable, url == null ? "-" : url, problem));
      if (url != null) {
        urls.put(id, url);
      }
    }
    if (nodes.isEmpty()) {
      throw new RecoveryException(base + "/v1/cluster lists no nodes");
    }
  }

  @Override
  public List<Node> nodes() {
    return new ArrayList<>(nodes.values());
  }

  @Override
  public String describe() {
    return "cluster " + base;
  }

  @Override
  public boolean offline() {
    return false;
  }

  @Override
  public NodeReport unfinished(String node) {
    return read(node, "/v1/recovery/txs", NodeReport.class);
  }

  @Override
  public TxReport tx(String node, TxId id) {
    return read(node, "/v1/recovery/tx/" + id.value(), TxReport.class);
  }

  @Override
  public NodeAudit audit(String node) {
    return read(node, "/v1/recovery/audit", NodeAudit.class);
  }

  @Override
  public Optional<Map<String, String>> owners(List<String> keys) {
    Map<String, String> out = new LinkedHashMap<>();
    // The coordinator takes at most 10,000 keys per call.
    for (int i = 0; i < keys.size(); i += 5_000) {
      List<String> chunk = keys.subList(i, Math.min(keys.size(), i + 5_000));
      try {
        byte[] body = Json.MAPPER.writeValueAsBytes(Map.of("keys", chunk));
        Buffer answer = post(base + "/v1/recovery/owners", body, 200);
        JsonNode owners = Json.MAPPER.readTree(answer.getBytes()).path("owners");
        owners.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      } catch (IOException e) {
        throw new NodeUnavailableException("owners from " + base + ": " + e.getMessage(), e);
      }
    }
    return Optional.of(out);
  }

  @Override
  public DecideResult decide(
      String node, TxId id, Decision decision, String operator, boolean heuristic) {
    String url = urlOf(node) + "/v1/recovery/tx/" + id.value() + "/decide";
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("decision", decision.name());
    body.put("operator", operator);
    body.put("heuristic", heuristic);
    try {
      HttpResponse<Buffer> r = await(auth(client.postAbs(url)).timeout(CALL_MILLIS)
          .putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(Json.MAPPER.writeValueAsBytes(body))), url);
      JsonNode answer = Json.MAPPER.readTree(r.body().getBytes());
      if (r.statusCode() == 200) {
        return new DecideResult(node, true, Decision.valueOf(answer.path("decision").asText()),
            null);
      }
      return new DecideResult(node, false, null, answer.path("message").asText(r.statusMessage()));
    } catch (IOException e) {
      throw new NodeUnavailableException(node + ": " + e.getMessage(), e);
    }
  }

  private <T> T read(String node, String path, Class<T> type) {
    String url = urlOf(node) + path;
    try {
      return Json.MAPPER.readValue(get(url).getBytes(), type);
    } catch (IOException e) {
      throw new NodeUnavailableException(node + " answered " + path + " with something "
          + "unreadable: " + e.getMessage(), e);
    }
  }

  private String urlOf(String node) {
    Node n = nodes.get(node);
    if (n == null || !n.reachable()) {
      throw new NodeUnavailableException(node + " is "
          + (n == null ? "not in the cluster" : n.problem()), null);
    }
    return urls.get(node);
  }

  /** {@code r} with the bearer token, if the cluster requires one. */
  private HttpRequest<Buffer> auth(HttpRequest<Buffer> r) {
    return token == null ? r : r.putHeader("Authorization", "Bearer " + token);
  }

  private Buffer get(String url) {
    HttpResponse<Buffer> r = await(auth(client.getAbs(url)).timeout(CALL_MILLIS).send(), url);
    if (r.statusCode() != 200) {
      throw new NodeUnavailableException(url + " answered " + r.statusCode() + ": "
          + r.bodyAsString(), null);
    }
    return r.body() == null ? Buffer.buffer() : r.body();
  }

  private Buffer post(String url, byte[] body, int expected) {
    HttpResponse<Buffer> r = await(auth(client.postAbs(url)).timeout(CALL_MILLIS)
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)), url);
    if (r.statusCode() != expected) {
      throw new NodeUnavailableException(url + " answered " + r.statusCode() + ": "
          + r.bodyAsString(), null);
    }
    return r.body();
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture()
          .get(CALL_MILLIS + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new NodeUnavailableException(what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new NodeUnavailableException(what + ": no answer within " + CALL_MILLIS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeUnavailableException(what + ": interrupted", e);
    }
  }

  @Override
  public void close() {
    client.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Nothing of ours is left to release: the tool is exiting.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
