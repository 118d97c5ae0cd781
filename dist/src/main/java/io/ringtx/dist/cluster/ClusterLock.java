package io.ringtx.dist.cluster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The lock of a cluster directory ({@code DIR/cluster.lock}). The commands that change the
 * cluster's membership ({@code ringtx cluster add|leave}) hold it while they read, check and
 * rewrite {@code cluster.json}, so that two of them run at once, from two terminals, neither
 * undo each other's change nor both pass a check that only one of them may pass. The lock is
 * the operating system's lock on the file (released when the process ends, however it ends),
 * and within one JVM a plain lock besides, since the file lock is held per process.
 */
final class ClusterLock implements AutoCloseable {
  private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock local;
  private final FileChannel channel;
  private final FileLock lock;

  private ClusterLock(ReentrantLock local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dir}, waiting for whoever holds it; says so on {@code progress} if
   * it has to wait.
   */
  static ClusterLock acquire(ClusterDir dir, Consumer<String> progress) throws IOException {
    Path file = dir.lockFile();
    String waiting = "waiting for another ringtx command that is changing " + dir.root()
        + " (it holds " + file.getFileName() + ")";
    ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
    if (!local.tryLock()) {
      progress.accept(waiting);
      local.lock();
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        progress.accept(waiting);
        lock = channel.lock();
      }
      return new ClusterLock(local, channel, lock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      local.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      local.unlock();
    }
  }
}
