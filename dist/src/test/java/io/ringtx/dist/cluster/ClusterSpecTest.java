package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterSpecTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0  | 1 | participants must be 1-64, was 0",
        "65 | 1 | participants must be 1-64, was 65",
        "3  | 0 | coordinators must be 1-16, was 0",
      })
  void counts_outOfRange_areUsageErrors(int n, int m, String message) {
    assertThatThrownBy(() -> ClusterSpec.of(n, m))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(message);
  }

  @Test
  void clusterName_mustBeAnId() {
    assertThatThrownBy(() -> ClusterSpec.of(1, 1).withClusterName("my cluster"))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("cluster name must be 1-64 characters");
  }

  @Test
  void settings_mayNotOverrideTheLayout_norBeUnknown() {
    assertThatThrownBy(() -> ClusterSpec.of(1, 1).withSettings(Map.of("httpPort", "8080")))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("httpPort is decided by the cluster tooling");
    assertThatThrownBy(() -> ClusterSpec.of(1, 1).withSettings(Map.of("speed", "9")))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("speed is not a node setting (known: ")
        .hasMessageContaining("failureDetectionSeconds");
  }

  @Test
  void settingsAndJvmOptions_areKept() {
    ClusterSpec spec = ClusterSpec.of(2, 1)
        .withSettings(Map.of("failureDetectionSeconds", "2"))
        .withJvmOptions(List.of("-Xmx256m"));

    assertThat(spec.settings()).containsEntry("failureDetectionSeconds", "2");
    assertThat(spec.jvmOptions()).containsExactly("-Xmx256m");
  }
}
