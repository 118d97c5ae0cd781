package io.ringtx.protocol.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JoinRefusalLoggingTest {
  @Test
  void hazelcastsJoinRefusal_becomesAnRtxLineNamingTheAddress() {
    // As Hazelcast 5.3 logs it on the member that refuses (its own prefix included).
    String hz = "[127.0.0.1]:5811 [aaa] [5.3.8] Received an invalid join request from "
        + "[127.0.0.1]:5812, cause: members part of different cluster";

    assertThat(JoinRefusalLogging.refusal(hz))
        .isEqualTo("RTX-8101 refused the node at [127.0.0.1]:5812 that asked to join: members "
            + "part of different cluster (another cluster name or another cluster secret)");
  }

  @Test
  void otherLines_areLeftAlone() {
    assertThat(JoinRefusalLogging.refusal("Members {size:2, ver:2}")).isNull();
    assertThat(JoinRefusalLogging.refusal(null)).isNull();
  }
}
