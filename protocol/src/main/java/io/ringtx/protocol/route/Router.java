package io.ringtx.protocol.route;

import io.ringtx.protocol.id.NodeId;
import java.util.List;

/** Maps a key to the participant that owns it. The Chord ring implements this. */
public interface Router {
  /** The owner of {@code key}. */
  NodeId ownerOf(String key);

  /** Every participant, in a stable order. */
  List<NodeId> participants();
}
