package io.ringtx.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ringtx.dist.cluster.AdminHttp;
import io.ringtx.dist.cluster.ClusterException;
import io.ringtx.dist.cluster.ClusterLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ringtx ring}: each participant's ranges, and each virtual node's predecessor, successor
 * list and fingers, from a coordinator's {@code GET /v1/cluster}; and whether the ranges the
 * participants own agree with the Chord ring. Exit code 0 if they agree, 1 if not (a join or
 * leave is still moving keys, or something is wrong), 2 for bad usage or an unreachable cluster.
 */
@Command(
    name = "ring",
    header = "Shows the Chord ring and whether the owned ranges agree with it.",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the Chord ring: each participant's status and owned ranges, and each virtual "
      + "node's predecessor, successor list and fingers (from a coordinator's GET /v1/cluster).",
      "Exit code 0 if the owned ranges agree with the ring, 1 if not (a hand-off is running)."
    })
final class RingCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--cluster", paramLabel = "URL", description = "A coordinator's URL.")
    String url;

    @Option(names = "--dir", paramLabel = "DIR", description = "A process cluster's directory.")
    Path dir;
  }

  @Option(names = "--json", description = "Print the ring part of GET /v1/cluster as JSON.")
  boolean json;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "CA certificate(s) to trust for an https:// cluster (with --dir: the"
          + " cluster's tlsCaFile unless given).")
  Path caFile;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "A file holding the bearer token the cluster requires (with --dir: the"
          + " cluster's apiTokenFile unless given).")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      String url;
      Optional<Path> ca = Optional.ofNullable(caFile);
      Optional<String> token = Optional.empty();
      if (tokenFile != null) {
        try {
          token = Optional.of(AdminHttp.readToken(tokenFile));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--token-file " + e.getMessage());
        }
      }
      if (target.url != null) {
        url = target.url;
      } else {
        ClusterLayout layout = layoutOf(target.dir);
        url = layout.coordinatorUrls().get(0);
        ca = ca.or(layout::trustedCa);
        token = token.or(layout::apiToken);
      }
      AdminHttp http;
      try {
        http = new AdminHttp(ca, token);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            (caFile != null ? "--ca-file " : "the cluster's tlsCaFile ") + e.getMessage());
      }
      Map<String, Object> cluster = fetch(http, url);
      RingReport report = new RingReport(cluster);
      if (json) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cluster.get("ring")));
      } else {
        report.lines().forEach(out::println);
      }
      return report.disagreements().isEmpty() ? 0 : 1;
    } catch (ClusterException | IllegalArgumentException | IOException e) {
      err.println("ringtx ring: " + e.getMessage());
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static ClusterLayout layoutOf(Path dir) throws IOException {
    try {
      return ClusterLayout.read(dir.resolve("cluster.json"));
    } catch (NoSuchFileException e) {
      throw ClusterException.usage(dir + " is not a cluster directory (no cluster.json)");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fetch(AdminHttp http, String url)
      throws IOException, InterruptedException {
    String clusterUrl = url.replaceAll("/+$", "") + "/v1/cluster";
    HttpResponse<String> r;
    try {
      r = http.get(clusterUrl, Duration.ofSeconds(30));
    } catch (javax.net.ssl.SSLException e) {
      throw new IOException(clusterUrl + ": TLS failed (" + e.getMessage()
          + "); for an https:// cluster, trust its CA with --ca-file PEM", e);
    } catch (java.net.ConnectException e) {
      // The JDK's client gives no message here: say what happened and what to check.
      throw new IOException(clusterUrl + ": connection refused (is a coordinator running at "
          + url + "?)", e);
    } catch (IOException e) {
      throw new IOException(clusterUrl + ": " + e, e);
    }
    if (r.statusCode() != 200) {
      throw new IOException(AdminHttp.refusal(clusterUrl, r));
    }
    return JSON.readValue(r.body(), Map.class);
  }
}
