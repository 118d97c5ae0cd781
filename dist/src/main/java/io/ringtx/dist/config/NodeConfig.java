package io.ringtx.dist.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.node.CrashPoint;
import io.ringtx.protocol.security.BearerToken;
import io.ringtx.protocol.security.ClusterSecret;
import io.ringtx.protocol.security.Pem;
import io.ringtx.protocol.security.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every setting of one node, as one flat record: the same keys are read from the config file
 * (JSON or YAML), from environment variables ({@code RINGTX_} + the key in upper snake case, e.g.
 * {@code RINGTX_HTTP_PORT}) and from flags ({@code --} + the key in kebab case, e.g. {@code
 * --http-port}); flags win over the environment, which wins over the file. Unknown keys are an
 * error. {@link #validate()} names every key with a bad value.
 *
 * <p>{@code crashPoint} and {@code crashAfter} are for tests and fault drills only: with a crash
 * point set, the node halts itself (exit code 137, like a kill -9) the {@code crashAfter}-th time
 * it reaches that point. Empty, the default, checks nothing.
 *
 * <p>Security settings, all off (empty) by default (docs/security.md): {@code tlsCertFile},
 * {@code tlsKeyFile} and {@code tlsCaFile} (all three or none) turn on TLS for the node's HTTP
 * endpoint and mutual TLS on the event bus; {@code apiTokenFile} makes every HTTP request but
 * {@code GET /health} carry that bearer token; {@code clusterSecretFile} is the secret a node
 * must share to join the cluster and be answered. Every file is read and checked at start.
 *
 * <p>{@code ringJoin}: a participant starting for the first time joins the running ring through
 * discovery and takes its ranges over by hand-off, instead of owning its share of the configured
 * ring from the start. {@code leaveOnShutdown}: a participant that gets SIGTERM first hands its
 * ranges over to its successors and leaves the ring (otherwise it stops and keeps them).
 *
 * <p>{@code transport}: {@code tcp} (default) or {@code eventbus}, see {@link Transport}.
 */
public record NodeConfig(
    @JsonProperty("nodeId") String nodeId,
    @JsonProperty("role") Role role,
    @JsonProperty("dataDir") String dataDir,
    @JsonProperty("clusterName") String clusterName,
    @JsonProperty("participants") List<String> participants,
    @JsonProperty("seeds") List<String> seeds,
    @JsonProperty("host") String host,
    @JsonProperty("hazelcastPort") int hazelcastPort,
    @JsonProperty("busPort") int busPort,
    @JsonProperty("httpPort") int httpPort,
    @JsonProperty("requestTimeoutMillis") long requestTimeoutMillis,
    @JsonProperty("voteTimeoutMillis") long voteTimeoutMillis,
    @JsonProperty("readyTimeoutMillis") long readyTimeoutMillis,
    @JsonProperty("maxQueryBackoffMillis") long maxQueryBackoffMillis,
    @JsonProperty("resendInitialMillis") long resendInitialMillis,
    @JsonProperty("resendMaxMillis") long resendMaxMillis,
    @JsonProperty("failureDetectionSeconds") int failureDetectionSeconds,
    @JsonProperty("recoveryWaitMillis") long recoveryWaitMillis,
    @JsonProperty("maxKeyBytes") int maxKeyBytes,
    @JsonProperty("maxValueBytes") int maxValueBytes,
    @JsonProperty("maxKeysPerTx") int maxKeysPerTx,
    @JsonProperty("maxInFlight") int maxInFlight,
    @JsonProperty("maxQueuedWork") int maxQueuedWork,
    @JsonProperty("retryAfterMillis") long retryAfterMillis,
    @JsonProperty("shutdownDrainMillis") long shutdownDrainMillis,
    @JsonProperty("crashPoint") String crashPoint,
    @JsonProperty("crashAfter") int crashAfter,
    @JsonProperty("tlsCertFile") String tlsCertFile,
    @JsonProperty("tlsKeyFile") String tlsKeyFile,
    @JsonProperty("tlsCaFile") String tlsCaFile,
    @JsonProperty("apiTokenFile") String apiTokenFile,
    @JsonProperty("clusterSecretFile") String clusterSecretFile,
    @JsonProperty("ringJoin") boolean ringJoin,
    @JsonProperty("leaveOnShutdown") boolean leaveOnShutdown,
    @JsonProperty("transport") Transport transport,
    @JsonProperty("rpcPort") int rpcPort,
    @JsonProperty("outcomeRetentionSeconds") long outcomeRetentionSeconds) {

  /**
   * How nodes of a process cluster send each other requests: {@code tcp} (the default), direct
   * TCP connections to each node's RPC server on {@code rpcPort}; {@code eventbus}, the
   * clustered Vert.x event bus on {@code busPort}. Every node of a cluster must use the same.
   */
  public enum Transport {
    TCP,
    EVENTBUS;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Transport parse(String s) {
      for (Transport t : values()) {
        if (t.wireName().equalsIgnoreCase(s)) {
          return t;
        }
      }
      throw new IllegalArgumentException("transport must be tcp or eventbus, got '" + s + "'");
    }
  }

  /** The role a node runs. */
  public enum Role {
    PARTICIPANT,
    COORDINATOR;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role parse(String s) {
      for (Role r : values()) {
        if (r.wireName().equalsIgnoreCase(s)) {
          return r;
        }
      }
      throw new IllegalArgumentException("role must be participant or coordinator, got '" + s + "'");
    }
  }

  /** Bounds of {@code outcomeRetentionSeconds}: a minute to 30 days. */
  public static final long MIN_OUTCOME_RETENTION_SECONDS = 60;
  public static final long MAX_OUTCOME_RETENTION_SECONDS = 30L * 24 * 3_600;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}");

  /** The defaults of every key that has one; nodeId, role, dataDir and participants have none. */
  public static NodeConfig defaults() {
    return new NodeConfig(null, null, null, "ringtx", List.of(), List.of(), "127.0.0.1", 5701, 0,
        0, 1_000, 2_000, 1_000, 2_000, 200, 5_000, 5, 30_000, 1024, 1024 * 1024, 10_000,
        1_000, 1_000, 200, 10_000, "", 1, "", "", "", "", "", false, false, Transport.TCP, 0,
        3_600);
  }

  /**
   * The crash point this node halts at ({@link #crashPoint} parsed), or empty: the normal case,
   * where no crash point is checked at all.
   */
  public Optional<CrashPoint> crashPointValue() {
    if (crashPoint == null || crashPoint.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(CrashPoint.valueOf(crashPoint.trim().toUpperCase(Locale.ROOT)));
  }

  /** Every problem with this configuration, each naming its key; empty if it is valid. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (nodeId == null || !ID.matcher(nodeId).matches()) {
      p.add("nodeId: required, 1-64 characters of [A-Za-z0-9._-] (got " + q(nodeId) + ")");
    }
    if (role == null) {
      p.add("role: required, participant or coordinator");
    }
    if (dataDir == null || dataDir.isBlank()) {
      p.add("dataDir: required");
    }
    if (clusterName == null || !ID.matcher(clusterName).matches()) {
      p.add("clusterName: 1-64 characters of [A-Za-z0-9._-] (got " + q(clusterName) + ")");
    }
    if (participants == null || participants.isEmpty()) {
      p.add("participants: required, the ids of the participants that share the key space");
    } else {
      for (String id : participants) {
        if (id == null || !ID.matcher(id).matches()) {
          p.add("participants: bad node id " + q(id));
        }
      }
      if (participants.stream().distinct().count() != participants.size()) {
        p.add("participants: ids must be distinct");
      }
      if (role == Role.PARTICIPANT && nodeId != null && !participants.contains(nodeId)) {
        p.add("participants: must include this participant's own id " + q(nodeId));
      }
    }
    if (seeds == null) {
      p.add("seeds: must be a list of host:port");
    } else {
      for (String s : seeds) {
        if (s == null || !HOST_PORT.matcher(s).matches()) {
          p.add("seeds: expected host:port, got " + q(s));
        }
      }
    }
    if (host == null || host.isBlank()) {
      p.add("host: required");
    }
    port(p, "hazelcastPort", hazelcastPort, false);
    port(p, "busPort", busPort, true);
    if (transport == null) {
      p.add("transport: must be tcp or eventbus");
    }
    port(p, "rpcPort", rpcPort, true);
    port(p, "httpPort", httpPort, true);
    positive(p, "requestTimeoutMillis", requestTimeoutMillis);
    positive(p, "voteTimeoutMillis", voteTimeoutMillis);
    positive(p, "readyTimeoutMillis", readyTimeoutMillis);
    positive(p, "resendInitialMillis", resendInitialMillis);
    if (maxQueryBackoffMillis < readyTimeoutMillis) {
      p.add("maxQueryBackoffMillis: must be >= readyTimeoutMillis");
    }
    if (resendMaxMillis < resendInitialMillis) {
      p.add("resendMaxMillis: must be >= resendInitialMillis");
    }
    if (failureDetectionSeconds < 1 || failureDetectionSeconds > 600) {
      p.add("failureDetectionSeconds: must be 1-600, got " + failureDetectionSeconds);
    }
    if (recoveryWaitMillis < 0) {
      p.add("recoveryWaitMillis: must be >= 0, got " + recoveryWaitMillis);
    }
    positive(p, "maxKeyBytes", maxKeyBytes);
    if (maxValueBytes < 0 || maxValueBytes > Json.MAX_STRING_LENGTH) {
      // A larger value could be accepted from a client but never reach a participant.
      p.add("maxValueBytes: must be 0-" + Json.MAX_STRING_LENGTH
          + " (the largest string nodes pass to each other), got " + maxValueBytes);
    }
    positive(p, "maxKeysPerTx", maxKeysPerTx);
    positive(p, "maxInFlight", maxInFlight);
    positive(p, "maxQueuedWork", maxQueuedWork);
    if (outcomeRetentionSeconds < MIN_OUTCOME_RETENTION_SECONDS
        || outcomeRetentionSeconds > MAX_OUTCOME_RETENTION_SECONDS) {
      p.add("outcomeRetentionSeconds: must be " + MIN_OUTCOME_RETENTION_SECONDS + "-"
          + MAX_OUTCOME_RETENTION_SECONDS + " (30 days), got " + outcomeRetentionSeconds);
    }
    if (retryAfterMillis < 0 || retryAfterMillis > 600_000) {
      p.add("retryAfterMillis: must be 0-600000, got " + retryAfterMillis);
    }
    if (shutdownDrainMillis < 0) {
      p.add("shutdownDrainMillis: must be >= 0, got " + shutdownDrainMillis);
    }
    crashPointProblems(p);
    securityProblems(p);
    return p;
  }

  private static boolean set(String s) {
    return s != null && !s.isBlank();
  }

  private void securityProblems(List<String> p) {
    int tlsKeys = (set(tlsCertFile) ? 1 : 0) + (set(tlsKeyFile) ? 1 : 0) + (set(tlsCaFile) ? 1 : 0);
    if (tlsKeys != 0 && tlsKeys != 3) {
      List<String> missing = new ArrayList<>();
      if (!set(tlsCertFile)) {
        missing.add("tlsCertFile");
      }
      if (!set(tlsKeyFile)) {
        missing.add("tlsKeyFile");
      }
      if (!set(tlsCaFile)) {
        missing.add("tlsCaFile");
      }
      p.add(String.join(", ", missing) + ": required with the other TLS settings (TLS needs "
          + "tlsCertFile, tlsKeyFile and tlsCaFile together, or none of them)");
    } else if (tlsKeys == 3) {
      tlsProblems(p);
    }
    if (set(apiTokenFile)) {
      try {
        String problem = BearerToken.problem(new String(Pem.secret(Path.of(apiTokenFile)),
            StandardCharsets.UTF_8));
        if (problem != null) {
          p.add("apiTokenFile: " + apiTokenFile + ": " + problem);
        }
      } catch (IllegalArgumentException e) {
        p.add("apiTokenFile: " + e.getMessage());
      }
    }
    if (set(clusterSecretFile)) {
      try {
        ClusterSecret.of(Pem.secret(Path.of(clusterSecretFile)));
      } catch (IllegalArgumentException e) {
        p.add("clusterSecretFile: " + (e.getMessage().startsWith(clusterSecretFile) ? ""
            : clusterSecretFile + ": ") + e.getMessage());
      }
    }
  }

  private void tlsProblems(List<String> p) {
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    List<X509Certificate> cas = null;
    try {
      chain = Pem.certificates(Path.of(tlsCertFile));
    } catch (IllegalArgumentException e) {
      p.add("tlsCertFile: " + e.getMessage());
    }
    try {
      key = Pem.privateKey(Path.of(tlsKeyFile));
    } catch (IllegalArgumentException e) {
      p.add("tlsKeyFile: " + e.getMessage());
    }
    try {
      cas = Pem.certificates(Path.of(tlsCaFile));
    } catch (IllegalArgumentException e) {
      p.add("tlsCaFile: " + e.getMessage());
    }
    if (chain != null && key != null && !Pem.matches(key, chain.get(0))) {
      p.add("tlsKeyFile: " + tlsKeyFile + ": this key does not belong to the certificate in "
          + tlsCertFile);
    }
    if (chain != null && cas != null && !signedByOneOf(chain.get(0), cas)) {
      // Nodes present this certificate to each other: a CA that did not sign it means every
      // other node of the cluster would refuse this one.
      p.add("tlsCaFile: " + tlsCaFile + ": holds no CA that signed the certificate in "
          + tlsCertFile + " (other nodes would refuse this node)");
    }
  }

  private static boolean signedByOneOf(X509Certificate cert, List<X509Certificate> cas) {
    for (X509Certificate ca : cas) {
      try {
        cert.verify(ca.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // Not this one.
      }
    }
    return false;
  }

  /** The node's TLS files, if TLS is on. */
  public Optional<TlsFiles> tlsFiles() {
    return set(tlsCertFile)
        ? Optional.of(new TlsFiles(Path.of(tlsCertFile), Path.of(tlsKeyFile), Path.of(tlsCaFile)))
        : Optional.empty();
  }

  /** The token every HTTP request but {@code /health} must carry, if one is configured. */
  public Optional<BearerToken> apiToken() {
    return set(apiTokenFile)
        ? Optional.of(BearerToken.of(new String(Pem.secret(Path.of(apiTokenFile)),
            StandardCharsets.UTF_8)))
        : Optional.empty();
  }

  /** The cluster secret, if one is configured. */
  public Optional<ClusterSecret> clusterSecret() {
    return set(clusterSecretFile)
        ? Optional.of(ClusterSecret.of(Pem.secret(Path.of(clusterSecretFile))))
        : Optional.empty();
  }

  private void crashPointProblems(List<String> p) {
    positive(p, "crashAfter", crashAfter);
    if (crashPoint == null || crashPoint.isBlank()) {
      return;
    }
    CrashPoint point;
    try {
      point = crashPointValue().orElseThrow();
    } catch (IllegalArgumentException e) {
      p.add("crashPoint: must be empty (none) or one of " + Arrays.toString(CrashPoint.values())
          + ", got " + q(crashPoint));
      return;
    }
    if (role != null) {
      CrashPoint.Side side =
          role == Role.COORDINATOR ? CrashPoint.Side.COORDINATOR : CrashPoint.Side.PARTICIPANT;
      if (point.side() != side) {
        p.add("crashPoint: " + point + " is a " + point.side().name().toLowerCase(Locale.ROOT)
            + " point; a " + role.wireName() + " has " + CrashPoint.of(side));
      }
    }
  }

  /** Throws {@link ConfigException} listing every problem, if there is any. */
  public NodeConfig validate() {
    List<String> p = problems();
    if (!p.isEmpty()) {
      throw new ConfigException(p);
    }
    return this;
  }

  private static void port(List<String> p, String key, int port, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      p.add(key + ": must be " + (zeroAllowed ? "0 (any free port)" : "1") + "-65535, got " + port);
    }
  }

  private static void positive(List<String> p, String key, long v) {
    if (v <= 0) {
      p.add(key + ": must be > 0, got " + v);
    }
  }

  private static String q(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }
}
