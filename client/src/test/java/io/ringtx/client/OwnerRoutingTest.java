package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.IdSpace;
import io.ringtx.protocol.ring.RingSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ring a client reads by: parsed from {@code GET /v1/routing}, keys grouped by owner. */
class OwnerRoutingTest {
  private static final String ROUTING = """
      {"bits":64,"virtualNodes":[%s],"participants":{"p1":"http://127.0.0.1:1001",
       "p2":"https://h2:1002"}}""";

  private static String vnodes(RingSnapshot ring) {
    StringBuilder b = new StringBuilder();
    ring.virtualNodes().forEach(v -> b.append(b.length() == 0 ? "" : ",")
        .append("{\"node\":\"").append(v.node().value()).append("\",\"id\":\"")
        .append(v.id()).append("\"}"));
    return b.toString();
  }

  private static RingSnapshot ring(String... nodes) {
    return RingSnapshot.hashed(IdSpace.SHA256_64,
        java.util.Arrays.stream(nodes).map(NodeId::of).toList(), 8);
  }

  private static OwnerRouting routing(RingSnapshot ring) throws Exception {
    return OwnerRouting.parse(Json.MAPPER.readTree(ROUTING.formatted(vnodes(ring))));
  }

  @Test
  void keysAreGroupedByTheEndpointOfTheOwnerThatTheCoordinatorsRingNames() throws Exception {
    RingSnapshot ring = ring("p1", "p2");
    OwnerRouting routing = routing(ring);
    List<String> keys = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    Map<HttpRingTxClient.Endpoint, List<String>> groups = routing.group(keys);

    HttpRingTxClient.Endpoint e1 = new HttpRingTxClient.Endpoint("127.0.0.1", 1001, false, "");
    HttpRingTxClient.Endpoint e2 = new HttpRingTxClient.Endpoint("h2", 1002, true, "");
    for (String k : keys) {
      HttpRingTxClient.Endpoint want = ring.ownerOf(k).value().equals("p1") ? e1 : e2;
      assertThat(groups.get(want)).contains(k);
    }
    assertThat(groups.values().stream().mapToInt(List::size).sum()).isEqualTo(keys.size());
  }

  @Test
  void anOwnerWithoutAKnownAddress_leavesNoGrouping() throws Exception {
    RingSnapshot ring = ring("p1", "p3");
    OwnerRouting routing = routing(ring);
    String ofP3 = "k0";
    for (int i = 0; !ring.ownerOf(ofP3).value().equals("p3"); i++) {
      ofP3 = "k" + i;
    }

    assertThat(routing.group(List.of(ofP3))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", "{\"bits\":64,\"virtualNodes\":[],\"participants\":{}}",
      "{\"bits\":64,\"virtualNodes\":[{\"node\":\"p1\",\"id\":\"x\"}],\"participants\":{}}",
      "{\"bits\":64,\"virtualNodes\":[{\"node\":\"\",\"id\":\"1\"}],\"participants\":{}}",
      "{\"bits\":64,\"virtualNodes\":[{\"node\":\"p1\",\"id\":\"1\"}],"
          + "\"participants\":{\"p1\":\"ftp://h:1\"}}",
      "{\"bits\":64,\"virtualNodes\":\"p1\",\"participants\":{}}"})
  void aMalformedRouting_isRefused(String body) {
    assertThatThrownBy(() -> OwnerRouting.parse(Json.MAPPER.readTree(body)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
