package io.ringtx.storage;

import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The last committed value and version of recently read or written keys, in front of the data
 * column family: a participant reads each key of a transaction at least twice (the read, then
 * its validation at prepare), and RocksDB's memtable lookups were a fifth of its event loop.
 *
 * <p>It never answers with a value older than the store's. Every data write updates the cache
 * after RocksDB has applied it ({@link #applied}), before the write's caller hears of it; so by
 * the time a transaction's locks are released, reads see its writes. A value read from RocksDB
 * is only cached if no write and no clearing happened since just before that read ({@link
 * #generation}): a read that raced a write may return the old value to its caller, as RocksDB
 * itself would, but never leaves it behind in the cache.
 *
 * <p>Bounded: at {@link #MAX_ENTRIES} keys it is emptied and starts over; values longer than
 * {@link #MAX_VALUE_CHARS} are not kept.
 */
final class DataCache {
  /** Keys kept at most; reaching it empties the cache. */
  static final int MAX_ENTRIES = 65_536;

  /** Longest value kept (in chars); longer ones are read from RocksDB each time. */
  static final int MAX_VALUE_CHARS = 1_024;

  private final ConcurrentHashMap<String, Versioned> entries = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  /** Bumped (under {@link #lock}) by every write applied and every clearing. */
  private volatile long generation;

  /**
   * The committed value of {@code key}: the cached one, or {@code load}'s (a read of RocksDB),
   * cached if nothing was written meanwhile.
   */
  Versioned read(String key, Supplier<Versioned> load) {
    Versioned cached = entries.get(key);
    if (cached != null) {
      return cached;
    }
    long before = generation;
    Versioned loaded = load.get();
    if (keepable(loaded)) {
      synchronized (lock) {
        if (generation == before) {
          makeRoom();
          entries.putIfAbsent(key, loaded);
        }
      }
    }
    return loaded;
  }

  /** Records writes RocksDB has applied: each key's new value (a delete leaves it absent). */
  void applied(List<DataWrite> writes) {
    if (writes.isEmpty()) {
      return;
    }
    synchronized (lock) {
      for (DataWrite w : writes) {
        Versioned now =
            w.value() == null ? Versioned.ABSENT : new Versioned(w.value(), w.version());
        if (keepable(now)) {
          makeRoom();
          entries.put(w.key(), now);
        } else {
          entries.remove(w.key());
        }
      }
      generation++;
    }
  }

  /** Forgets {@code writes}' keys: a batch failed, and RocksDB may or may not hold them. */
  void forget(List<DataWrite> writes) {
    synchronized (lock) {
      for (DataWrite w : writes) {
        entries.remove(w.key());
      }
      generation++;
    }
  }

  /** Keys cached now. */
  int size() {
    return entries.size();
  }

  private static boolean keepable(Versioned v) {
    return v.value() == null || v.value().length() <= MAX_VALUE_CHARS;
  }

  /** Empties the cache if it is full; the caller holds {@link #lock}. */
  private void makeRoom() {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
      generation++;
    }
  }
}
