package io.ringtx.storage;

/**
 * The store could not be opened, read or written because of its environment (RocksDB error, I/O
 * error, a store written by an incompatible build). Damaged records are reported as {@link
 * io.ringtx.protocol.codec.CorruptRecordException} instead. Callers must treat a failed write as
 * not written (DESIGN §3: a participant whose PREPARED write fails votes no).
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
