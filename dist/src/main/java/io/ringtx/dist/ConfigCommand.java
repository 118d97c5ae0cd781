package io.ringtx.dist;

import io.ringtx.dist.config.ConfigLoader;
import io.ringtx.dist.config.NodeConfig;
import io.ringtx.protocol.node.CrashPoint;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ringtx config}: the configuration format. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Node configuration.",
    subcommands = {ConfigCommand.Example.class})
final class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** What each key means; the order is the order of the example. */
  static final Map<String, String> DOCS = new LinkedHashMap<>();

  static {
    DOCS.put("nodeId", "This node's id, unique in the cluster (p1, c1, ...). Required.");
    DOCS.put("role", "participant or coordinator; set by the command (ringtx participant|coordinator).");
    DOCS.put("dataDir", "Where this node keeps its store; one directory per node. Required.");
    DOCS.put("clusterName", "Nodes join only a cluster of the same name.");
    DOCS.put("participants", "Ids of every participant that shares the key space. Required.");
    DOCS.put("seeds", "Hazelcast members (host:port) to join through; empty for the first one.");
    DOCS.put("host", "Address every server of this node binds to. Loopback by default.");
    DOCS.put("hazelcastPort", "Hazelcast port of this node (discovery and membership).");
    DOCS.put("busPort", "Event bus port between nodes; 0 picks a free port.");
    DOCS.put("transport", "How nodes send each other requests: tcp (direct connections to each node's RPC server on rpcPort; the faster) or eventbus (the clustered Vert.x event bus on busPort). The same on every node.");
    DOCS.put("rpcPort", "With transport tcp: port of this node's RPC server; 0 picks a free port (published through discovery).");
    DOCS.put("httpPort", "HTTP port: client API on a coordinator, health and metrics on all; 0 picks one.");
    DOCS.put("requestTimeoutMillis", "Deadline of one request between nodes (retransmitted within it).");
    DOCS.put("voteTimeoutMillis", "Coordinator: votes missing after this long abort the transaction.");
    DOCS.put("readyTimeoutMillis", "Participant: READY this long without a decision asks for it.");
    DOCS.put("maxQueryBackoffMillis", "Participant: longest pause between two such questions.");
    DOCS.put("resendInitialMillis", "Coordinator: first pause before resending an unacknowledged decision.");
    DOCS.put("resendMaxMillis", "Coordinator: longest pause between resends.");
    DOCS.put("failureDetectionSeconds", "A member silent this long is declared gone.");
    DOCS.put("recoveryWaitMillis", "Coordinator: longest wait, at start, for the commits in its log to be acknowledged, and then for every participant to answer, before it serves clients.");
    DOCS.put("maxKeyBytes", "Largest key, in UTF-8 bytes.");
    DOCS.put("maxValueBytes", "Largest value, in UTF-8 bytes: at most 16777216 (16 MiB).");
    DOCS.put("maxKeysPerTx", "Most distinct keys one transaction may read and write.");
    DOCS.put("maxInFlight", "Coordinator: most commits and reads in flight at once; one more is refused at once with 503 overloaded and Retry-After, never queued.");
    DOCS.put("maxQueuedWork", "Participant: most requests parked behind a commit plus log writes in flight; beyond it new reads and prepares are refused as OVERLOADED (the transaction aborts, nothing applied).");
    DOCS.put("retryAfterMillis", "Coordinator: pause suggested to refused clients (Retry-After, rounded up to whole seconds, and retryAfterMillis in the body).");
    DOCS.put("shutdownDrainMillis", "Coordinator: longest wait on SIGTERM for transactions in flight to be answered and acknowledged before the node stops; new ones get 503 shutting_down meanwhile.");
    DOCS.put("outcomeRetentionSeconds", "Coordinator: how long an outcome is kept to answer a retried commit (DESIGN §2); every node: how long a finished transaction stays in its log and index to answer late or duplicated messages, after which it is pruned (checked every minute). Transactions in doubt or not yet acknowledged are never pruned.");
    DOCS.put("crashPoint", "Tests and fault drills only: halt this node (exit 137, as kill -9) at this point of 2PC. "
        + "Empty: none. Coordinator: " + CrashPoint.of(CrashPoint.Side.COORDINATOR)
        + "; participant: " + CrashPoint.of(CrashPoint.Side.PARTICIPANT) + ".");
    DOCS.put("crashAfter", "With crashPoint: halt the Nth time the point is reached, so that N-1 transactions pass it first.");
    DOCS.put("tlsCertFile", "TLS (docs/security.md): this node's certificate (PEM). With tlsKeyFile and tlsCaFile, "
        + "the HTTP endpoint serves HTTPS and the connections between nodes (TCP or event bus) use mutual TLS. Empty: off. "
        + "'ringtx certs dev DIR' makes a set to try it.");
    DOCS.put("tlsKeyFile", "TLS: the private key of tlsCertFile (PEM, PKCS#8: -----BEGIN PRIVATE KEY-----).");
    DOCS.put("tlsCaFile", "TLS: the CA certificate(s) (PEM) that signed every node's certificate; "
        + "a node presenting any other certificate to another node is refused.");
    DOCS.put("apiTokenFile", "A file holding the bearer token (16+ visible ASCII characters) that every HTTP "
        + "request except GET /health must send as 'Authorization: Bearer TOKEN'; others get 401. Empty: no token.");
    DOCS.put("clusterSecretFile", "A file holding the cluster secret (16+ bytes), the same on every node: a node "
        + "with another secret cannot join (RTX-8101 on the refusing side) and its requests to other nodes "
        + "are refused (RTX-8102). Empty: none.");
    DOCS.put("ringJoin", "Participant: on its first start, join the running ring through discovery and take its ranges over by hand-off (ringtx cluster add sets it).");
    DOCS.put("leaveOnShutdown", "Participant: on SIGTERM, hand every range over to its successors and leave the ring before stopping (otherwise it stops keeping its ranges).");
  }

  /** {@code ringtx config example}: a full, commented YAML file with every default. */
  @Command(name = "example", mixinStandardHelpOptions = true,
      description = "Prints a commented configuration file with every key and its default.")
  static final class Example implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(example());
      out.flush();
      return 0;
    }
  }

  /** The example file: every key, documented, with its default or a sample value. */
  static String example() {
    NodeConfig d = NodeConfig.defaults();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("nodeId", "p1");
    values.put("role", "participant");
    values.put("dataDir", "/var/lib/ringtx/p1");
    values.put("clusterName", d.clusterName());
    values.put("participants", "[p1, p2, p3]");
    values.put("seeds", "[\"127.0.0.1:5701\", \"127.0.0.1:5702\", \"127.0.0.1:5703\"]");
    values.put("host", d.host());
    values.put("hazelcastPort", Integer.toString(d.hazelcastPort()));
    values.put("busPort", Integer.toString(d.busPort()));
    values.put("transport", d.transport().wireName());
    values.put("rpcPort", Integer.toString(d.rpcPort()));
    values.put("httpPort", Integer.toString(d.httpPort()));
    values.put("requestTimeoutMillis", Long.toString(d.requestTimeoutMillis()));
    values.put("voteTimeoutMillis", Long.toString(d.voteTimeoutMillis()));
    values.put("readyTimeoutMillis", Long.toString(d.readyTimeoutMillis()));
    values.put("maxQueryBackoffMillis", Long.toString(d.maxQueryBackoffMillis()));
    values.put("resendInitialMillis", Long.toString(d.resendInitialMillis()));
    values.put("resendMaxMillis", Long.toString(d.resendMaxMillis()));
    values.put("failureDetectionSeconds", Integer.toString(d.failureDetectionSeconds()));
    values.put("recoveryWaitMillis", Long.toString(d.recoveryWaitMillis()));
    values.put("maxKeyBytes", Integer.toString(d.maxKeyBytes()));
    values.put("maxValueBytes", Integer.toString(d.maxValueBytes()));
    values.put("maxKeysPerTx", Integer.toString(d.maxKeysPerTx()));
    values.put("maxInFlight", Integer.toString(d.maxInFlight()));
    values.put("maxQueuedWork", Integer.toString(d.maxQueuedWork()));
    values.put("retryAfterMillis", Long.toString(d.retryAfterMillis()));
    values.put("shutdownDrainMillis", Long.toString(d.shutdownDrainMillis()));
    values.put("outcomeRetentionSeconds", Long.toString(d.outcomeRetentionSeconds()));
    values.put("crashPoint", "\"" + d.crashPoint() + "\"");
    values.put("crashAfter", Integer.toString(d.crashAfter()));
    values.put("tlsCertFile", "\"\"");
    values.put("tlsKeyFile", "\"\"");
    values.put("tlsCaFile", "\"\"");
    values.put("apiTokenFile", "\"\"");
    values.put("clusterSecretFile", "\"\"");
    values.put("ringJoin", Boolean.toString(d.ringJoin()));
    values.put("leaveOnShutdown", Boolean.toString(d.leaveOnShutdown()));
    if (!values.keySet().equals(ConfigLoader.keys()) || !DOCS.keySet().equals(ConfigLoader.keys())) {
      throw new IllegalStateException("the example does not cover every configuration key");
    }
    StringBuilder b = new StringBuilder();
    b.append("# RingTx node configuration (YAML; JSON with the same keys works too).\n")
        .append("# Every key can also be given as a flag (--kebab-case-key VALUE) or an environment\n")
        .append("# variable (RINGTX_UPPER_SNAKE_KEY); flags win over the environment, which wins\n")
        .append("# over this file. Unknown keys are an error.\n");
    values.forEach((k, v) -> b.append("\n# ").append(DOCS.get(k)).append('\n')
        .append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }
}
