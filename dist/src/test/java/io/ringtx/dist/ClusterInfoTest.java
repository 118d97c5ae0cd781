package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.protocol.codec.Json;
import org.junit.jupiter.api.Test;

class ClusterInfoTest {

  @Test
  void nodeLines_printsOneLinePerNode() throws Exception {
    var cluster =
        Json.MAPPER.readTree(
            "{\"nodes\":[{\"id\":\"p1\",\"role\":\"participant\",\"ranges\":[1,2]},"
                + "{\"id\":\"c1\",\"role\":\"coordinator\",\"healthy\":true}]}");

    assertThat(ClusterInfo.nodeLines(cluster))
        .containsExactly(
            "id=p1  role=participant  ranges=[1,2]", "id=c1  role=coordinator  healthy=true");
  }

  @Test
  void nodeLines_fallsBackToOneLine_forAnotherShape() throws Exception {
    var cluster = Json.MAPPER.readTree("{\"members\":3}");

    assertThat(ClusterInfo.nodeLines(cluster)).containsExactly("cluster: {\"members\":3}");
  }

  @Test
  void nodeLines_reportsAnUnreachableCoordinator_insteadOfThrowing() {
    // Port 9 on loopback (discard) is closed on any sane test machine.
    assertThat(ClusterInfo.nodeLines("http://127.0.0.1:9"))
        .singleElement()
        .asString()
        .startsWith("(cannot read /v1/cluster");
  }
}
