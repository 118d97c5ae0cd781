package io.ringtx.dist;

import io.ringtx.bench.report.BarChart;
import io.ringtx.bench.report.Compare;
import io.ringtx.bench.report.ResultFiles;
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

/** {@code ringtx bench compare}: a ratio table of results ({@link Compare}). */
@Command(
    name = "compare",
    header = "Prints results side by side, each with its ratio to the first.",
    mixinStandardHelpOptions = true,
    description = {
      "Prints results side by side: committed/s, p50 and p99 latency, each with its ratio to "
      + "the first result's, and the abort rate. A directory stands for its result.json."
    })
final class BenchCompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "RESULT", description = "result.json files or --out directories.")
  List<Path> results;

  @Option(names = "--svg", paramLabel = "FILE",
      description = "Also draw the results as a bar chart (committed/s, p50) into FILE.")
  Path svg;

  @Option(names = "--title", paramLabel = "TEXT", defaultValue = "committed transactions per second",
      description = "The chart's title (default: ${DEFAULT-VALUE}).")
  String title;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<Compare.Row> rows = new ArrayList<>();
    for (Path p : results) {
      try {
        String label = Compare.label(p.toFile().isDirectory() ? p.resolve(ResultFiles.RESULT) : p);
        rows.add(Compare.Row.of(label, ResultFiles.read(p)));
      } catch (IOException e) {
        err.println("ringtx bench compare: cannot read " + p + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(Compare.table(rows));
    if (svg != null) {
      try {
        Files.writeString(svg, BarChart.svg(title, rows));
      } catch (IOException e) {
        err.println("ringtx bench compare: cannot write " + svg + ": " + e.getMessage());
        err.flush();
        return 1;
      }
      out.println("wrote " + svg);
    }
    out.flush();
    return 0;
  }
}
