package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.dist.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's configuration reference agrees with {@code ringtx config example}: every
 * key, its flag, its environment variable, its default and its meaning.
 */
class OperationsDocTest {
  /** Keys whose example value is a sample, not a default. */
  static final Set<String> SAMPLES = Set.of("nodeId", "role", "dataDir", "participants", "seeds");

  @Test
  void configurationReference_listsEveryKeyAsTheExampleDoes() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "operations.md"));
    String[] lines = ConfigCommand.example().split("\n");
    List<String> problems = new ArrayList<>();
    String meaning = null;
    int keys = 0;
    for (String line : lines) {
      if (line.startsWith("# ")) {
        meaning = line.substring(2);
        continue;
      }
      int colon = line.indexOf(':');
      if (line.isBlank() || colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      keys++;
      String flag = "`--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT) + "`";
      String env = "`RINGTX_" + key.replaceAll("([A-Z])", "_$1").toUpperCase(Locale.ROOT) + "`";
      String row = "| `" + key + "` | " + flag + " | " + env + " | ";
      int at = doc.indexOf(row);
      if (at < 0) {
        problems.add(key + ": no row starting " + row);
        continue;
      }
      String rest = doc.substring(at + row.length(), doc.indexOf('\n', at));
      if (!SAMPLES.contains(key) && !rest.startsWith("`" + value + "` |")) {
        problems.add(key + ": default should be `" + value + "`, row says " + rest);
      }
      if (meaning != null && !rest.contains(meaning.replace("|", "/"))) {
        problems.add(key + ": meaning differs from the example's '" + meaning + "'");
      }
      meaning = null;
    }
    assertThat(keys).isEqualTo(ConfigLoader.keys().size());
    assertThat(problems).isEmpty();
  }
}
