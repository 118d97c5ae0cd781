package io.ringtx.protocol.discovery;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.Map;
import java.util.UUID;

/**
 * Follows a Hazelcast map of strings for a process that keeps its own copy of it: hands every
 * entry to {@link Changes#put} once at start and then every change as its entry event arrives,
 * so that the copy never needs a remote read (one that may wait while Hazelcast moves a dead
 * member's partitions). The entry listener is registered before the map is read, so nothing
 * falls between the two. The constructor blocks on Hazelcast.
 */
final class MapFollower implements AutoCloseable {
  /** Where the entries go; called on a Hazelcast thread, except during the constructor. */
  interface Changes {
    /** {@code key} is now {@code value} (added or replaced). */
    void put(String key, String value);

    /** {@code key} was removed. */
    void removed(String key);
  }

  private final IMap<String, String> map;
  private final UUID registration;

  MapFollower(IMap<String, String> map, Changes changes) {
    this.map = map;
    this.registration = map.addEntryListener(new Listener(changes), true);
    for (Map.Entry<String, String> e : map.entrySet()) {
      changes.put(e.getKey(), e.getValue());
    }
  }

  /** Stops following; the map itself stays. */
  @Override
  public void close() {
    map.removeEntryListener(registration);
  }

  private record Listener(Changes changes) implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String>, EntryRemovedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      changes.put(e.getKey(), e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      changes.put(e.getKey(), e.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      changes.removed(e.getKey());
    }
  }
}
