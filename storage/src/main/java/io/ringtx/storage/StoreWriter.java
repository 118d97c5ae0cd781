package io.ringtx.storage;

import io.ringtx.protocol.codec.RecordCodec;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.metrics.Histogram;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.MetaWrite;
import io.ringtx.protocol.step.WriteSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a store with group commit, in one of two ways.
 *
 * <p>Queued ({@link #submit}): a thread of its own takes every queued {@link WriteSet} (up to
 * {@code maxBatchSets}) and writes them as one {@link WriteBatch}, synced if any of them is
 * forced, so one fsync serves every forced caller of the turn. Lazy sets ride in the same batch,
 * which keeps queue order across forced and lazy writes.
 *
 * <p>At the end of the caller's turn ({@link #submitAtEndOfTurn}): an event loop's writes are
 * gathered while it handles what one wake-up brought, and written as one batch when it has
 * handled all of it, on that thread, before it sends anything that waits for them. On a machine
 * where waking another thread costs a fair part of an fsync (40-50 us on the 2-core VM this
 * project is measured on), this saves two hand-offs per forced write: to the writer thread and
 * back. It is done only while the writer thread has nothing in hand (so batches stay in
 * submission order) and while such writes stay quick: one that takes longer than {@link
 * #SLOW_TURN_NANOS} sends every write to the writer thread for a while: {@link
 * #QUEUED_AFTER_SLOW_MIN_NANOS} at first, doubling while slow batches keep coming up to {@link
 * #QUEUED_AFTER_SLOW_MAX_NANOS}, so a slow disk never holds an event loop for long often.
 *
 * <p>A set forced {@link WriteSet#background()} never makes a batch synced by itself: in a batch
 * that is synced for another set it completes with it; otherwise it is written without an fsync
 * and completes once a later synced batch covers it (the log is one sequence), or, if none comes
 * within {@link StoreOptions#backgroundSyncMicros()}, once the writer thread forced every such set
 * with one fsync of its own. An empty one is a barrier: nothing is written for it, and it
 * completes once everything written before it is durable. Nothing but the set's own future waits
 * for that: a participant's COMMITTED record is applied (readable, its locks released) as soon as
 * it is written, and only its acknowledgement waits, usually for the next transaction's PREPARED.
 *
 * <p>Either way a turn runs under one lock, and sequence numbers are assigned in it, so log order
 * is seq order. Futures complete only after RocksDB returned, so a caller that sees its future
 * complete also sees its data in reads; a failed batch fails every future of it and advances
 * nothing but the seq counter.
 */
final class StoreWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

  private record Pending(WriteSet writes, CompletableFuture<Long> done) {}

  /** The one RocksDB call of a turn; a seam so that tests can make it fail like a bad disk. */
  @FunctionalInterface
  interface BatchWrite {
    void write(WriteOptions options, WriteBatch batch) throws RocksDBException;
  }

  /** A batch written at the end of a caller's turn that takes longer than this is slow. */
  static final long SLOW_TURN_NANOS = 100_000_000L;

  /**
   * After a slow batch, every write goes to the writer thread for this long at first: a single
   * stall of the whole machine (seen as all nodes' writes taking 100-250 ms at the same moment,
   * a few times a minute on this project's VM) should not cost half a minute of the slower path.
   */
  static final long QUEUED_AFTER_SLOW_MIN_NANOS = 1_000_000_000L;

  /**
   * Each slow batch within {@link #SLOW_MEMORY_NANOS} of the one before doubles the time, up to
   * this.
   */
  static final long QUEUED_AFTER_SLOW_MAX_NANOS = 30_000_000_000L;

  /** How long a slow batch is remembered when the next one comes. */
  static final long SLOW_MEMORY_NANOS = 60_000_000_000L;

  /** Queued by {@link #stop()} as the last element; nothing can be queued after it. */
  private static final Pending STOP = new Pending(null, null);

  /**
   * Queued to wake the writer thread when a set joins {@link #awaitingSync} while the thread waits
   * for no deadline: it then waits until the set is due ({@link #forceDue}).
   */
  private static final Pending SYNC = new Pending(null, new CompletableFuture<>());

  /**
   * A background-forced set written without an fsync in batch number {@code turn} (or, empty,
   * after it), to complete with {@code seq} once that batch is durable; the writer thread forces
   * it at {@code dueNanos} (System.nanoTime) if no synced batch covered it by then.
   */
  private record Deferred(long turn, Pending set, long seq, long dueNanos) {}

  private final String name;
  private final BatchWrite batchWrite;
  /** Committed values of recent keys, updated here after each batch RocksDB applied. */
  private final DataCache cache;
  private final ColumnFamilyHandle data;
  private final ColumnFamilyHandle log;
  private final ColumnFamilyHandle tx;
  private final ColumnFamilyHandle meta;
  private final WriteOptions synced;
  private final WriteOptions lazy;
  private final Clock clock;
  private final int maxBatchSets;
  private final long backgroundSyncNanos;

  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

  /**
   * Submitters share it, {@link #stop()} and a dying writer take it exclusively: a set is either
   * queued before {@code STOP} (and so written or failed) or refused — never stranded.
   */
  private final ReadWriteLock gate = new ReentrantReadWriteLock();

  private boolean accepting = true; // guarded by gate
  private String refusal; // guarded by gate; why writes are refused once !accepting
  private Throwable refusalCause; // guarded by gate; null after a plain close

  private final Thread thread;

  /** Held while a batch is built and written, on whichever thread writes it. */
  private final ReentrantLock turnLock = new ReentrantLock();

  /** Sets handed to the writer thread and not yet written (or failed) by it. */
  private final AtomicInteger queued = new AtomicInteger();

  /** Sets waiting for the end of their caller's turn; guarded by itself. */
  private final List<Pending> endOfTurn = new ArrayList<>();

  /** Background-forced sets written but not yet known durable, in turn order; guarded by itself. */
  private final List<Deferred> awaitingSync = new ArrayList<>();

  /**
   * Whether the writer thread will wake by itself (at the due time of the first set in {@link
   * #awaitingSync}) rather than only when something is queued; guarded by awaitingSync.
   */
  private boolean writerWakesForDue;

  /** Batches RocksDB accepted so far; under turnLock. */
  private long writtenTurns;

  /** The number of the last batch known durable (see {@link #writtenTurns}). */
  private final AtomicLong syncedThrough = new AtomicLong();

  /** Until when (System.nanoTime) every write goes to the writer thread, after a slow batch. */
  private volatile long queuedUntil = System.nanoTime();

  /** When the last slow batch ended and what it sent to the writer thread; under turnLock. */
  private long lastSlowAt;
  private long queuedAfterSlow;

  private long lastSeq; // guarded by turnLock
  // Written under turnLock only; volatile so that other threads read them.
  private volatile long lastVersion;
  private volatile long forcedWrites;
  private volatile long syncs;
  private volatile long lazyWrites;
  private volatile long maxBatch;
  /** Write sets per fsync: the group-commit batch size. */
  private final Histogram syncBatches = new Histogram(SYNC_BATCH_BOUNDS, 1);

  /** Upper bounds of the batch-size histogram. */
  static final double[] SYNC_BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

  StoreWriter(
      String name,
      BatchWrite batchWrite,
      Columns columns,
      WriteOptions synced,
      WriteOptions lazy,
      StoreOptions options,
      long lastSeq,
      long lastVersion) {
    this.name = name;
    this.batchWrite = batchWrite;
    this.cache = new DataCache();
    this.data = columns.data();
    this.log = columns.log();
    this.tx = columns.tx();
    this.meta = columns.meta();
    this.synced = synced;
    this.lazy = lazy;
    this.clock = options.clock();
    this.maxBatchSets = options.maxBatchSets();
    this.backgroundSyncNanos = options.backgroundSyncMicros() * 1_000L;
    this.lastSeq = lastSeq;
    this.lastVersion = lastVersion;
    this.thread = new Thread(this::run, "ringtx-store-writer-" + name);
    // A store that was never closed must not keep the JVM alive; its queued writes were not
    // acknowledged, so losing them is allowed.
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  CompletableFuture<Long> submit(WriteSet writes) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    gate.readLock().lock();
    try {
      if (!accepting) {
        return refused();
      }
      synchronized (endOfTurn) {
        // Sets gathered for the end of a turn were submitted first, so they go first.
        endOfTurn.forEach(this::enqueue);
        endOfTurn.clear();
        enqueue(new Pending(writes, done));
      }
    } finally {
      gate.readLock().unlock();
    }
    return done;
  }

  /**
   * Gathers {@code writes} with the other sets submitted before {@code endOfTurn} runs the task
   * this hands it (the first set of a turn hands it one), and writes them all then, on that
   * thread: see the class comment. {@code endOfTurn} must run the task after the work at hand,
   * e.g. an event loop's task queue; the futures may complete on that thread.
   */
  CompletableFuture<Long> submitAtEndOfTurn(WriteSet writes, Executor endOfTurn) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    gate.readLock().lock();
    try {
      if (!accepting) {
        return refused();
      }
    } finally {
      gate.readLock().unlock();
    }
    boolean first;
    synchronized (this.endOfTurn) {
      first = this.endOfTurn.isEmpty();
      this.endOfTurn.add(new Pending(writes, done));
    }
    if (first) {
      endOfTurn.execute(this::writeEndOfTurn);
    }
    return done;
  }

  /** Writes the sets gathered for the end of this turn here, or hands them to the writer thread. */
  private void writeEndOfTurn() {
    List<Pending> turn;
    synchronized (endOfTurn) {
      turn = new ArrayList<>(endOfTurn);
      endOfTurn.clear();
    }
    if (turn.isEmpty()) {
      return;
    }
    List<Runnable> completions = new ArrayList<>(turn.size());
    Error fatal = null;
    gate.readLock().lock();
    try {
      if (!accepting) {
        for (Pending p : turn) {
          IllegalStateException closed = refusalError();
          completions.add(() -> p.done().completeExceptionally(closed));
        }
      } else if (queued.get() > 0 || System.nanoTime() - queuedUntil < 0
          || !turnLock.tryLock()) {
        // Written here only if nothing handed to the writer thread is still unwritten (else this
        // batch could overtake it) and no recent batch was slow.
        turn.forEach(this::enqueue);
      } else {
        try {
          fatal = writeTimed(turn, completions);
        } finally {
          turnLock.unlock();
        }
      }
    } finally {
      gate.readLock().unlock();
    }
    if (fatal != null) {
      // As on the writer thread: nothing more is written, and every caller is told.
      die(turn, fatal);
      throw fatal;
    }
    // Outside the locks: a callback may close the store.
    completions.forEach(Runnable::run);
  }

  /**
   * {@link #writeTurn} on the caller's thread, which holds {@link #turnLock}; a slow one sends
   * every write to the writer thread for a while. Returns the {@link Error} it threw, if any.
   */
  private Error writeTimed(List<Pending> turn, List<Runnable> completions) {
    long start = System.nanoTime();
    try {
      writeTurn(turn, completions);
    } catch (Error e) {
      return e;
    }
    long now = System.nanoTime();
    long took = now - start;
    if (took > SLOW_TURN_NANOS) {
      boolean recent = queuedAfterSlow > 0 && now - lastSlowAt < SLOW_MEMORY_NANOS;
      queuedAfterSlow = recent
          ? Math.min(QUEUED_AFTER_SLOW_MAX_NANOS, queuedAfterSlow * 2)
          : QUEUED_AFTER_SLOW_MIN_NANOS;
      lastSlowAt = now;
      queuedUntil = now + queuedAfterSlow;
      LOG.warn("RTX-2007 a store write of {} sets took {} ms on an event loop in {}; every "
          + "write goes to the store's writer thread for the next {} s",
          turn.size(), took / 1_000_000, name, queuedAfterSlow / 1_000_000_000L);
    }
    return null;
  }

  /** Queues a set for the writer thread; the caller holds the gate's read lock, accepting. */
  private void enqueue(Pending p) {
    queued.incrementAndGet();
    queue.add(p);
  }

  private CompletableFuture<Long> refused() {
    return CompletableFuture.failedFuture(refusalError());
  }

  /** Why writes are refused: a fresh exception per caller, so no one can alter another's. */
  private IllegalStateException refusalError() {
    return new IllegalStateException(refusal, refusalCause);
  }

  boolean isWriterThread() {
    return Thread.currentThread() == thread;
  }

  long lastVersion() {
    return lastVersion;
  }

  /**
   * Work done holding the turn lock, given the seq of the last record written and the store's
   * batch write (the seam tests decorate).
   */
  @FunctionalInterface
  interface Exclusive {
    void run(long lastSeq, BatchWrite write) throws RocksDBException;
  }

  /**
   * Runs {@code body} holding the turn lock: no batch is built or written meanwhile (an event
   * loop that wants to write at the end of its turn hands its sets to the writer thread instead).
   */
  void exclusive(Exclusive body) throws RocksDBException {
    turnLock.lock();
    try {
      body.run(lastSeq, batchWrite);
    } finally {
      turnLock.unlock();
    }
  }

  StoreStats stats() {
    return new StoreStats(forcedWrites, syncs, lazyWrites, maxBatch);
  }

  Histogram syncBatches() {
    return syncBatches;
  }

  /**
   * Refuses new writes, lets the thread write everything queued before, and waits for it to end.
   * Idempotent; must not be called on the writer thread. Uninterruptible on purpose: the caller
   * closes RocksDB next, and closing it under a running writer would be a native use-after-free.
   */
  void stop() {
    gate.writeLock().lock();
    try {
      if (accepting) {
        accepting = false;
        refusal = "store closed: " + name;
        queue.add(STOP);
      }
    } finally {
      gate.writeLock().unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Pending> turn = new ArrayList<>();
    try {
      boolean stopping = false;
      while (!stopping) {
        Pending first = next();
        if (first == null) {
          forceDue(false);
          continue;
        }
        turn.add(first);
        queue.drainTo(turn, maxBatchSets - 1);
        // STOP is always the last element ever queued, so it can only end a turn.
        if (turn.get(turn.size() - 1) == STOP) {
          turn.remove(turn.size() - 1);
          stopping = true;
        }
        turn.removeIf(p -> p == SYNC); // a wake-up only: the loop looks at the due sets
        if (!turn.isEmpty()) {
          List<Runnable> completions = new ArrayList<>(turn.size());
          turnLock.lock();
          try {
            writeTurn(turn, completions);
          } finally {
            turnLock.unlock();
            queued.addAndGet(-turn.size());
          }
          completions.forEach(Runnable::run);
        }
        // After the turn: if it was synced, it covered the deferred sets already. On the way out,
        // nothing written may be left unforced.
        forceDue(stopping);
        turn.clear();
      }
    } catch (InterruptedException e) {
      // Only stop() may end this thread; an interrupt from elsewhere is a bug, and carrying on
      // would hide it. Fail loudly instead of leaving callers waiting.
      die(turn, new IllegalStateException("store writer interrupted: " + name, e));
    } catch (RuntimeException | Error e) {
      die(turn, e);
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  /**
   * The next queued element, waiting at most until the first set in {@link #awaitingSync} is due;
   * null if it is due before anything is queued.
   */
  private Pending next() throws InterruptedException {
    boolean timed;
    long due = 0;
    synchronized (awaitingSync) {
      timed = !awaitingSync.isEmpty();
      if (timed) {
        due = awaitingSync.get(0).dueNanos();
      }
      writerWakesForDue = timed;
    }
    if (!timed) {
      return queue.take();
    }
    long wait = due - System.nanoTime();
    return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
  }

  /**
   * Adds {@code d} to {@link #awaitingSync}, waking the writer thread if it would not wake by
   * itself; the caller holds {@link #turnLock}, so sets join in turn order.
   */
  private void awaitSync(Deferred d) {
    boolean wake;
    synchronized (awaitingSync) {
      awaitingSync.add(d);
      wake = !writerWakesForDue;
      writerWakesForDue = true;
    }
    if (wake) {
      queue.add(SYNC);
    }
  }

  /**
   * Takes the sets in {@link #awaitingSync} that the batch number {@code turn}, just synced, made
   * durable, and adds their completions to {@code completions}; returns how many.
   */
  private int completeCovered(long turn, List<Runnable> completions) {
    int covered = 0;
    synchronized (awaitingSync) {
      while (!awaitingSync.isEmpty() && awaitingSync.get(0).turn() <= turn) {
        Deferred d = awaitingSync.remove(0);
        completions.add(() -> d.set().done().complete(d.seq()));
        covered++;
      }
    }
    return covered;
  }

  /**
   * Forces every set in {@link #awaitingSync} if the first is due (or {@code all}): one fsync
   * serves them all.
   */
  private void forceDue(boolean all) {
    List<Deferred> due;
    synchronized (awaitingSync) {
      if (awaitingSync.isEmpty()
          || (!all && awaitingSync.get(0).dueNanos() - System.nanoTime() > 0)) {
        return;
      }
      due = new ArrayList<>(awaitingSync);
      awaitingSync.clear();
    }
    forceDeferred(due);
  }

  /**
   * Makes {@code due} durable, with an fsync of its own (an empty synced batch) unless a later
   * forced batch already made them so, then completes them. A failed fsync fails them as a failed
   * batch fails its sets.
   */
  private void forceDeferred(List<Deferred> due) {
    long through = due.get(due.size() - 1).turn();
    int sets = due.size();
    if (syncedThrough.get() < through) {
      try (WriteBatch nothing = new WriteBatch()) {
        // Not under turnLock: an end-of-turn batch may be written meanwhile, and RocksDB may
        // serve both with one fsync.
        batchWrite.write(synced, nothing);
      } catch (RocksDBException | RuntimeException e) {
        LOG.error("RTX-2002 store fsync of {} sets written in the background failed in {}",
            sets, name, e);
        StorageException failure =
            new StorageException("store fsync failed in " + name + ": " + e.getMessage(), e);
        due.forEach(d -> d.set().done().completeExceptionally(failure));
        return;
      }
      syncedThrough.accumulateAndGet(through, Math::max);
      turnLock.lock();
      try {
        syncs++;
        maxBatch = Math.max(maxBatch, sets);
        syncBatches.observe(sets);
      } finally {
        turnLock.unlock();
      }
    }
    due.forEach(d -> d.set().done().complete(d.seq()));
  }

  /** Fails the writes in hand and every queued one, and refuses new ones, naming the cause. */
  private void die(List<Pending> inHand, Throwable cause) {
    LOG.error("RTX-2003 store writer of {} stopped; every further write fails", name, cause);
    StorageException failure = new StorageException("store writer stopped: " + name, cause);
    gate.writeLock().lock();
    try {
      accepting = false;
      refusal = "store writer stopped after a failure: " + name;
      refusalCause = cause;
    } finally {
      gate.writeLock().unlock();
    }
    List<Pending> left = new ArrayList<>(inHand);
    queue.drainTo(left);
    synchronized (awaitingSync) {
      awaitingSync.forEach(d -> left.add(d.set()));
      awaitingSync.clear();
    }
    for (Pending p : left) {
      if (p != STOP && p != SYNC) {
        p.done().completeExceptionally(failure);
      }
    }
  }

  /**
   * Writes {@code turn} as one batch; the caller holds {@link #turnLock}. Completing the futures
   * is left to the caller, as tasks added to {@code completions}, to run once it let go of its
   * locks. The batch is synced if a set of it is forced, not in the background; background-forced
   * sets of a batch that is not synced are left in {@link #awaitingSync}. A batch with nothing to
   * write (only empty sets) is not written at all, unless it must be synced.
   */
  private void writeTurn(List<Pending> turn, List<Runnable> completions) {
    long time = clock.millis();
    long seq = lastSeq;
    long version = lastVersion;
    boolean sync = false;
    int forced = 0;
    boolean wrote = false;
    List<Pending> written = new ArrayList<>(turn.size());
    long[] results = new long[turn.size()];
    try (WriteBatch batch = new WriteBatch()) {
      for (Pending p : turn) {
        WriteSet set = p.writes();
        Encoded encoded;
        try {
          encoded = Encoded.of(set);
        } catch (RuntimeException e) {
          // A record or value that cannot be stored exactly is this caller's problem alone:
          // refuse its set and let the others' writes go ahead.
          StorageException refusedSet =
              new StorageException("cannot encode a write set: " + e.getMessage(), e);
          completions.add(() -> p.done().completeExceptionally(refusedSet));
          continue;
        }
        for (int i = 0; i < encoded.records().length; i++) {
          seq++;
          batch.put(log, Layout.seqKey(seq), Layout.logValue(time, encoded.records()[i]));
          batch.put(tx, Layout.utf8(set.records().get(i).txId().value()), Layout.longBytes(seq));
        }
        for (int i = 0; i < encoded.dataKeys().length; i++) {
          byte[] value = encoded.dataValues()[i];
          if (value == null) {
            // DESIGN §2: an absent key has version 0, so a delete leaves nothing behind.
            batch.delete(data, encoded.dataKeys()[i]);
          } else {
            batch.put(data, encoded.dataKeys()[i], value);
          }
          version = Math.max(version, set.data().get(i).version());
        }
        for (int i = 0; i < encoded.metaKeys().length; i++) {
          byte[] value = encoded.metaValues()[i];
          if (value == null) {
            batch.delete(meta, encoded.metaKeys()[i]);
          } else {
            batch.put(meta, encoded.metaKeys()[i], value);
          }
        }
        results[written.size()] = seq;
        written.add(p);
        if (set.forced()) {
          sync |= !set.background();
          forced++;
        }
      }
      if (written.isEmpty()) {
        return;
      }
      if (sync || batch.count() > 0) {
        batch.put(meta, Layout.utf8(Layout.META_LAST_SEQ), Layout.longBytes(seq));
        batch.put(meta, Layout.utf8(Layout.META_LAST_VERSION), Layout.longBytes(version));
        wrote = true;
        batchWrite.write(sync ? synced : lazy, batch);
      }
    } catch (RocksDBException | RuntimeException e) {
      // Never reuse the seqs of a failed batch: if its bytes reached the WAL after all, a later
      // record must not take the same seq.
      lastSeq = seq;
      for (Pending p : written) {
        cache.forget(p.writes().data());
      }
      count(written.size(), forced, sync, 0);
      LOG.error(
          "RTX-2002 store write of {} sets ({} forced) failed in {}",
          written.size(), forced, name, e);
      StorageException failure =
          new StorageException("store write failed in " + name + ": " + e.getMessage(), e);
      for (Pending p : written) {
        completions.add(() -> p.done().completeExceptionally(failure));
      }
      return;
    }
    lastSeq = seq;
    lastVersion = version;
    long turnNumber = wrote ? ++writtenTurns : writtenTurns;
    int covered = 0;
    if (sync) {
      syncedThrough.accumulateAndGet(turnNumber, Math::max);
      covered = completeCovered(turnNumber, completions);
    }
    for (Pending p : written) {
      cache.applied(p.writes().data());
    }
    // Counters before completions: a caller that saw its future complete sees itself counted.
    count(written.size(), forced, sync, covered);
    long due = System.nanoTime() + backgroundSyncNanos;
    for (int i = 0; i < written.size(); i++) {
      Pending p = written.get(i);
      long last = results[i];
      if (p.writes().background() && syncedThrough.get() < turnNumber) {
        awaitSync(new Deferred(turnNumber, p, last, due));
      } else {
        completions.add(() -> p.done().complete(last));
      }
    }
  }

  /** The cache of committed values this writer keeps current. */
  DataCache cache() {
    return cache;
  }

  /**
   * Counts a batch of {@code sets}, {@code forced} of them forced; if synced, {@code covered}
   * background-forced sets of earlier batches became durable with it (the group it served).
   */
  private void count(int sets, int forced, boolean sync, int covered) {
    forcedWrites += forced;
    lazyWrites += sets - forced;
    if (sync) {
      syncs++;
      maxBatch = Math.max(maxBatch, sets + covered);
      syncBatches.observe(sets + covered);
    }
  }

  /** The bytes of one write set, computed before any of it enters the batch. */
  private record Encoded(
      byte[][] records,
      byte[][] dataKeys,
      byte[][] dataValues,
      byte[][] metaKeys,
      byte[][] metaValues) {
    static Encoded of(WriteSet set) {
      List<LogRecord> records = set.records();
      byte[][] encodedRecords = new byte[records.size()][];
      for (int i = 0; i < encodedRecords.length; i++) {
        encodedRecords[i] = RecordCodec.encode(records.get(i));
      }
      List<DataWrite> writes = set.data();
      byte[][] keys = new byte[writes.size()][];
      byte[][] values = new byte[writes.size()][];
      for (int i = 0; i < keys.length; i++) {
        DataWrite w = writes.get(i);
        keys[i] = Layout.dataKey(w.key());
        values[i] = w.value() == null ? null : Layout.dataValue(w.key(), w.value(), w.version());
      }
      List<MetaWrite> metas = set.meta();
      byte[][] metaKeys = new byte[metas.size()][];
      byte[][] metaValues = new byte[metas.size()][];
      for (int i = 0; i < metaKeys.length; i++) {
        metaKeys[i] = Layout.metaKey(metas.get(i).key());
        metaValues[i] = metas.get(i).value();
      }
      return new Encoded(encodedRecords, keys, values, metaKeys, metaValues);
    }
  }
}
