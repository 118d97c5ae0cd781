package io.ringtx.protocol.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClusterSecretTest {
  private static ClusterSecret secret(String s) {
    return ClusterSecret.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theHazelcastName_isTheSameForTheSameSecret_andDiffersForAnother() {
    String a = secret("sixteen-bytes-at-least").hazelcastClusterName("bank");
    String b = secret("sixteen-bytes-at-least").hazelcastClusterName("bank");
    String other = secret("sixteen-bytes-at-leasT").hazelcastClusterName("bank");

    assertThat(a).isEqualTo(b).startsWith("bank-").hasSize("bank-".length() + 32)
        .matches("bank-[0-9a-f]{32}");
    assertThat(other).isNotEqualTo(a);
    assertThat(secret("sixteen-bytes-at-least").hazelcastClusterName("bank2")).isNotEqualTo(a);
  }

  @Test
  void theHazelcastName_doesNotContainTheSecret() {
    String s = "sixteen-bytes-at-least";
    assertThat(secret(s).hazelcastClusterName("bank")).doesNotContain(s);
  }

  @Test
  void macs_checkOnlyForTheSameSenderIdAndBody() {
    ClusterSecret k = secret("sixteen-bytes-at-least");
    byte[] body = {1, 2, 3};
    String mac = k.sign("c1", "c1:x:1", body);

    assertThat(k.verify("c1", "c1:x:1", body, mac)).isTrue();
    assertThat(k.verify("c2", "c1:x:1", body, mac)).isFalse();
    assertThat(k.verify("c1", "c1:x:2", body, mac)).isFalse();
    assertThat(k.verify("c1", "c1:x:1", new byte[] {1, 2, 4}, mac)).isFalse();
    assertThat(k.verify("c1", "c1:x:1", body, null)).isFalse();
    assertThat(k.verify("c1", "c1:x:1", body, "not base64 !")).isFalse();
    assertThat(secret("sixteen-bytes-at-leasT").verify("c1", "c1:x:1", body, mac)).isFalse();
    // Field boundaries are part of the MAC: ("c1", ":x") and ("c1:", "x") differ.
    assertThat(k.verify("c1:", "x:1", body, k.sign("c1", ":x:1", body))).isFalse();
  }

  @Test
  void aShortSecret_isRefused() {
    assertThatThrownBy(() -> secret("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 bytes");
  }

  @Test
  void toString_hidesTheSecret() {
    assertThat(secret("sixteen-bytes-at-least").toString()).doesNotContain("sixteen");
  }
}
