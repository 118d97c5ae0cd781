package io.ringtx.dist;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.Decision;
import io.ringtx.protocol.message.TxState;
import io.ringtx.protocol.security.Pem;
import io.ringtx.recovery.Formats;
import io.ringtx.recovery.LiveSource;
import io.ringtx.recovery.OfflineSource;
import io.ringtx.recovery.RecoveryException;
import io.ringtx.recovery.RecoveryTool;
import io.ringtx.recovery.Source;
import io.ringtx.recovery.TxView;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ringtx recovery}: see, explain and resolve transactions in doubt, on a live cluster
 * ({@code --cluster URL} of a coordinator) or on stopped nodes' data ({@code --data-dir DIR},
 * opened read-only; a directory a running node holds is refused). The work is done by {@link
 * RecoveryTool}. Exit codes: 0 done, 1 a problem found or a decision refused, 2 bad usage or
 * unusable input (unreachable cluster, locked or empty data directory).
 */
@Command(
    name = "recovery",
    header = "Shows, explains and resolves transactions in doubt, live or on stopped nodes' data.",
    mixinStandardHelpOptions = true,
    description = {
      "See, explain and resolve transactions in doubt: on a live cluster (--cluster URL of a "
      + "coordinator) or on stopped nodes' data (--data-dir DIR: a node's data directory or a "
      + "cluster directory; read-only, and refused while a node runs on it)."
    },
    subcommands = {
      RecoveryCommand.ListTxs.class,
      RecoveryCommand.Show.class,
      RecoveryCommand.Resolve.class,
      RecoveryCommand.Dump.class,
      RecoveryCommand.Verify.class
    })
final class RecoveryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** Where to look: exactly one of a live cluster or data directories. */
  static final class Where {
    @Option(names = "--cluster", paramLabel = "URL", required = true,
        description = "A coordinator's URL, e.g. http://127.0.0.1:8080.")
    String cluster;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true,
        description = "A stopped node's data directory, or a cluster directory (cluster.json).")
    Path dataDir;
  }

  /** Durations with days too: 30s, 5m, 2h, 1d, 500ms, PT1H. */
  static final class AgeConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Formats.parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** What every subcommand shares: output, exit codes, opening the source. */
  abstract static class Sub implements Callable<Integer> {
    @Spec CommandSpec spec;

    PrintWriter out;
    PrintWriter err;

    abstract int run(RecoveryTool tool) throws Exception;

    @Override
    public Integer call() throws Exception {
      out = spec.commandLine().getOut();
      err = spec.commandLine().getErr();
      try {
        return run(new RecoveryTool(out, err, Clock.systemUTC()));
      } catch (RecoveryException e) {
        err.println("ringtx recovery: " + e.getMessage());
        return RecoveryTool.USAGE;
      } finally {
        out.flush();
        err.flush();
      }
    }

    @Option(names = "--ca-file", paramLabel = "PEM",
        description = "With --cluster: CA certificate(s) to trust for an https:// cluster.")
    Path caFile;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "With --cluster: a file holding the bearer token the cluster requires.")
    Path tokenFile;

    /** On a data directory, --ca-file and --token-file would do nothing: say so, not ignore. */
    void onlyWithCluster() {
      if (caFile != null || tokenFile != null) {
        String option = caFile != null ? "--ca-file" : "--token-file";
        throw new ParameterException(spec.commandLine(),
            option + " applies to --cluster only; a data directory is read from disk");
      }
    }

    Source open(Where w) {
      if (w.cluster == null) {
        onlyWithCluster();
        return OfflineSource.open(w.dataDir);
      }
      if (caFile != null) {
        // Checked here, as ringtx ring does: an unreadable CA would otherwise surface as a
        // connection that never answers, or not at all for an http:// URL.
        try {
          Pem.certificates(caFile);
        } catch (IllegalArgumentException e) {
          throw new RecoveryException("--ca-file " + e.getMessage());
        }
      }
      String token = null;
      if (tokenFile != null) {
        try {
          token = new String(Pem.secret(tokenFile), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new RecoveryException("--token-file " + e.getMessage());
        }
      }
      return LiveSource.connect(w.cluster, caFile, token);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      header = "Lists every transaction not finished, with its state at each node and why.",
      description = {"Every transaction not finished (or decided heuristically): its state at "
          + "each node, age, locks held and why it is not finished."})
  static final class ListTxs extends Sub {
    @ArgGroup(multiplicity = "1") Where where;

    @Option(names = "--state", paramLabel = "S",
        description = "Only these: a status (BLOCKED, COORDINATOR_DOWN, WAITING_FOR_ACKS, "
            + "HEURISTIC, HEURISTIC_MISMATCH, ...) or a node state (READY, COMMIT, ...).")
    String state;

    @Option(names = "--older-than", paramLabel = "D", converter = AgeConverter.class,
        description = "Only those whose first log record is older than D (30s, 5m, 2h, 1d).")
    Duration olderThan;

    @Option(names = "--json", description = "JSON for scripts instead of a table.")
    boolean json;

    @Override
    int run(RecoveryTool tool) {
      checkState(spec, state);
      try (Source s = open(where)) {
        return tool.list(s, new RecoveryTool.ListOptions(state, olderThan, json));
      }
    }
  }

  /**
   * --state names a status or a node state; a misspelt one would otherwise match nothing and
   * list no transaction, which reads as "none blocked".
   */
  private static void checkState(CommandSpec spec, String state) {
    if (state == null) {
      return;
    }
    String want = state.toUpperCase(Locale.ROOT);
    boolean known = Arrays.stream(TxView.Status.values()).anyMatch(v -> v.name().equals(want))
        || Arrays.stream(TxState.values()).anyMatch(v -> v.name().equals(want));
    if (!known) {
      throw new ParameterException(spec.commandLine(), "--state must be a status "
          + Arrays.toString(TxView.Status.values()) + " or a node state "
          + Arrays.toString(TxState.values()) + ", got '" + state + "'");
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      header = "Shows the whole story of one transaction from every log that knows it.",
      description = {"The whole story of one transaction from every log that knows it: records "
          + "in order with timestamps, participants, keys written, messages still owed."})
  static final class Show extends Sub {
    @Parameters(index = "0", paramLabel = "TXID") String tx;

    @ArgGroup(multiplicity = "1") Where where;

    @Option(names = "--values", description = "Show the values written, not only the keys.")
    boolean values;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Override
    int run(RecoveryTool tool) {
      TxId id = txId(spec, tx);
      try (Source s = open(where)) {
        return tool.show(s, id, values, json);
      }
    }
  }

  @Command(name = "resolve", mixinStandardHelpOptions = true,
      description = {"Finishes a transaction whose outcome can be learned, with that outcome only.",
          "A blocked one (every participant READY, coordinator down) only with --force: a "
          + "HEURISTIC decision, recorded as such at every participant and reported loudly if "
          + "the coordinator later turns out to have decided otherwise. With --data-dir (every "
          + "node stopped) the decision is written into the participants' stores."})
  static final class Resolve extends Sub {
    @Parameters(index = "0", paramLabel = "TXID") String tx;

    @ArgGroup(multiplicity = "1") Where where;

    @ArgGroup(multiplicity = "1") Choice choice;

    static final class Choice {
      @Option(names = "--commit", required = true, description = "Commit it.") boolean commit;

      @Option(names = "--abort", required = true, description = "Abort it.") boolean abort;
    }

    @Option(names = "--force",
        description = "Allow a heuristic decision for a blocked transaction.")
    boolean force;

    @Option(names = "--operator", paramLabel = "NAME",
        description = "Who decides, recorded with a heuristic decision (default: the user name).")
    String operator;

    private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    @Override
    int run(RecoveryTool tool) {
      TxId id = txId(spec, tx);
      String who = operator != null ? operator
          : System.getProperty("user.name", "operator").replaceAll("[^A-Za-z0-9._@-]", "_");
      if (who.length() > 64) {
        who = who.substring(0, 64);
      }
      if (!OPERATOR.matcher(who).matches()) {
        throw new ParameterException(spec.commandLine(),
            "--operator must be 1-64 characters of [A-Za-z0-9._@-], got '" + who + "'");
      }
      try (Source s = open(where)) {
        return tool.resolve(s, id, choice.commit ? Decision.COMMIT : Decision.ABORT, force, who);
      }
    }
  }

  @Command(name = "dump", mixinStandardHelpOptions = true,
      description = "A stopped node's stable log (or every node's of a cluster directory).")
  static final class Dump extends Sub {
    @Option(names = "--data-dir", paramLabel = "DIR", required = true,
        description = "A stopped node's data directory, or a cluster directory.")
    Path dataDir;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1",
        description = "First sequence number to print (default: ${DEFAULT-VALUE}).")
    long from;

    @Option(names = "--json", description = "One JSON object per line instead of text.")
    boolean json;

    @Override
    int run(RecoveryTool tool) {
      if (from < 1) {
        throw new ParameterException(spec.commandLine(), "--from must be at least 1, was " + from);
      }
      onlyWithCluster();
      try (OfflineSource s = OfflineSource.open(dataDir)) {
        return tool.dump(s, from, json);
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      header = "Checks the cluster's invariants; exit code 1 with a report on any breach.",
      description = {"Checks the invariants: every key at its owner only, no lock held by a "
          + "decided transaction, none committed somewhere and aborted elsewhere, coordinator "
          + "and participant logs agree. Exit 1 with a report on any breach."})
  static final class Verify extends Sub {
    @ArgGroup(multiplicity = "1") Where where;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Override
    int run(RecoveryTool tool) {
      try (Source s = open(where)) {
        return tool.verify(s, json);
      }
    }
  }

  static TxId txId(CommandSpec spec, String value) {
    if (!TxId.isValid(value)) {
      throw new ParameterException(spec.commandLine(), "'" + value + "' is not a transaction id "
          + "(1-" + TxId.MAX_LENGTH + " characters of [A-Za-z0-9._:-])");
    }
    return TxId.of(value);
  }
}
