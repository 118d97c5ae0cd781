package io.ringtx.protocol.security;

import io.ringtx.protocol.rpc.RequestAuth;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every node of a cluster shares. It is never sent anywhere; two things are derived
 * from it with HMAC-SHA256, each under its own label so that one cannot stand in for the other:
 *
 * <ul>
 *   <li>the Hazelcast cluster name ({@link #hazelcastClusterName}): Hazelcast refuses a join
 *       request that carries another cluster name, so a node with another secret cannot become a
 *       member, see the registry or be seen in it;
 *   <li>a MAC over every request and reply between nodes ({@link RequestAuth}): a message whose
 *       MAC does not check is refused, so a process that reached a node without the secret is
 *       not served.
 * </ul>
 *
 * <p>What this does not do: Hazelcast's open-source member protocol is plain text, so the
 * derived cluster name crosses the network and appears in Hazelcast's log lines; whoever can read
 * either can join the discovery layer (not answer or send authenticated requests). See
 * docs/security.md.
 */
public final class ClusterSecret implements RequestAuth {
  /** Fewest bytes a secret may have. */
  public static final int MIN_BYTES = 16;

  private static final String HMAC = "HmacSHA256";
  private final byte[] nameKey;
  private final byte[] macKey;

  private ClusterSecret(byte[] secret) {
    this.nameKey = hmac(secret, "ringtx hazelcast cluster name v1");
    this.macKey = hmac(secret, "ringtx event bus mac v1");
  }

  /**
   * A secret from its bytes (as read from a file, surrounding white space removed by the caller).
   *
   * @throws IllegalArgumentException if it is shorter than {@link #MIN_BYTES}
   */
  public static ClusterSecret of(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "a cluster secret needs at least " + MIN_BYTES + " bytes, got " + secret.length);
    }
    return new ClusterSecret(secret.clone());
  }

  /**
   * The Hazelcast cluster name of {@code clusterName} under this secret: the name, a dash and 32
   * hex digits of an HMAC. Nodes with the same name and secret get the same string; any other
   * secret gives another string, which Hazelcast refuses at join.
   */
  public String hazelcastClusterName(String clusterName) {
    byte[] mac = hmac(nameKey, clusterName);
    return clusterName + "-" + HexFormat.of().formatHex(mac, 0, 16);
  }

  @Override
  public String sign(String from, String requestId, byte[] body) {
    return Base64.getEncoder().withoutPadding().encodeToString(mac(from, requestId, body));
  }

  @Override
  public boolean verify(String from, String requestId, byte[] body, String mac) {
    if (mac == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(mac);
    } catch (IllegalArgumentException e) {
      return false;
    }
    // Constant time: how much of a forged MAC was right must not show in the answer's timing.
    return MessageDigest.isEqual(mac(from, requestId, body), given);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  private byte[] mac(String from, String requestId, byte[] body) {
    try {
      Mac m = Mac.getInstance(HMAC);
      m.init(new SecretKeySpec(macKey, HMAC));
      // Lengths first: no two different (from, id, body) triples feed the MAC the same bytes.
      byte[] f = String.valueOf(from).getBytes(StandardCharsets.UTF_8);
      byte[] r = String.valueOf(requestId).getBytes(StandardCharsets.UTF_8);
      m.update(intBytes(f.length));
      m.update(f);
      m.update(intBytes(r.length));
      m.update(r);
      m.update(body);
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static byte[] hmac(byte[] key, String label) {
    try {
      Mac m = Mac.getInstance(HMAC);
      m.init(new SecretKeySpec(key, HMAC));
      return m.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterSecret c && Arrays.equals(macKey, c.macKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(macKey);
  }
}
