package io.ringtx.dist.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.dist.Main;
import io.ringtx.protocol.security.BearerToken;
import io.ringtx.protocol.security.ClusterSecret;
import io.ringtx.protocol.security.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ringtx certs dev DIR}. */
class CertsDevCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Map<String, byte[]> contents(Path dir) throws Exception {
    Map<String, byte[]> m = new HashMap<>();
    for (String f : DevCerts.FILES) {
      m.put(f, Files.readAllBytes(dir.resolve(f)));
    }
    return m;
  }

  @Test
  void writesACaANodeCertificateForLoopbackItsKeyATokenAndASecret() throws Exception {
    Path dir = tmp.resolve("certs");
    Run r = run("certs", "dev", dir.toString());

    assertThat(r.code()).isZero();
    for (String f : DevCerts.FILES) {
      assertThat(dir.resolve(f)).isRegularFile();
      assertThat(r.out()).contains(f);
    }
    assertThat(r.out()).contains("ringtx cluster start").contains("tlsCertFile=" + dir.toAbsolutePath());

    List<X509Certificate> chain = Pem.certificates(dir.resolve("node.pem"));
    X509Certificate ca = Pem.certificates(dir.resolve("ca.pem")).get(0);
    X509Certificate node = chain.get(0);
    node.verify(ca.getPublicKey()); // signed by the CA (throws otherwise)
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0); // a CA
    assertThat(node.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(node.getSubjectAlternativeNames())
        .extracting(l -> l.get(1).toString())
        .contains("127.0.0.1", "localhost");
    // Nodes present the same certificate to each other: server and client use.
    assertThat(node.getExtendedKeyUsage())
        .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(Pem.matches(Pem.privateKey(dir.resolve("node-key.pem")), node)).isTrue();
    assertThat(BearerToken.problem(Files.readString(dir.resolve("api-token")).strip())).isNull();
    ClusterSecret.of(Pem.secret(dir.resolve("cluster-secret")));
    for (String secret : List.of("node-key.pem", "api-token", "cluster-secret")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(secret)))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  void refusesToOverwriteAnEarlierSet_unlessForced() throws Exception {
    Path dir = tmp.resolve("certs");
    assertThat(run("certs", "dev", dir.toString()).code()).isZero();
    Map<String, byte[]> before = contents(dir);

    Run again = run("certs", "dev", dir.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(dir.resolve("ca.pem").toString()).contains("--force");
    Map<String, byte[]> after = contents(dir);
    for (String f : DevCerts.FILES) {
      assertThat(after.get(f)).as(f).isEqualTo(before.get(f));
    }

    assertThat(run("certs", "dev", "--force", dir.toString()).code()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isNotEqualTo(before.get("ca.pem"));
    assertThat(Files.readAllBytes(dir.resolve("api-token"))).isNotEqualTo(before.get("api-token"));
  }

  @Test
  void oneExistingFileOfTheSet_isEnoughToRefuse() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(dir.resolve("api-token"), "mine, keep it");

    Run r = run("certs", "dev", dir.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("api-token");
    assertThat(Files.readString(dir.resolve("api-token"))).isEqualTo("mine, keep it");
    assertThat(dir.resolve("ca.pem")).doesNotExist();
  }

  @Test
  void aDirThatIsAFile_isReportedInALine_withoutAStackTrace() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");

    Run r = run("certs", "dev", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("ringtx certs dev: ").contains(file + " is not a directory")
        .doesNotContain("\tat ");
    assertThat(Files.readString(file)).isEqualTo("not a directory");
  }

  @Test
  void badDays_areAUsageError() {
    Run r = run("certs", "dev", "--days", "0", tmp.resolve("x").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--days must be 1-3650");
  }
}
