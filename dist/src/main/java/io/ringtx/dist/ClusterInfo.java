package io.ringtx.dist;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringtx.protocol.codec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One line per node for {@code ringtx local}, from the coordinator's {@code GET /v1/cluster}
 * (DESIGN §2). The answer's shape is only loosely agreed ("nodes, roles, ring ranges, health"),
 * so each node is rendered generically as {@code field=value} pairs.
 */
final class ClusterInfo {
  private ClusterInfo() {}

  /** Asks the coordinator at {@code baseUrl}; never throws, a failure becomes one line. */
  static List<String> nodeLines(String baseUrl) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(baseUrl + "/v1/cluster"))
              .timeout(Duration.ofSeconds(5))
              .GET()
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return List.of("(GET /v1/cluster answered " + response.statusCode() + ")");
      }
      return nodeLines(Json.MAPPER.readTree(response.body()));
    } catch (IOException e) {
      return List.of("(cannot read /v1/cluster: " + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("(interrupted while reading /v1/cluster)");
    }
  }

  /** Renders {@code {"nodes":[{...},…]}} one node per line; any other shape as one line. */
  static List<String> nodeLines(JsonNode cluster) {
    JsonNode nodes = cluster.path("nodes");
    if (!nodes.isArray() || nodes.isEmpty()) {
      return List.of("cluster: " + cluster);
    }
    List<String> lines = new ArrayList<>();
    for (JsonNode node : nodes) {
      if (!node.isObject()) {
        lines.add(node.isTextual() ? node.asText() : node.toString());
        continue;
      }
      StringBuilder line = new StringBuilder();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (line.length() > 0) {
          line.append("  ");
        }
        JsonNode value = field.getValue();
        line.append(field.getKey()).append('=').append(value.isValueNode() ? value.asText() : value);
      }
      lines.add(line.toString());
    }
    return lines;
  }
}
