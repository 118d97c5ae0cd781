package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * README's command tables ("The `ringtx` command" and `ringtx recovery`'s) name every option that
 * each command's {@code --help} lists, so that a reader of the table learns of all of them.
 */
class ReadmeCommandTableTest {
  /** Rows that send the reader elsewhere for their options ("[OPTIONS]", see Benchmarks). */
  static final Set<String> OPTIONS_ELSEWHERE =
      Set.of("ringtx bench run", "ringtx bench compare", "ringtx bench peers");

  /** Options of `ringtx recovery`'s commands that the paragraph under its table describes. */
  static final Set<String> RECOVERY_BELOW_TABLE = Set.of("--ca-file", "--token-file");

  /** Options every command has, documented once ("`ringtx --help`, `ringtx help <command>`"). */
  static final Set<String> STANDARD = Set.of("--help", "--version");

  @Test
  void everyOptionOfEveryCommand_isInItsReadmeRow() throws Exception {
    List<String> rows = Files.readString(Path.of("..", "README.md")).lines()
        .filter(l -> l.startsWith("| `ringtx ")).toList();
    List<String> problems = new ArrayList<>();
    check(Main.commandLine(), rows, problems);
    assertThat(problems).isEmpty();
  }

  private static void check(CommandLine cmd, List<String> rows, List<String> problems) {
    if (!cmd.getSubcommands().isEmpty()) {
      cmd.getSubcommands().forEach((name, sub) -> {
        if (!name.equals("help")) {
          check(sub, rows, problems);
        }
      });
      return;
    }
    String name = cmd.getCommandSpec().qualifiedName();
    if (OPTIONS_ELSEWHERE.contains(name)) {
      return;
    }
    String row = rows.stream().filter(r -> r.startsWith("| `" + name + " ")
        || r.startsWith("| `" + name + "`")).findFirst().orElse(null);
    if (row == null) {
      problems.add(name + ": no row in README's command tables");
      return;
    }
    for (OptionSpec o : cmd.getCommandSpec().options()) {
      String longest = o.longestName();
      boolean below = name.startsWith("ringtx recovery ") && RECOVERY_BELOW_TABLE.contains(longest);
      if (!STANDARD.contains(longest) && !below && !o.hidden() && !row.contains(longest)) {
        problems.add(name + ": " + longest + " is not in its README row");
      }
    }
  }
}
