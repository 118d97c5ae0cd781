package io.ringtx.dist.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.client.ClientOptions;
import io.ringtx.dist.config.NodeConfig.Role;
import io.ringtx.protocol.security.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shape of a process cluster, kept in {@code DIR/cluster.json} so that starting it again
 * reuses the same node ids, ports and directories: the cluster's name, the host every node
 * binds, the settings and JVM options given to every node, and one entry per node with its role
 * and ports.
 */
public record ClusterLayout(
    int format,
    String clusterName,
    String host,
    Map<String, String> settings,
    List<String> jvmOptions,
    List<Node> nodes) {

  /** The version of this file's format; a reader refuses any other. */
  public static final int FORMAT = 1;

  /** Every node binds loopback only (STYLE §6; the local cluster). */
  public static final String HOST = "127.0.0.1";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  /**
   * One node: its id, role and ports (bus port 0: the node picks one and reports it); for a
   * participant, whether it was {@code added} to the running ring ({@code ringtx cluster add})
   * rather than being an initial member, and whether it has {@code left} it ({@code ringtx
   * cluster leave}): a node that left is kept for its logs and data but never started again.
   */
  public record Node(String id, Role role, int hazelcastPort, int httpPort, int busPort,
      Boolean added, Boolean left) {
    /** Validates; a layout written before nodes could be added or leave has neither field. */
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(role, "role");
      added = Boolean.TRUE.equals(added);
      left = Boolean.TRUE.equals(left);
    }

    /** An initial node. */
    public Node(String id, Role role, int hazelcastPort, int httpPort, int busPort) {
      this(id, role, hazelcastPort, httpPort, busPort, false, false);
    }

    /** This node, marked as having left the ring. */
    public Node leaving() {
      return new Node(id, role, hazelcastPort, httpPort, busPort, added, true);
    }
  }

  public ClusterLayout {
    settings = Map.copyOf(settings == null ? Map.of() : settings);
    jvmOptions = List.copyOf(jvmOptions == null ? List.of() : jvmOptions);
    nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
  }

  /**
   * Lays out a new cluster: ids {@code p1..pN} then {@code c1..cM}, and a hazelcast and an HTTP
   * port for every node from {@code ports}, all distinct.
   */
  public static ClusterLayout plan(ClusterSpec spec, PortAllocator ports) {
    int n = spec.participants() + spec.coordinators();
    List<Integer> free = ports.allocate(2 * n);
    if (free.size() != 2 * n || new HashSet<>(free).size() != 2 * n) {
      throw new IllegalStateException("port allocator returned " + free + " for " + 2 * n);
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean participant = i < spec.participants();
      String id = participant ? "p" + (i + 1) : "c" + (i - spec.participants() + 1);
      nodes.add(new Node(id, participant ? Role.PARTICIPANT : Role.COORDINATOR,
          free.get(2 * i), free.get(2 * i + 1), 0));
    }
    String name = spec.clusterName() != null ? spec.clusterName() : freshName();
    return new ClusterLayout(FORMAT, name, HOST, spec.settings(), spec.jvmOptions(), nodes);
  }

  /** A name no other cluster on this machine is likely to have: the isolation boundary. */
  private static String freshName() {
    return String.format(Locale.ROOT, "ringtx-%08x", ThreadLocalRandom.current().nextInt());
  }

  /** The node named {@code id}, if there is one. */
  public Optional<Node> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }

  /** The node named {@code id}; an unknown id is a usage error listing the known ones. */
  public Node require(String id) {
    return node(id).orElseThrow(() -> ClusterException.usage(
        "unknown node '" + id + "' (nodes: " + String.join(", ", ids()) + ")"));
  }

  public List<String> ids() {
    return nodes.stream().map(Node::id).toList();
  }

  public List<Node> participants() {
    return nodes.stream().filter(n -> n.role() == Role.PARTICIPANT).toList();
  }

  /** The participants the cluster was laid out with: the initial members of the ring. */
  public List<Node> initialParticipants() {
    return participants().stream().filter(n -> !n.added()).toList();
  }

  /** Every node that has not left the ring: the ones to start, stop and check. */
  public List<Node> activeNodes() {
    return nodes.stream().filter(n -> !n.left()).toList();
  }

  /** This layout with one more node. */
  public ClusterLayout with(Node node) {
    List<Node> more = new ArrayList<>(nodes);
    more.add(node);
    return new ClusterLayout(format, clusterName, host, settings, jvmOptions, more);
  }

  /** This layout with {@code node} (same id) in place of the old entry. */
  public ClusterLayout replacing(Node node) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      out.add(n.id().equals(node.id()) ? node : n);
    }
    return new ClusterLayout(format, clusterName, host, settings, jvmOptions, out);
  }

  public List<Node> coordinators() {
    return nodes.stream().filter(n -> n.role() == Role.COORDINATOR).toList();
  }

  /** {@code host:hazelcastPort} of a node: what the others list in their seeds. */
  public String hazelcastAddress(Node node) {
    return host + ":" + node.hazelcastPort();
  }

  /**
   * The node's HTTP base URL: health on every node, the client API on coordinators; {@code
   * https://} when the cluster's settings turn TLS on.
   */
  public String url(Node node) {
    return (tls() ? "https://" : "http://") + host + ":" + node.httpPort();
  }

  /** Whether the cluster's settings turn TLS on (a {@code tlsCertFile}). */
  public boolean tls() {
    return !settings.getOrDefault("tlsCertFile", "").isBlank();
  }

  /** The CA file that the tools trust for {@code https://} URLs, if TLS is on. */
  public Optional<Path> trustedCa() {
    String ca = settings.getOrDefault("tlsCaFile", "");
    return tls() && !ca.isBlank() ? Optional.of(Path.of(ca)) : Optional.empty();
  }

  /**
   * The bearer token of the cluster's {@code apiTokenFile}, if it has one, read now.
   *
   * @throws ClusterException (failed) if the file cannot be read
   */
  public Optional<String> apiToken() {
    String file = settings.getOrDefault("apiTokenFile", "");
    if (file.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String(Pem.secret(Path.of(file)), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw ClusterException.failed("apiTokenFile: " + e.getMessage());
    }
  }

  /**
   * {@code base} with what a client of this cluster needs: the CA to trust when TLS is on, the
   * token when one is required.
   */
  public ClientOptions clientOptions(ClientOptions base) {
    ClientOptions o = base;
    Optional<Path> ca = trustedCa();
    if (ca.isPresent()) {
      o = o.withTrustedCa(ca.get());
    }
    Optional<String> token = apiToken();
    if (token.isPresent()) {
      o = o.withBearerToken(token.get());
    }
    return o;
  }

  /** The client API's URLs, one per coordinator, in id order. */
  public List<String> coordinatorUrls() {
    return coordinators().stream().map(this::url).toList();
  }

  /** Every problem with this layout, for a file that was edited or damaged; empty if none. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (format != FORMAT) {
      p.add("format " + format + " is not supported (this version reads " + FORMAT + ")");
    }
    if (clusterName == null || clusterName.isBlank()) {
      p.add("clusterName is missing");
    }
    if (host == null || host.isBlank()) {
      p.add("host is missing");
    }
    if (participants().isEmpty()) {
      p.add("no participant");
    }
    if (coordinators().isEmpty()) {
      p.add("no coordinator");
    }
    Set<String> ids = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (Node n : nodes) {
      if (!n.id().matches("[A-Za-z0-9._-]{1,64}")) {
        p.add("bad node id '" + n.id() + "'");
      }
      if (!ids.add(n.id())) {
        p.add("node id " + n.id() + " appears twice");
      }
      for (int port : new int[] {n.hazelcastPort(), n.httpPort()}) {
        if (port < 1 || port > 65535) {
          p.add(n.id() + ": port " + port + " is out of range");
        } else if (!ports.add(port)) {
          p.add(n.id() + ": port " + port + " is used twice");
        }
      }
      if (n.busPort() != 0 && !ports.add(n.busPort())) {
        p.add(n.id() + ": bus port " + n.busPort() + " is used twice");
      }
    }
    return p;
  }

  /** Writes the layout to {@code file} atomically: a reader never sees half a file. */
  public void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Reads and checks a layout file.
   *
   * @throws NoSuchFileException if there is no such file
   * @throws ClusterException (usage) if the file is not a valid layout
   */
  public static ClusterLayout read(Path file) throws IOException {
    ClusterLayout layout;
    try {
      layout = JSON.readValue(Files.readAllBytes(file), ClusterLayout.class);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw ClusterException.usage(file + ": not a cluster layout: " + e.getOriginalMessage());
    }
    List<String> problems = layout.problems();
    if (!problems.isEmpty()) {
      throw ClusterException.usage(file + ": " + String.join("; ", problems));
    }
    return layout;
  }
}
