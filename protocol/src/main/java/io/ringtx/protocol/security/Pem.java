package io.ringtx.protocol.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files the way a node will use them, so that a missing file, a file that holds no
 * certificate or an unreadable key is found at start, named, instead of at the first TLS
 * handshake. Every method throws {@link IllegalArgumentException} with a message that says what
 * is wrong with the file.
 */
public final class Pem {
  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern ANY_KEY = Pattern.compile("-----BEGIN ([A-Z ]*PRIVATE KEY)-----");

  /** The largest file read: 1 MiB. */
  static final long MAX_BYTES = 1024 * 1024;

  private Pem() {}

  /** The certificates of a PEM file (at least one), in file order. */
  public static List<X509Certificate> certificates(Path file) {
    byte[] bytes = read(file);
    if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    try {
      Collection<? extends Certificate> all =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : all) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(file + ": no PEM certificate");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + ": not a readable PEM certificate: " + e.getMessage());
    }
  }

  /** The private key of a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}): RSA or EC. */
  public static PrivateKey privateKey(Path file) {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      Matcher other = ANY_KEY.matcher(text);
      if (other.find()) {
        throw new IllegalArgumentException(file + ": holds a '" + other.group(1)
            + "'; a PKCS#8 key (-----BEGIN PRIVATE KEY-----) is needed, e.g. from "
            + "'openssl pkcs8 -topk8 -nocrypt -in KEY'");
      }
      throw new IllegalArgumentException(file + ": no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the private key is not valid base64");
    }
    for (String alg : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    throw new IllegalArgumentException(file + ": not a readable RSA, EC or Ed25519 private key");
  }

  /** Whether {@code key} is the private half of {@code cert}'s public key (by signing a probe). */
  public static boolean matches(PrivateKey key, X509Certificate cert) {
    PublicKey pub = cert.getPublicKey();
    if (!key.getAlgorithm().equalsIgnoreCase(pub.getAlgorithm())) {
      return false;
    }
    String alg = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      byte[] probe = "ringtx key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] read(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": not a regular file");
    }
    try {
      // Certificates, keys, tokens and secrets are a few KiB: a large file is a wrong path.
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES / 1024
            + " KiB, not a PEM, token or secret file");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** Reads a small secret file (a token, a cluster secret): its content without surrounding white space. */
  public static byte[] secret(Path file) {
    String s = new String(read(file), StandardCharsets.UTF_8).strip();
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
