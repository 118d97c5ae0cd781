package io.ringtx.protocol.route;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.ring.RingSnapshot;
import java.util.List;
import java.util.Optional;

/** Maps a key to the participant that owns it. The Chord ring implements this. */
public interface Router {
  /** The owner of {@code key}. */
  NodeId ownerOf(String key);

  /** Every participant, in a stable order. */
  List<NodeId> participants();

  /** The ring this router routes by right now, if it is one (clients may route by it too). */
  default Optional<RingSnapshot> ring() {
    return Optional.empty();
  }
}
