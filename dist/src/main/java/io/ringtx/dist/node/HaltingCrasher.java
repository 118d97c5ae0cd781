package io.ringtx.dist.node;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.node.CrashPoint;
import io.ringtx.protocol.node.Crasher;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash points of a node process ({@code crashPoint}, {@code crashAfter}): the {@code
 * after}-th time the configured point is reached, log one line, flush it, and halt the JVM with
 * exit code 137 at once — no shutdown hook, no store close, no goodbye to the cluster, as with a
 * kill -9. Every other point, and every earlier arrival, does nothing.
 */
public final class HaltingCrasher implements Crasher {
  private static final Logger LOG = LoggerFactory.getLogger(HaltingCrasher.class);

  /** The exit code of a process ended by SIGKILL (128 + 9). */
  public static final int EXIT_CODE = 137;

  private final CrashPoint point;
  private final int after;
  private final IntConsumer halt;
  private final AtomicInteger reached = new AtomicInteger();

  /** Halts the JVM ({@link Runtime#halt}) the {@code after}-th time {@code point} is reached. */
  public HaltingCrasher(CrashPoint point, int after) {
    this(point, after, code -> Runtime.getRuntime().halt(code));
  }

  /** As above with another way to halt, for tests. */
  HaltingCrasher(CrashPoint point, int after, IntConsumer halt) {
    if (after < 1) {
      throw new IllegalArgumentException("after must be >= 1, was " + after);
    }
    this.point = point;
    this.after = after;
    this.halt = halt;
  }

  @Override
  public void reached(CrashPoint p, TxId tx) {
    if (p != point || reached.incrementAndGet() != after) {
      return;
    }
    LOG.error("tx={} RTX-0901 crash point {} reached ({} of {}): halting with exit code {}",
        tx, p, after, after, EXIT_CODE);
    System.out.flush();
    System.err.flush();
    halt.accept(EXIT_CODE);
  }

  @Override
  public boolean armed(CrashPoint p) {
    return p == point;
  }

  /** How many times the point has been reached. */
  int timesReached() {
    return reached.get();
  }
}
