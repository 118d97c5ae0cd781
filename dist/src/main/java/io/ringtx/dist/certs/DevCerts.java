package io.ringtx.dist.certs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A self-signed set for trying TLS and authentication on one machine: a development CA, one
 * certificate for {@code 127.0.0.1} and {@code localhost} that every node uses (as server and as
 * client of the other nodes), its key, a random API token and a random cluster secret. Made with
 * the JDK's {@code keytool} (so nothing outside the JDK is needed); the keys are exported from
 * its PKCS#12 stores as PKCS#8 PEM. The CA's private key is not kept: the set cannot be extended,
 * which is the point of a throw-away development CA.
 */
public final class DevCerts {
  /** The files written, in the order they are listed. */
  public static final List<String> FILES =
      List.of("ca.pem", "node.pem", "node-key.pem", "api-token", "cluster-secret");

  /** Files that must not be readable by others. */
  private static final List<String> PRIVATE = List.of("node-key.pem", "api-token", "cluster-secret");

  private static final long KEYTOOL_SECONDS = 120;

  private DevCerts() {}

  /** What was written. */
  public record Written(Path dir, List<Path> files, int days) {}

  /**
   * Writes the set into {@code dir} (created if needed).
   *
   * @param force overwrite files of an earlier set; without it, any existing file is an error
   *     and nothing is written
   * @throws FileAlreadyExistsException naming the first file that exists, without {@code force}
   */
  public static Written write(Path dir, int days, boolean force)
      throws IOException, InterruptedException {
    if (days < 1 || days > 3650) {
      throw new IllegalArgumentException("days must be 1-3650, got " + days);
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException(dir + " is not a directory");
    }
    if (!force) {
      for (String f : FILES) {
        if (Files.exists(dir.resolve(f))) {
          throw new FileAlreadyExistsException(dir.resolve(f).toString(), null,
              "exists already; --force overwrites the whole set");
        }
      }
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempDirectory("ringtx-certs");
    try {
      byte[][] out = make(tmp, days);
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < FILES.size(); i++) {
        Path target = dir.resolve(FILES.get(i));
        writeFile(target, out[i], PRIVATE.contains(FILES.get(i)));
        files.add(target);
      }
      return new Written(dir, files, days);
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static byte[][] make(Path tmp, int days) throws IOException, InterruptedException {
    SecureRandom random = new SecureRandom();
    // The stores live seconds in a private temporary directory; the password only satisfies
    // keytool, which refuses PKCS#12 stores without one.
    String pass = HexFormat.of().formatHex(bytes(random, 16));
    String validity = Integer.toString(days);
    Path ca = tmp.resolve("ca.p12");
    Path node = tmp.resolve("node.p12");
    Path csr = tmp.resolve("node.csr");
    Path nodeCrt = tmp.resolve("node.crt");
    Path caCrt = tmp.resolve("ca.crt");
    keytool("-genkeypair", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", pass,
        "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", validity,
        "-dname", "CN=RingTx development CA", "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign");
    keytool("-genkeypair", "-keystore", node.toString(), "-storetype", "PKCS12", "-storepass",
        pass, "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", validity,
        "-dname", "CN=RingTx development node");
    keytool("-certreq", "-keystore", node.toString(), "-storepass", pass, "-alias", "node",
        "-file", csr.toString());
    // One certificate for every node, as server (HTTPS, event bus) and as client of the others.
    keytool("-gencert", "-keystore", ca.toString(), "-storepass", pass, "-alias", "ca",
        "-infile", csr.toString(), "-outfile", nodeCrt.toString(), "-rfc", "-validity", validity,
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature,keyEncipherment",
        "-ext", "EKU=serverAuth,clientAuth");
    keytool("-exportcert", "-keystore", ca.toString(), "-storepass", pass, "-alias", "ca",
        "-rfc", "-file", caCrt.toString());
    byte[] caPem = Files.readAllBytes(caCrt);
    byte[] nodePem = concat(Files.readAllBytes(nodeCrt), caPem);
    byte[] keyPem = pkcs8Pem(privateKey(node, "node", pass.toCharArray()));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] token = (b64.encodeToString(bytes(random, 32)) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] secret = (b64.encodeToString(bytes(random, 32)) + "\n").getBytes(StandardCharsets.US_ASCII);
    return new byte[][] {caPem, nodePem, keyPem, token, secret};
  }

  private static PrivateKey privateKey(Path store, String alias, char[] pass) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, pass);
      Key k = ks.getKey(alias, pass);
      if (!(k instanceof PrivateKey pk)) {
        throw new IOException(store + ": no private key under " + alias);
      }
      return pk;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key keytool made: " + e.getMessage(), e);
    }
  }

  /** PKCS#8 PEM: what Vert.x and OpenSSL read as {@code -----BEGIN PRIVATE KEY-----}. */
  static byte[] pkcs8Pem(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalStateException("expected a PKCS#8 key, got " + key.getFormat());
    }
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded());
    return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path exe = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(exe)) {
      throw new IOException("no keytool at " + exe + ": 'ringtx certs dev' needs a full JDK");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(exe.toString());
    cmd.add("-noprompt");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(KEYTOOL_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool " + args[0] + " did not finish within " + KEYTOOL_SECONDS + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed (exit " + p.exitValue() + "): "
          + new String(output, StandardCharsets.UTF_8).strip());
    }
  }

  private static void writeFile(Path target, byte[] content, boolean secret) throws IOException {
    Files.deleteIfExists(target);
    try {
      // Created owner-only, so that the content is never readable by others, not even briefly.
      Files.createFile(target, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(target); // not a POSIX file system
    }
    Files.write(target, content, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static byte[] bytes(SecureRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
