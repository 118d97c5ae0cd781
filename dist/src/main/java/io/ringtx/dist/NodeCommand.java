package io.ringtx.dist;

import io.ringtx.dist.config.ConfigException;
import io.ringtx.dist.config.ConfigLoader;
import io.ringtx.dist.config.NodeConfig;
import io.ringtx.dist.node.NodeProcess;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Runs one node of a multi-process cluster in the foreground until SIGTERM or Ctrl-C. Settings
 * come from {@code --config FILE}, {@code RINGTX_*} environment variables and {@code --key value}
 * flags for any key of the configuration (see {@code ringtx config example}).
 */
abstract class NodeCommand implements java.util.concurrent.Callable<Integer> {
  /** How long a SIGTERM waits for the hand-offs of a graceful leave. */
  private static final long LEAVE_SECONDS = 120;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (JSON or YAML).")
  Path config;

  @Unmatched List<String> settings = new ArrayList<>();

  abstract NodeConfig.Role role();

  @Override
  public Integer call() throws Exception {
    NodeConfig cfg;
    try {
      // The command sets the role; a file may repeat it but must not contradict it.
      Object fileRole = config == null ? null : ConfigLoader.fileSetting(config, "role");
      if (fileRole != null && !role().wireName().equalsIgnoreCase(String.valueOf(fileRole))) {
        throw new ConfigException("role: " + config + " says '" + fileRole + "' but this is 'ringtx "
            + role().wireName() + "'");
      }
      // Likewise a --role flag. The command's role goes first, not last: after a last flag
      // given without its value it would be taken as that value.
      for (int i = 0; i < settings.size(); i++) {
        String f = settings.get(i);
        String given = f.startsWith("--role=") ? f.substring("--role=".length())
            : f.equals("--role") && i + 1 < settings.size() ? settings.get(i + 1) : null;
        if (given != null && !role().wireName().equalsIgnoreCase(given)) {
          throw new ConfigException("--role: '" + given + "' but this is 'ringtx "
              + role().wireName() + "'");
        }
      }
      List<String> flags = new ArrayList<>(List.of("--role", role().wireName()));
      flags.addAll(settings);
      cfg = ConfigLoader.load(config, System.getenv(), flags);
    } catch (ConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    NodeProcess node = NodeProcess.start(cfg);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (node.leavesOnShutdown()) {
        // leaveOnShutdown: hand the ranges over before stopping (DESIGN §4 graceful leave).
        try {
          node.leaveRing(LEAVE_SECONDS);
        } catch (Exception e) {
          System.err.println("RTX-2106 leaving the ring on shutdown failed: " + e
              + "; stopping anyway, the unfinished hand-offs resume at the next start");
        }
      }
      node.close();
      stopped.countDown();
    }, "ringtx-shutdown"));
    out.println("ringtx " + role().wireName() + " " + cfg.nodeId() + " serving at "
        + node.runtime().url() + " (cluster " + cfg.clusterName() + ")");
    out.flush();
    stopped.await();
    return 0;
  }

  /** {@code ringtx participant}. */
  @picocli.CommandLine.Command(name = "participant", mixinStandardHelpOptions = true,
      description = "Runs a participant (shard server) until SIGTERM.")
  static final class Participant extends NodeCommand {
    @Override
    NodeConfig.Role role() {
      return NodeConfig.Role.PARTICIPANT;
    }
  }

  /** {@code ringtx coordinator}. */
  @picocli.CommandLine.Command(name = "coordinator", mixinStandardHelpOptions = true,
      description = "Runs a coordinator (client API and 2PC) until SIGTERM.")
  static final class Coordinator extends NodeCommand {
    @Override
    NodeConfig.Role role() {
      return NodeConfig.Role.COORDINATOR;
    }
  }
}
