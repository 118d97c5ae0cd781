package io.ringtx.dist;

import io.ringtx.bench.report.Compare;
import io.ringtx.bench.report.PeerResults;
import io.ringtx.bench.report.ResultFiles;
import io.ringtx.protocol.codec.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ringtx bench peers}: the peer scripts' {@code RESULT} lines as result files, one
 * directory per measurement, for {@code ringtx bench compare} ({@link PeerResults}).
 */
@Command(
    name = "peers",
    header = "Turns the peer scripts' output into result files for 'ringtx bench compare'.",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the output of the peer scripts (shared/peers/run_all.sh: etcd, PostgreSQL 2PC, "
      + "Narayana) and writes each RESULT line as OUT/<label>/result.json, which "
      + "'ringtx bench compare' reads beside RingTx's results."
    })
final class BenchPeersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Output of the peer scripts.")
  List<Path> files;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where to write one directory per measurement.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter print = spec.commandLine().getOut();
    List<PeerResults.Peer> peers = new ArrayList<>();
    try {
      for (Path f : files) {
        peers.addAll(PeerResults.parse(Files.readAllLines(f)));
      }
    } catch (IOException | IllegalArgumentException e) {
      err.println("ringtx bench peers: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (peers.isEmpty()) {
      err.println("ringtx bench peers: no RESULT lines in " + files);
      err.flush();
      return 1;
    }
    List<Compare.Row> rows = new ArrayList<>();
    try {
      for (PeerResults.Peer p : peers) {
        Path dir = out.resolve(p.label());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ResultFiles.RESULT),
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(p.result()));
        rows.add(Compare.Row.of(p.label(), p.result()));
      }
    } catch (IOException e) {
      err.println("ringtx bench peers: cannot write under " + out + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    print.print(Compare.table(rows));
    print.println("wrote " + peers.size() + " results under " + out);
    print.flush();
    return 0;
  }
}
