package io.ringtx.client;

import io.ringtx.protocol.id.TxId;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link RingTxClient}; immutable, changed by the {@code with…} copies.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.defaults()
 *     .withMaxAttempts(5)
 *     .withRequestTimeout(Duration.ofSeconds(2));
 * }</pre>
 */
public final class ClientOptions {
  /** Attempts of one {@link RingTxClient#run} before repeated aborts give up: 20. */
  public static final int DEFAULT_MAX_ATTEMPTS = 20;

  /** First backoff ceiling after an abort: 1 ms. */
  public static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(1);

  /** Largest backoff ceiling: 100 ms. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(100);

  /** Longest wait for one HTTP answer: 10 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Times one commit is sent (same id) before asking for its outcome: 3. */
  public static final int DEFAULT_COMMIT_SENDS = 3;

  /** HTTP/1.1 connections kept to the coordinator: 16. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16;

  /** Times one request waits out a 503 {@code overloaded}/{@code shutting_down}: 20. */
  public static final int DEFAULT_OVERLOAD_WAITS = 20;

  /** Longest pause after one such 503, whatever its {@code Retry-After} says: 2 s. */
  public static final Duration DEFAULT_MAX_OVERLOAD_PAUSE = Duration.ofSeconds(2);

  /**
   * Most commits in one batch request by default: 100 (a coordinator takes up to 1,000 per
   * request).
   */
  public static final int DEFAULT_MAX_COMMIT_BATCH = 100;

  /** The largest {@link #withMaxCommitBatch} accepted: what a coordinator takes in one request. */
  public static final int MAX_COMMIT_BATCH_LIMIT = 1_000;

  /**
   * Most reads gathered into one request by default: 100 transactions' reads (and at most
   * {@value #READ_BATCH_MAX_KEYS} keys).
   */
  public static final int DEFAULT_MAX_READ_BATCH = 100;

  /** The largest {@link #withMaxReadBatch} accepted. */
  public static final int MAX_READ_BATCH_LIMIT = 1_000;

  /**
   * Most distinct keys in one gathered read: well under what a coordinator ({@code
   * maxKeysPerTx}, 10,000 by default) and a participant (1,000) take in one {@code POST
   * /v1/read}.
   */
  public static final int READ_BATCH_MAX_KEYS = 500;

  private static final ClientOptions DEFAULTS =
      new ClientOptions(
          null,
          null,
          DEFAULT_MAX_ATTEMPTS,
          DEFAULT_BASE_BACKOFF,
          DEFAULT_MAX_BACKOFF,
          DEFAULT_REQUEST_TIMEOUT,
          DEFAULT_COMMIT_SENDS,
          DEFAULT_MAX_CONNECTIONS,
          DEFAULT_OVERLOAD_WAITS,
          DEFAULT_MAX_OVERLOAD_PAUSE,
          null,
          null,
          true,
          DEFAULT_MAX_COMMIT_BATCH,
          true,
          DEFAULT_MAX_READ_BATCH);

  private final Vertx vertx;
  private final String clientId;
  private final int maxAttempts;
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final Duration requestTimeout;
  private final int commitSends;
  private final int maxConnections;
  private final int overloadWaits;
  private final Duration maxOverloadPause;
  private final Path trustedCa;
  private final String bearerToken;
  private final boolean directReads;
  private final int maxCommitBatch;
  private final boolean directCommits;
  private final int maxReadBatch;

  private ClientOptions(
      Vertx vertx,
      String clientId,
      int maxAttempts,
      Duration baseBackoff,
      Duration maxBackoff,
      Duration requestTimeout,
      int commitSends,
      int maxConnections,
      int overloadWaits,
      Duration maxOverloadPause,
      Path trustedCa,
      String bearerToken,
      boolean directReads,
      int maxCommitBatch,
      boolean directCommits,
      int maxReadBatch) {
    this.vertx = vertx;
    this.clientId = clientId;
    this.maxAttempts = maxAttempts;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
    this.requestTimeout = requestTimeout;
    this.commitSends = commitSends;
    this.maxConnections = maxConnections;
    this.overloadWaits = overloadWaits;
    this.maxOverloadPause = maxOverloadPause;
    this.trustedCa = trustedCa;
    this.bearerToken = bearerToken;
    this.directReads = directReads;
    this.maxCommitBatch = maxCommitBatch;
    this.directCommits = directCommits;
    this.maxReadBatch = maxReadBatch;
  }

  /** The defaults. */
  public static ClientOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A copy that runs on the caller's Vert.x instance, which the client then does not close.
   * Without it the client creates its own and closes it in {@link RingTxClient#close()}.
   */
  public ClientOptions withVertx(Vertx vertx) {
    return new ClientOptions(
        Objects.requireNonNull(vertx, "vertx"),
        clientId,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        requestTimeout,
        commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy with a fixed client id (the prefix of transaction ids) instead of a random one. Ids
   * must stay unique across clients for the coordinator's retention window: reuse one only for a
   * client that continues where a previous one left off with a larger sequence, or in tests.
   */
  public ClientOptions withClientId(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.length() > 64 || !TxId.isValid(clientId + "-0")) {
      throw new IllegalArgumentException(
          "client id must be 1-64 characters of [A-Za-z0-9._:-]: '" + clientId + "'");
    }
    return new ClientOptions(
        vertx,
        clientId,
        maxAttempts,
        baseBackoff,
        maxBackoff,
        requestTimeout,
        commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /** A copy that makes at most {@code attempts} attempts per {@link RingTxClient#run} (≥ 1). */
  public ClientOptions withMaxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + attempts);
    }
    return new ClientOptions(
        vertx,
        clientId,
        attempts,
        baseBackoff,
        maxBackoff,
        requestTimeout,
        commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy with other backoff bounds: after the n-th conflict the client waits a random time in
   * [0, min(max, base·2^(n-1))] ("full jitter") before the next attempt.
   */
  public ClientOptions withBackoff(Duration base, Duration max) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    if (base.isNegative() || max.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 <= base <= max: " + base + ", " + max);
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, base, max, requestTimeout, commitSends, maxConnections,
        overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /** A copy with another limit on the wait for one HTTP answer. */
  public ClientOptions withRequestTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("requestTimeout must be at least 1 ms: " + timeout);
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, timeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy that sends a commit whose answer is lost or UNKNOWN at most {@code sends} times (same
   * id: commits are idempotent) before asking {@code GET /v1/txn/{id}}.
   */
  public ClientOptions withCommitSends(int sends) {
    if (sends < 1) {
      throw new IllegalArgumentException("commitSends must be >= 1: " + sends);
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, sends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /** A copy with another number of pooled HTTP connections. */
  public ClientOptions withMaxConnections(int connections) {
    if (connections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1: " + connections);
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        connections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy that handles a coordinator's 503 {@code overloaded} or {@code shutting_down} (refused
   * before anything was done) by pausing as its {@code Retry-After} asks, at most {@code
   * maxPause} (with jitter, so that refused clients do not return together), and sending the same
   * request again, at most {@code waits} times per request; then the call fails with {@link
   * CoordinatorOverloadedException}. 0 waits fails at the first such 503.
   */
  public ClientOptions withOverloadBackoff(int waits, Duration maxPause) {
    if (waits < 0) {
      throw new IllegalArgumentException("waits must be >= 0: " + waits);
    }
    Objects.requireNonNull(maxPause, "maxPause");
    if (maxPause.isNegative()) {
      throw new IllegalArgumentException("maxPause must not be negative: " + maxPause);
    }
    int overloadWaits = waits;
    Duration maxOverloadPause = maxPause;
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy that trusts the CA certificate(s) in a PEM file for {@code https://} URLs (e.g. the
   * {@code ca.pem} of {@code ringtx certs dev}), instead of the JVM's default trust store. The
   * file is read when the client is created.
   */
  public ClientOptions withTrustedCa(Path pemFile) {
    Objects.requireNonNull(pemFile, "pemFile");
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, pemFile, bearerToken, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy that sends {@code Authorization: Bearer <token>} with every request, for a coordinator
   * that requires a token (without it, every call is refused with 401: a {@link
   * RequestRejectedException} whose {@code status()} is 401).
   */
  public ClientOptions withBearerToken(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || !token.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new IllegalArgumentException("a bearer token is visible ASCII without spaces");
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, token, directReads,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy that reads through the coordinator only ({@code false}) or, as by default, straight
   * from the participant that owns each key ({@code true}). Both read the same: the participant
   * serves a client's read exactly as the coordinator's; reading from the owner saves a hop
   * (DESIGN §2). The client learns the ring from the coordinator's {@code GET /v1/routing} and
   * reads through the coordinator while it does not know it, when a participant refuses a key
   * ({@code not_owner}: the ring moved) or does not answer.
   */
  public ClientOptions withDirectReads(boolean direct) {
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, direct,
        maxCommitBatch, directCommits, maxReadBatch);
  }

  /**
   * A copy that sends at most {@code max} commits in one request. While a commit of the client
   * is under way, the commits that its transactions reach while its event loop handles one
   * wake-up (many transactions under way at once, as with {@link RingTxClient#runAsync}) go to
   * the coordinator together, in one {@code POST /v1/txns}, which saves a request, an answer and
   * their system calls per transaction at both ends; each is still its own transaction, with its
   * own outcome. A commit with none under way goes at once as {@code POST /v1/txn}, as does every
   * re-send. 1 turns batching off; the default is {@link #DEFAULT_MAX_COMMIT_BATCH}.
   */
  public ClientOptions withMaxCommitBatch(int max) {
    if (max < 1 || max > MAX_COMMIT_BATCH_LIMIT) {
      throw new IllegalArgumentException(
          "maxCommitBatch must be 1.." + MAX_COMMIT_BATCH_LIMIT + ", got " + max);
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        max, directCommits, maxReadBatch);
  }

  /**
   * A copy that sends every commit to the coordinator ({@code false}) or, as by default, sends a
   * transaction whose every key (read or written) one participant owns straight to that
   * participant ({@code true}), which commits it in one phase exactly as it does for a
   * coordinator (DESIGN §3 step 1), with the same outcome and the same at-most-once rule: the
   * participant logs the outcome under the transaction's id and answers a re-send from its log.
   * This saves the coordinator's two hops and its work. Only the first send goes to the
   * participant; a send that learns no outcome is followed by re-sends to the coordinator, which
   * routes them to the same owner. A participant that does not take commits (404) turns direct
   * commits off for the client; one that no longer owns a key aborts the transaction with {@code
   * NOT_OWNER}, which is retried once the client has asked for the ring again. Needs the ring,
   * as {@link #withDirectReads} does.
   */
  public ClientOptions withDirectCommits(boolean direct) {
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, direct, maxReadBatch);
  }

  /**
   * A copy that gathers at most {@code max} reads into one request. While a read of the client
   * is under way at a node, the reads that its transactions ask of the same node while its event
   * loop handles one wake-up (many transactions under way at once, as with {@link
   * RingTxClient#runAsync}) go together in one {@code POST /v1/read} of all their keys (a key
   * two of them read is read once, and both see that read), at most {@value
   * #READ_BATCH_MAX_KEYS} keys per request. Every transaction still validates at commit what it
   * read, so a read shared by transactions asked at the same moment is as current for each as a
   * read of its own. A read with none under way goes at once. 1 turns gathering off; the default
   * is {@link #DEFAULT_MAX_READ_BATCH}.
   */
  public ClientOptions withMaxReadBatch(int max) {
    if (max < 1 || max > MAX_READ_BATCH_LIMIT) {
      throw new IllegalArgumentException(
          "maxReadBatch must be 1.." + MAX_READ_BATCH_LIMIT + ", got " + max);
    }
    return new ClientOptions(
        vertx, clientId, maxAttempts, baseBackoff, maxBackoff, requestTimeout, commitSends,
        maxConnections, overloadWaits, maxOverloadPause, trustedCa, bearerToken, directReads,
        maxCommitBatch, directCommits, max);
  }

  /** The most reads gathered into one request (1: each alone). */
  public int maxReadBatch() {
    return maxReadBatch;
  }

  /** Whether one-shard commits go straight to the owning participant when the ring is known. */
  public boolean directCommits() {
    return directCommits;
  }

  /** The most commits sent in one request (1: no batching). */
  public int maxCommitBatch() {
    return maxCommitBatch;
  }

  /** Whether reads go straight to the owning participant when the ring is known. */
  public boolean directReads() {
    return directReads;
  }

  /** The PEM file of trusted CA certificates, if one was given. */
  public Optional<Path> trustedCa() {
    return Optional.ofNullable(trustedCa);
  }

  /** The bearer token sent with every request, if one was given. */
  public Optional<String> bearerToken() {
    return Optional.ofNullable(bearerToken);
  }

  /** Waits per request on a 503 overloaded or shutting_down. */
  public int overloadWaits() {
    return overloadWaits;
  }

  /** The longest pause after one 503 overloaded or shutting_down. */
  public Duration maxOverloadPause() {
    return maxOverloadPause;
  }

  /** The caller's Vert.x instance, if one was given. */
  public Optional<Vertx> vertx() {
    return Optional.ofNullable(vertx);
  }

  /** The fixed client id, if one was given. */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /** Attempts per {@link RingTxClient#run}. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first backoff ceiling. */
  public Duration baseBackoff() {
    return baseBackoff;
  }

  /** The largest backoff ceiling. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** The longest wait for one HTTP answer. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Sends of one commit before asking for its outcome. */
  public int commitSends() {
    return commitSends;
  }

  /** Pooled HTTP connections. */
  public int maxConnections() {
    return maxConnections;
  }

  @Override
  public String toString() {
    return "ClientOptions{clientId="
        + clientId
        + ", maxAttempts="
        + maxAttempts
        + ", backoff="
        + baseBackoff.toMillis()
        + ".."
        + maxBackoff.toMillis()
        + " ms, requestTimeout="
        + requestTimeout.toMillis()
        + " ms, commitSends="
        + commitSends
        + ", maxConnections="
        + maxConnections
        + ", overloadWaits="
        + overloadWaits
        + ", maxOverloadPause="
        + maxOverloadPause.toMillis()
        + " ms, trustedCa="
        + trustedCa
        + ", bearerToken="
        + (bearerToken == null ? "none" : "set")
        + ", directReads="
        + directReads
        + ", maxCommitBatch="
        + maxCommitBatch
        + ", directCommits="
        + directCommits
        + ", maxReadBatch="
        + maxReadBatch
        + ", ownVertx="
        + (vertx == null)
        + "}";
  }
}
