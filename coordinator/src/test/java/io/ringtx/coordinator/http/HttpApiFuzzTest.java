package io.ringtx.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests to a real {@link HttpApi} on 127.0.0.1 (issue 8): random and mutated bodies,
 * invalid UTF-8, deep JSON, bodies over the limit, random key bytes in paths and garbage on the
 * socket. Every answer to a commit or read is 200 (a body that happens to be valid) or a 4xx
 * JSON error naming the problem — never a 5xx — and the server keeps serving: a valid commit
 * after each case still commits. A failure prints the seed and the command that replays it;
 * {@code -Dringtx.iterations=N} runs more cases.
 */
class HttpApiFuzzTest {
  static final String REPLAY = "mvn -B -q verify -pl coordinator -am -Dtest=HttpApiFuzzTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false";
  static final int BODY_LIMIT = 64 * 1024;
  static final String VALID =
      "{\"id\":\"t-1\",\"reads\":[{\"key\":\"a\",\"version\":0}],"
          + "\"writes\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"},"
          + "{\"op\":\"append\",\"key\":\"b\",\"value\":\"x\"},{\"op\":\"delete\",\"key\":\"c\"}]}";

  static Vertx vertx;
  static HttpApi api;
  static FakeTransactionService fake;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeTransactionService(new Limits(64, 256, 16));
    api = await(HttpApi.start(vertx, fake,
        HttpApiOptions.of("127.0.0.1", 0).withMaxBodyBytes(BODY_LIMIT)));
  }

  @AfterAll
  static void stop() throws Exception {
    await(api.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  interface Case {
    void run(Random rnd) throws Exception;
  }

  static void cases(int defaultIterations, Case c) {
    long base = Long.getLong("ringtx.seed", System.nanoTime());
    int iterations = Integer.getInteger("ringtx.iterations", defaultIterations);
    for (int i = 0; i < iterations; i++) {
      long seed = base + i;
      try {
        c.run(new Random(seed));
      } catch (Throwable t) {
        fail("seed " + seed + " failed: " + t + "\nreplay: " + REPLAY + " -Dringtx.seed=" + seed
            + " -Dringtx.iterations=1", t);
      }
    }
  }

  static HttpResponse<String> post(byte[] body) throws Exception {
    return post("/v1/txn", body);
  }

  static HttpResponse<String> post(String path, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  static String base() {
    return "http://127.0.0.1:" + api.port();
  }

  /** 200 with an outcome, or a 4xx JSON error with a code and a message. */
  static void answeredCleanly(HttpResponse<String> r, String what) throws Exception {
    if (r.statusCode() == 200) {
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertThat(body.has("outcome") || body.has("value") || body.has("items"))
          .as(what + ": " + r.body()).isTrue();
      return;
    }
    assertThat(r.statusCode()).as(what + ": " + r.body()).isBetween(400, 499);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.path("error").asText()).as(what).isNotBlank();
    assertThat(body.path("message").asText()).as(what).isNotBlank();
  }

  static void stillServing() throws Exception {
    HttpResponse<String> r = post(VALID.replace("t-1", "t-check").getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void mutatedAndRandomBodies_get200OrA4xxJsonError() throws Exception {
    cases(400, rnd -> {
      byte[] body;
      if (rnd.nextInt(5) == 0) {
        body = new byte[rnd.nextInt(300)];
        rnd.nextBytes(body);
      } else {
        body = VALID.getBytes(StandardCharsets.UTF_8);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          body = mutate(rnd, body);
        }
      }
      answeredCleanly(post(body), "body " + Arrays.toString(body));
    });
    stillServing();
  }

  @Test
  void mutatedAndRandomReadBodies_get200OrA4xxJsonError() throws Exception {
    byte[] valid = "{\"keys\":[\"a\",\"b\",\"c\"]}".getBytes(StandardCharsets.UTF_8);
    cases(300, rnd -> {
      byte[] body;
      if (rnd.nextInt(5) == 0) {
        body = new byte[rnd.nextInt(300)];
        rnd.nextBytes(body);
      } else {
        body = valid;
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          body = mutate(rnd, body);
        }
      }
      answeredCleanly(post("/v1/read", body), "read body " + Arrays.toString(body));
    });
    stillServing();
  }

  @Test
  void deepJsonHugeBodiesAndInvalidUtf8_get4xxJsonErrors() throws Exception {
    byte[] deep = ("{\"reads\":" + "[".repeat(50_000) + "]".repeat(50_000) + ",\"writes\":[]}")
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post(deep);
    answeredCleanly(r, "deep JSON");
    assertThat(r.statusCode()).isIn(400, 413);

    byte[] huge = ("{\"reads\":[],\"writes\":[{\"op\":\"put\",\"key\":\"k\",\"value\":\""
        + "v".repeat(BODY_LIMIT + 1) + "\"}]}").getBytes(StandardCharsets.UTF_8);
    r = post(huge);
    answeredCleanly(r, "huge body");
    assertThat(r.statusCode()).isEqualTo(413);

    byte[][] invalid = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
    for (byte[] bad : invalid) {
      byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
      int at = VALID.indexOf("\"1\"") + 1;
      byte[] b = new byte[valid.length + bad.length];
      System.arraycopy(valid, 0, b, 0, at);
      System.arraycopy(bad, 0, b, at, bad.length);
      System.arraycopy(valid, at, b, at + bad.length, valid.length - at);
      r = post(b);
      answeredCleanly(r, "invalid UTF-8 " + Arrays.toString(bad));
      assertThat(Json.MAPPER.readTree(r.body()).get("error").asText()).isEqualTo("invalid_utf8");
    }
    stillServing();
  }

  @Test
  void randomKeyBytesInThePath_get200Or404OrA4xxJsonError() throws Exception {
    cases(300, rnd -> {
      byte[] key = new byte[1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 20)];
      rnd.nextBytes(key);
      StringBuilder path = new StringBuilder("/v1/kv/");
      for (byte b : key) {
        path.append('%').append(String.format("%02X", b & 0xff));
      }
      if (rnd.nextInt(4) == 0) {
        path.append('%').append(rnd.nextBoolean() ? "G1" : ""); // a broken escape
      }
      // Over a socket: java.net.URI refuses to build a request with a broken escape.
      String[] answer = rawGet(path.toString());
      int status = Integer.parseInt(answer[0]);
      String what = "GET " + path + " -> " + status + " " + answer[2];
      if (status == 200) {
        assertThat(Json.MAPPER.readTree(answer[2]).has("value")).as(what).isTrue();
      } else {
        assertThat(status).as(what).isBetween(400, 499);
        assertThat(answer[1]).as(what).contains("content-type: application/json");
        JsonNode body = Json.MAPPER.readTree(answer[2]);
        assertThat(body.path("error").asText()).as(what).isNotBlank();
        assertThat(body.path("message").asText()).as(what).isNotBlank();
      }
    });
    stillServing();
  }

  @Test
  void garbageOnTheSocket_doesNotStopTheServer() throws Exception {
    Random rnd = new Random(Long.getLong("ringtx.seed", 7L));
    for (int i = 0; i < 30; i++) {
      byte[] junk = new byte[1 + rnd.nextInt(2000)];
      rnd.nextBytes(junk);
      if (i % 3 == 0) {
        junk = ("POST /v1/txn HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{")
            .getBytes(StandardCharsets.ISO_8859_1);
      }
      try (Socket s = new Socket("127.0.0.1", api.port())) {
        s.setSoTimeout(5_000);
        OutputStream out = s.getOutputStream();
        out.write(junk);
        out.flush();
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        byte[] answer = in.readNBytes(12);
        if (answer.length >= 12) {
          // Vert.x answers malformed HTTP itself; whatever it says must be a client error.
          assertThat(new String(answer, StandardCharsets.ISO_8859_1)).matches("HTTP/1\\.. 4\\d\\d");
        }
      } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
        // the server closed or ignored the connection: allowed for garbage
      }
    }
    stillServing();
  }

  @Test
  void aRequestLineOverTheLimit_is414InJson_andTheConnectionIsClosed() throws Exception {
    String[] answer = raw("GET /v1/kv/" + "k".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");

    assertJsonError(answer, "414", "request_line_too_long", "longer than 4096 bytes");
    stillServing();
  }

  @Test
  void headersOverTheLimit_are431InJson_andTheConnectionIsClosed() throws Exception {
    String[] answer = raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(9000)
        + "\r\n\r\n");

    assertJsonError(answer, "431", "headers_too_large", "more than 8192 bytes");
    stillServing();
  }

  @Test
  void aRequestThatIsNotHttp_is400InJson_andTheConnectionIsClosed() throws Exception {
    String[] answer = raw("GET /health HTTP/9.x\r\nHost: x\r\n\r\n");

    assertJsonError(answer, "400", "bad_request", "not valid HTTP/1.1");
    stillServing();
  }

  /**
   * An error answered by the server's handler of undecodable requests: the status, the JSON
   * error, and the connection closed after it ({@link #raw} reads to the end of the stream, so
   * it returns only because the server closed).
   */
  static void assertJsonError(String[] answer, String status, String code, String says)
      throws Exception {
    assertThat(answer[0]).as(answer[2]).isEqualTo(status);
    assertThat(answer[1]).contains("content-type: application/json").contains("connection: close");
    JsonNode body = Json.MAPPER.readTree(answer[2]);
    assertThat(body.path("error").asText()).isEqualTo(code);
    assertThat(body.path("message").asText()).contains(says);
  }

  /** Sends {@code request} as is and reads until the server closes: status, headers, body. */
  static String[] raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return split(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static String[] split(String raw) {
    int headersEnd = raw.indexOf("\r\n\r\n");
    assertThat(headersEnd).as(raw).isPositive();
    return new String[] {raw.substring(9, 12),
        raw.substring(0, headersEnd).toLowerCase(java.util.Locale.ROOT),
        raw.substring(headersEnd + 4)};
  }

  /** Status, lower-cased headers and body of a GET sent over a plain socket. */
  static String[] rawGet(String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", api.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      return split(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static byte[] mutate(Random rnd, byte[] valid) {
    if (valid.length == 0) {
      return new byte[] {(byte) rnd.nextInt(256)};
    }
    int at = rnd.nextInt(valid.length);
    switch (rnd.nextInt(5)) {
      case 0:
        return Arrays.copyOf(valid, rnd.nextInt(valid.length));
      case 1: {
        byte[] b = valid.clone();
        b[at] = (byte) rnd.nextInt(256);
        return b;
      }
      case 2: {
        byte[] b = valid.clone();
        b[at] = (byte) "{}[]:,\"\\0-9eE.+ ".charAt(rnd.nextInt(16));
        return b;
      }
      case 3: {
        byte[] out = new byte[valid.length - 1];
        System.arraycopy(valid, 0, out, 0, at);
        System.arraycopy(valid, at + 1, out, at, valid.length - at - 1);
        return out;
      }
      default: {
        int end = Math.min(valid.length, at + 1 + rnd.nextInt(40));
        byte[] piece = Arrays.copyOfRange(valid, at, end);
        byte[] out = new byte[valid.length + piece.length];
        System.arraycopy(valid, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(valid, at, out, at + piece.length, valid.length - at);
        return out;
      }
    }
  }
}
