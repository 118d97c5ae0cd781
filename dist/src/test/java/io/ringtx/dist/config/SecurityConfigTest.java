package io.ringtx.dist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.dist.certs.DevCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS, token and secret settings: off by default, and every bad file named at start. */
class SecurityConfigTest {
  @TempDir static Path certs;
  @TempDir Path dir;

  static Path set1;
  static Path set2;

  @BeforeAll
  static void makeCertificates() throws Exception {
    set1 = DevCerts.write(certs.resolve("one"), 30, false).dir();
    set2 = DevCerts.write(certs.resolve("two"), 30, false).dir();
  }

  private static NodeConfig load(String... more) {
    return load(Map.of(), more);
  }

  private static NodeConfig load(Map<String, String> env, String... more) {
    List<String> flags = new ArrayList<>(ConfigLoaderTest.REQUIRED);
    flags.addAll(List.of(more));
    return ConfigLoader.load(null, env, flags);
  }

  private static String[] tls(Path cert, Path key, Path ca) {
    return new String[] {"--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
        "--tls-ca-file", ca.toString()};
  }

  @Test
  void everythingIsOffByDefault() {
    NodeConfig c = load();
    assertThat(c.tlsFiles()).isEmpty();
    assertThat(c.apiToken()).isEmpty();
    assertThat(c.clusterSecret()).isEmpty();
  }

  @Test
  void aDevSet_loadsFromFlags() {
    NodeConfig c = load(tls(set1.resolve("node.pem"), set1.resolve("node-key.pem"),
        set1.resolve("ca.pem")));
    assertThat(c.tlsFiles()).isPresent();
    assertThat(c.tlsFiles().get().cert()).isEqualTo(set1.resolve("node.pem"));
  }

  @Test
  void aDevSet_loadsFromTheEnvironment() {
    NodeConfig c = load(Map.of(
        "RINGTX_TLS_CERT_FILE", set1.resolve("node.pem").toString(),
        "RINGTX_TLS_KEY_FILE", set1.resolve("node-key.pem").toString(),
        "RINGTX_TLS_CA_FILE", set1.resolve("ca.pem").toString(),
        "RINGTX_API_TOKEN_FILE", set1.resolve("api-token").toString(),
        "RINGTX_CLUSTER_SECRET_FILE", set1.resolve("cluster-secret").toString()));
    assertThat(c.tlsFiles()).isPresent();
    assertThat(c.apiToken()).isPresent();
    assertThat(c.clusterSecret()).isPresent();
    // The token is read without its trailing newline.
    assertThat(c.apiToken().get().accepts("Bearer " + readStripped(set1.resolve("api-token"))))
        .isTrue();
  }

  @Test
  void partOfTheTlsSettings_isAnErrorNamingTheMissingKeys() {
    assertThatThrownBy(() -> load("--tls-cert-file", set1.resolve("node.pem").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tlsKeyFile, tlsCaFile: required with the other TLS settings");
  }

  @Test
  void missingFiles_areErrorsNamingTheKeyAndTheFile() {
    Path nope = dir.resolve("nope.pem");
    assertThatThrownBy(() -> load(tls(nope, set1.resolve("node-key.pem"), set1.resolve("ca.pem"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tlsCertFile: " + nope + ": no such file");
    assertThatThrownBy(() -> load("--api-token-file", nope.toString()))
        .hasMessageContaining("apiTokenFile: " + nope + ": no such file");
    assertThatThrownBy(() -> load("--cluster-secret-file", dir.toString()))
        .hasMessageContaining("clusterSecretFile: " + dir + ": not a regular file");
  }

  @Test
  void unreadablePem_isAnErrorNamingTheKey() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    Path brokenCert = Files.writeString(dir.resolve("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Path badKey = Files.writeString(dir.resolve("badkey.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> load(tls(garbage, garbage, garbage)))
        .hasMessageContaining("tlsCertFile: " + garbage + ": no PEM certificate")
        .hasMessageContaining("tlsKeyFile: " + garbage + ": no PEM private key")
        .hasMessageContaining("tlsCaFile: " + garbage + ": no PEM certificate");
    assertThatThrownBy(() -> load(tls(brokenCert, set1.resolve("node-key.pem"),
        set1.resolve("ca.pem"))))
        .hasMessageContaining("tlsCertFile: " + brokenCert + ": not a readable PEM certificate");
    assertThatThrownBy(() -> load(tls(set1.resolve("node.pem"), pkcs1, set1.resolve("ca.pem"))))
        .hasMessageContaining("tlsKeyFile: " + pkcs1 + ": holds a 'RSA PRIVATE KEY'")
        .hasMessageContaining("openssl pkcs8");
    assertThatThrownBy(() -> load(tls(set1.resolve("node.pem"), badKey, set1.resolve("ca.pem"))))
        .hasMessageContaining("tlsKeyFile: " + badKey + ": not a readable");
  }

  @Test
  void aKeyOfAnotherCertificate_isAnError() {
    assertThatThrownBy(() -> load(tls(set1.resolve("node.pem"), set2.resolve("node-key.pem"),
        set1.resolve("ca.pem"))))
        .hasMessageContaining("tlsKeyFile: " + set2.resolve("node-key.pem")
            + ": this key does not belong to the certificate in " + set1.resolve("node.pem"));
  }

  @Test
  void aCaThatDidNotSignTheCertificate_isAnError() {
    assertThatThrownBy(() -> load(tls(set1.resolve("node.pem"), set1.resolve("node-key.pem"),
        set2.resolve("ca.pem"))))
        .hasMessageContaining("tlsCaFile: " + set2.resolve("ca.pem") + ": holds no CA that signed");
  }

  @Test
  void shortTokensAndSecrets_areErrors() throws Exception {
    Path shortOne = Files.writeString(dir.resolve("short"), "tooshort\n");
    Path spaced = Files.writeString(dir.resolve("spaced"), "a token with spaces in it\n");
    assertThatThrownBy(() -> load("--api-token-file", shortOne.toString()))
        .hasMessageContaining("apiTokenFile: " + shortOne + ": a token needs at least 16");
    assertThatThrownBy(() -> load("--api-token-file", spaced.toString()))
        .hasMessageContaining("apiTokenFile: " + spaced + ": a token may hold only visible ASCII");
    assertThatThrownBy(() -> load("--cluster-secret-file", shortOne.toString()))
        .hasMessageContaining("clusterSecretFile: " + shortOne
            + ": a cluster secret needs at least 16 bytes, got 8");
  }

  private static String readStripped(Path f) {
    try {
      return Files.readString(f).strip();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
