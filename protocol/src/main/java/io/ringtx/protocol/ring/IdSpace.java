package io.ringtx.protocol.ring;

import io.ringtx.protocol.id.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The identifier circle of size 2^{@code bits} (DESIGN §4: 64 in production, small in tests) and
 * the hash that places keys and virtual nodes on it: SHA-256, its first {@code bits} bits.
 */
public record IdSpace(int bits) {
  /** The production ring: 2^64 ids. */
  public static final IdSpace SHA256_64 = new IdSpace(64);

  /**
   * One digest per thread: looking the algorithm up among the security providers costs more than
   * hashing a key, and every key of every transaction is hashed.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  });

  /** Validates {@code bits}. */
  public IdSpace {
    if (bits < 1 || bits > 64) {
      throw new IllegalArgumentException("bits must be 1..64: " + bits);
    }
  }

  /** The id with this (unsigned) value, e.g. {@code id(44)} on the lecture's m = 6 ring. */
  public RingId id(long value) {
    return new RingId(bits, value);
  }

  /** Where {@code key} lives: its owner is the successor of this id. */
  public RingId ofKey(String key) {
    return hash(key);
  }

  /** The id of virtual node {@code index} of {@code node}: hash of {@code "node#index"}. */
  public RingId ofVirtualNode(NodeId node, int index) {
    if (index < 0) {
      throw new IllegalArgumentException("virtual node index must be >= 0: " + index);
    }
    return hash(node.value() + "#" + index);
  }

  /** The {@code count} virtual nodes of {@code node}, indexes 0..count-1. */
  public List<VirtualNode> virtualNodes(NodeId node, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a node needs at least one virtual node: " + count);
    }
    List<VirtualNode> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new VirtualNode(node, ofVirtualNode(node, i)));
    }
    return out;
  }

  /** SHA-256 of the UTF-8 string, truncated to its first {@code bits} bits. */
  public RingId hash(String s) {
    long first8 = ByteBuffer.wrap(sha256(s.getBytes(StandardCharsets.UTF_8))).getLong();
    return new RingId(bits, first8 >>> (64 - bits));
  }

  private static byte[] sha256(byte[] input) {
    // digest() resets the instance for its next use.
    return SHA256.get().digest(input);
  }
}
