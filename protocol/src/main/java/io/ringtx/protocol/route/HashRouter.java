package io.ringtx.protocol.route;

import io.ringtx.protocol.id.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consistent hashing over a fixed set of participants: each participant is placed at {@code
 * points} positions on a 64-bit ring (SHA-256 of "node#i"), and a key belongs to the first
 * position at or after SHA-256(key), wrapping around.
 */
public final class HashRouter implements Router {
  private final TreeMap<Long, NodeId> ring = new TreeMap<>();
  private final List<NodeId> participants;

  public HashRouter(List<NodeId> participants, int points) {
    if (participants.isEmpty()) {
      throw new IllegalArgumentException("at least one participant is needed");
    }
    if (points < 1) {
      throw new IllegalArgumentException("points must be >= 1");
    }
    this.participants = participants.stream().sorted().distinct().toList();
    for (NodeId p : this.participants) {
      for (int i = 0; i < points; i++) {
        ring.put(hash(p.value() + "#" + i), p);
      }
    }
  }

  public HashRouter(List<NodeId> participants) {
    this(participants, 64);
  }

  @Override
  public NodeId ownerOf(String key) {
    Map.Entry<Long, NodeId> e = ring.ceilingEntry(hash(key));
    return e != null ? e.getValue() : ring.firstEntry().getValue();
  }

  @Override
  public List<NodeId> participants() {
    return participants;
  }

  /** The first 8 bytes of SHA-256 of the UTF-8 string. */
  public static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }
}
