package io.ringtx.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.log.LogRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the golden files of {@link GoldenRecords} that do not exist yet. Never runs in a normal
 * build: golden files are written once, by hand, and then never regenerated (STYLE §4), so that
 * {@link RecordCodecGoldenTest} checks today's decoder against yesterday's bytes. Existing files
 * are left untouched even when run. Run from the repository root:
 *
 * <pre>
 * mvn -B -q test -pl protocol -Dtest=GoldenFileWriter -Dringtx.golden.write=true
 * </pre>
 *
 * then review and commit the new files under {@code protocol/src/test/resources/golden/}.
 */
@EnabledIfSystemProperty(named = "ringtx.golden.write", matches = "true")
class GoldenFileWriter {

  @Test
  void writesMissingGoldenFiles() throws IOException {
    // Surefire runs tests in the module directory; write to the sources, not target/.
    Path dir =
        Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/resources/golden/v" + GoldenRecords.VERSION);
    assertThat((int) RecordCodec.FORMAT_VERSION)
        .as("golden files of v%d can only be written by a build whose format is v%d",
            GoldenRecords.VERSION, GoldenRecords.VERSION)
        .isEqualTo(GoldenRecords.VERSION);
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, LogRecord> e : GoldenRecords.v1().entrySet()) {
      Path file = dir.resolve(e.getKey() + ".bin");
      if (!Files.exists(file)) {
        Files.write(file, RecordCodec.encode(e.getValue()));
        written.add(file);
      }
    }
    System.out.println("golden files written: " + written);
  }
}
