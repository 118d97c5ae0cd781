package io.ringtx.protocol.rpc;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * How every RingTx process runs Vert.x: on Netty's native transport (epoll on Linux, shipped in
 * the ringtx jar) where the platform has one, fewer system calls per message than Java NIO, and
 * on NIO elsewhere. {@link Vertx#isNativeTransportEnabled()} tells which one a process got.
 *
 * <p>Vert.x's file system does not look in the class path: RingTx serves no files, and that
 * lookup makes Vert.x create a {@code vertx-cache-<uuid>} directory in the temporary directory
 * at start, which only a normal exit removes, so every killed node left one behind.
 */
public final class VertxSetup {
  private VertxSetup() {}

  /** The options every Vert.x instance starts from; callers add their own. */
  public static VertxOptions options() {
    return new VertxOptions()
        .setPreferNativeTransport(true)
        .setFileSystemOptions(new FileSystemOptions()
            .setClassPathResolvingEnabled(false)
            .setFileCachingEnabled(false));
  }

  /** A Vert.x instance with {@link #options()}. */
  public static Vertx vertx() {
    return Vertx.vertx(options());
  }
}
