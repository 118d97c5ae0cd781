package io.ringtx.storage;

/**
 * The store directory is already open, by another {@link RocksNodeStore} in this process or by
 * another process (RocksDB holds the directory's {@code LOCK} file). Operator tools use it to
 * tell "the node is running" apart from a broken store.
 */
public final class StoreLockedException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StoreLockedException(String message, Throwable cause) {
    super(message, cause);
  }
}
