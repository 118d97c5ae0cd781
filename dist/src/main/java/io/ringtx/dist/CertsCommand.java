package io.ringtx.dist;

import io.ringtx.dist.certs.DevCerts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ringtx certs}: certificates and secrets for TLS and authentication. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Certificates and secrets for TLS and authentication.",
    subcommands = {CertsCommand.Dev.class})
final class CertsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** {@code ringtx certs dev DIR}. */
  @Command(name = "dev", mixinStandardHelpOptions = true,
      description = {"Writes a self-signed development set into DIR: a CA (ca.pem), one node "
          + "certificate for 127.0.0.1 and localhost (node.pem) with its key (node-key.pem), a "
          + "random API token (api-token) and a random cluster secret (cluster-secret).",
          "For trying TLS and authentication on one machine; not for production."})
  static final class Dev implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to write into (created if needed).")
    Path dir;

    @Option(names = "--force", description = "Overwrite the files of an earlier set.")
    boolean force;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
        description = "Validity of the certificates in days (1-3650, default ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (days < 1 || days > 3650) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--days must be 1-3650, got " + days);
      }
      DevCerts.Written w;
      try {
        w = DevCerts.write(dir, days, force);
      } catch (FileAlreadyExistsException e) {
        err.println("ringtx certs dev: " + e.getFile() + " exists already; nothing was written "
            + "(--force overwrites the whole set)");
        err.flush();
        return 1;
      } catch (IOException e) {
        // DIR is a file, or cannot be created or written: the operator's to fix, said in a line.
        err.println("ringtx certs dev: cannot write the set: " + e.getMessage());
        err.flush();
        return 1;
      }
      Path d = w.dir().toAbsolutePath().normalize();
      out.printf("wrote a development CA and a node certificate for 127.0.0.1 and localhost, "
          + "valid %d days, to %s:%n", w.days(), d);
      out.printf("  %-16s the CA certificate: every node's tlsCaFile; clients trust it%n", "ca.pem");
      out.printf("  %-16s the node certificate (127.0.0.1, localhost), shared by every node: tlsCertFile%n",
          "node.pem");
      out.printf("  %-16s its private key (PKCS#8, owner-only): tlsKeyFile%n", "node-key.pem");
      out.printf("  %-16s a random bearer token (owner-only): apiTokenFile; clients send it%n",
          "api-token");
      out.printf("  %-16s a random cluster secret (owner-only): clusterSecretFile%n",
          "cluster-secret");
      out.println("For development only: the CA's private key was not kept.");
      out.println("Try it:");
      out.printf("  ringtx cluster start --dir /tmp/ringtx-secure --set tlsCertFile=%1$s/node.pem "
          + "--set tlsKeyFile=%1$s/node-key.pem --set tlsCaFile=%1$s/ca.pem "
          + "--set apiTokenFile=%1$s/api-token --set clusterSecretFile=%1$s/cluster-secret%n", d);
      out.printf("  curl --cacert %1$s/ca.pem -H \"Authorization: Bearer $(cat %1$s/api-token)\" "
          + "https://127.0.0.1:PORT/v1/cluster%n", d);
      out.flush();
      return 0;
    }
  }
}
