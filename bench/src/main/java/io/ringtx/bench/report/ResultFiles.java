package io.ringtx.bench.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's {@code result.json} and {@code report.html}, and reads result files back. */
public final class ResultFiles {
  /** The name of the result file in an output directory. */
  public static final String RESULT = "result.json";

  /** The name of the report in an output directory. */
  public static final String REPORT = "report.html";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private ResultFiles() {}

  /** Writes both files into {@code dir}, creating it if needed. */
  public static void write(BenchResult result, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RESULT), toJson(result), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(REPORT), HtmlReport.render(result), StandardCharsets.UTF_8);
  }

  /** The result as JSON text. */
  public static String toJson(BenchResult result) throws IOException {
    return MAPPER.writeValueAsString(result) + "\n";
  }

  /**
   * The result file at {@code path}; a directory means its {@code result.json}. Read as a tree, so
   * files of other formats and versions can still be compared on the fields they share.
   */
  public static JsonNode read(Path path) throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve(RESULT) : path;
    return MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
  }
}
