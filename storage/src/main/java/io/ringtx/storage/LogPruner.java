package io.ringtx.storage;

import io.ringtx.protocol.log.LogRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's log and transaction index from growing without bound: every {@code every}, on a
 * thread of its own (never a node's event loop), it forgets the transactions that finished more
 * than {@code retention} ago ({@link NodeStore#prune}). A node answers a duplicated or late
 * message about a transaction from its log only for that long (DESIGN §2: the outcome retention
 * window); after it, the transaction is unknown there. Transactions not finished (in doubt, a
 * decision not yet acknowledged) are never forgotten.
 */
public final class LogPruner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogPruner.class);

  /** How often a node prunes, unless told otherwise. */
  public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);

  private final NodeStore store;
  private final Duration retention;
  private final Predicate<LogRecord> finished;
  private final Clock clock;
  private final ScheduledExecutorService thread;

  private LogPruner(NodeStore store, Duration retention, Predicate<LogRecord> finished,
      Clock clock, String name) {
    this.store = store;
    this.retention = retention;
    this.finished = finished;
    this.clock = clock;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ringtx-log-pruner-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Prunes {@code store} every {@code every}, the first time after one {@code every}.
   *
   * @param finished whether a transaction whose latest record is this one is over at this node
   * @param name names the thread (the node's id)
   */
  public static LogPruner start(NodeStore store, Duration retention, Duration every,
      Predicate<LogRecord> finished, Clock clock, String name) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(finished, "finished");
    Objects.requireNonNull(clock, "clock");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, got " + retention);
    }
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("every must be positive, got " + every);
    }
    LogPruner p = new LogPruner(store, retention, finished, clock, name);
    p.thread.scheduleWithFixedDelay(p::pruneLogged, every.toMillis(), every.toMillis(),
        TimeUnit.MILLISECONDS);
    return p;
  }

  /**
   * The most of one core a pass takes: after each chunk it sleeps three times as long as the
   * chunk took. A node at 13,000 commits/s has a minute of log, some 800,000 records, to prune
   * every minute; at full speed a pass took 5-10 s of a core of this project's 2-core VM, and the
   * cluster's commits/s fell to a fifth meanwhile.
   */
  static final int DUTY_PERCENT = 25;

  /** One pass now, on the calling thread: what it removed. */
  public NodeStore.Pruned pruneNow() {
    return store.prune(clock.millis() - retention.toMillis(), finished, LogPruner::pace);
  }

  /** Sleeps after a chunk that took {@code nanos} so that a pass uses {@link #DUTY_PERCENT}. */
  private static void pace(long nanos) {
    long sleep = nanos * (100 - DUTY_PERCENT) / DUTY_PERCENT;
    try {
      TimeUnit.NANOSECONDS.sleep(sleep);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("log pruning stopped");
    }
  }

  private void pruneLogged() {
    long t0 = System.nanoTime();
    try {
      NodeStore.Pruned p = pruneNow();
      if (p.records() > 0) {
        LOG.info("pruned {} log records of {} transactions finished over {} s ago in {} ms",
            p.records(), p.transactions(), retention.toSeconds(),
            (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (RuntimeException e) {
      if (thread.isShutdown()) {
        LOG.debug("log pruning stopped with its node: {}", e.toString());
        return;
      }
      // The next pass tries again; a damaged record stays in the log for the operator to see.
      LOG.error("RTX-2008 log pruning failed; the log keeps growing until it succeeds", e);
    }
  }

  /** Stops pruning, a pass under way at its next chunk. Call before closing the store. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("log pruning did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
