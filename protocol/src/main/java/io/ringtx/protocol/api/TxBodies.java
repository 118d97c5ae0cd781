package io.ringtx.protocol.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Where a commit body is parsed, for every node that takes commits over HTTP: on the calling
 * event loop while it is small, on a worker once it is large enough (tens of MiB) to stall every
 * connection of that loop.
 */
public final class TxBodies {
  /** The largest commit body a node takes by default; larger ones answer 413. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
  /** Bodies up to this size are parsed on the event loop. */
  static final int INLINE_PARSE_BYTES = 64 * 1024;

  private TxBodies() {}

  /**
   * {@code parse} applied to {@code body}: at once (the future is complete when returned) for a
   * small body, else on a worker of {@code vertx}, the result coming back to the caller's
   * context.
   */
  public static <R> Future<R> parse(Vertx vertx, byte[] body, Function<byte[], R> parse) {
    if (body.length <= INLINE_PARSE_BYTES) {
      return Future.succeededFuture(parse.apply(body));
    }
    return vertx.executeBlocking(() -> parse.apply(body), false);
  }
}
