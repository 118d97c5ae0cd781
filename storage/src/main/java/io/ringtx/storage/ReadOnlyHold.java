package io.ringtx.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a read-only store holds besides RocksDB: a lock on the directory's {@code LOCK} file, the
 * same advisory POSIX lock a running node's RocksDB holds (so a running node is detected, and no
 * node starts while the store is read), and a temporary directory for RocksDB's info log, which
 * would otherwise be written inside the store directory.
 */
final class ReadOnlyHold {
  private final FileChannel channel;
  private final FileLock lock;
  private final Path infoLogDir;

  private ReadOnlyHold(FileChannel channel, FileLock lock, Path infoLogDir) {
    this.channel = channel;
    this.lock = lock;
    this.infoLogDir = infoLogDir;
  }

  /**
   * Locks {@code dir}'s existing {@code LOCK} file without creating or changing anything.
   *
   * @throws StoreLockedException if another process holds it
   */
  static ReadOnlyHold take(Path dir) {
    Path lockFile = dir.resolve("LOCK");
    if (!Files.isRegularFile(lockFile)) {
      throw new StorageException(dir + " has no LOCK file: not a RocksDB store");
    }
    FileChannel channel;
    try {
      // WRITE is needed for an exclusive lock; the file is neither created nor written.
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageException("cannot open " + lockFile + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(channel, e);
      throw new StoreLockedException(dir + " is in use (a running node holds it): "
          + e.getMessage(), e);
    }
    if (lock == null) {
      closeQuietly(channel, null);
      throw new StoreLockedException(
          dir + " is in use by another process (a running node holds it); stop the node, or "
              + "use the live cluster instead of its data directory", null);
    }
    try {
      return new ReadOnlyHold(channel, lock, Files.createTempDirectory("ringtx-readonly-log"));
    } catch (IOException e) {
      closeQuietly(channel, e);
      throw new StorageException("cannot create a temporary directory: " + e.getMessage(), e);
    }
  }

  Path infoLogDir() {
    return infoLogDir;
  }

  /** Releases the lock and deletes the info log; returns {@code failure} with any failure added. */
  Throwable release(Throwable failure) {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      failure = add(failure, e);
    }
    try (Stream<Path> files = Files.walk(infoLogDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      failure = add(failure, e);
    }
    return failure;
  }

  private static Throwable add(Throwable failure, Throwable e) {
    if (failure == null) {
      return e;
    }
    failure.addSuppressed(e);
    return failure;
  }

  private static void closeQuietly(FileChannel channel, Exception cause) {
    try {
      channel.close();
    } catch (IOException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      }
    }
  }
}
