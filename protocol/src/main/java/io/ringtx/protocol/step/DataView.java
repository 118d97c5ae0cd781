package io.ringtx.protocol.step;

/**
 * Read access to a shard's committed data, given to the participant state machine. Reads are
 * point lookups in RocksDB (memtable or block cache), cheap enough to run inline.
 */
public interface DataView {
  /** The key's last committed value, or {@link Versioned#ABSENT}. */
  Versioned read(String key);
}
