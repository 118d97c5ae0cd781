package io.ringtx.bench.engine;

import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.message.KeyWrite;
import io.ringtx.protocol.message.Reason;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import io.ringtx.storage.NodeStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The no-distribution reference: the same transactions against one local store, with no network
 * and no two-phase commit. It keeps RingTx's concurrency control — optimistic reads that record
 * versions, and at commit per-key locks, validation and one forced {@link WriteSet} (a {@link
 * Committed} record with the data, as a participant writes for a one-phase commit) — so that the
 * difference between the two is what distribution costs.
 *
 * <p>Locks are in-process and <b>no-wait</b>: a transaction that finds one of its keys (read or
 * written) locked by another committing transaction aborts with {@code CONFLICT} instead of
 * waiting, as RingTx's participants do; so does one whose read version is no longer current. No
 * deadlock is possible. Locks are held from validation until the forced write is durable. A
 * transaction with no writes validates under its locks and writes nothing.
 */
public final class RocksLocalEngine implements TxEngine {
  private static final long BASE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long WRITE_TIMEOUT_SECONDS = 30;

  private final NodeStore store;
  private final int maxAttempts;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final AtomicLong versions;
  private final AtomicLong txSeq = new AtomicLong();

  /** An engine over {@code store}, which stays the caller's to close. */
  public RocksLocalEngine(NodeStore store, int maxAttempts) {
    this.store = Objects.requireNonNull(store, "store");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.versions = new AtomicLong(store.lastVersion());
  }

  @Override
  public Attempt execute(TxBody body) {
    for (int attempt = 1; ; attempt++) {
      long t0 = System.nanoTime();
      View view = new View(store);
      body.apply(view);
      long t1 = System.nanoTime();
      Reason outcome = commit(view);
      long t2 = System.nanoTime();
      if (outcome == null) {
        return Attempt.committed(t1 - t0, t2 - t1);
      }
      if (outcome != Reason.CONFLICT || attempt >= maxAttempts) {
        return Attempt.aborted(outcome.name(), t1 - t0, t2 - t1);
      }
      long ceiling = Math.min(MAX_BACKOFF_NANOS, BASE_BACKOFF_NANOS << Math.min(attempt - 1, 20));
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
  }

  /** Null if committed, else the abort reason. */
  private Reason commit(View view) {
    Object owner = new Object();
    List<String> held = new ArrayList<>();
    try {
      for (String key : view.keys()) {
        if (locks.putIfAbsent(key, owner) != null) {
          return Reason.CONFLICT;
        }
        held.add(key);
      }
      for (Map.Entry<String, Long> r : view.reads.entrySet()) {
        if (store.read(r.getKey()).version() != r.getValue()) {
          return Reason.CONFLICT;
        }
      }
      if (view.writes.isEmpty()) {
        return null;
      }
      long version = versions.incrementAndGet();
      List<KeyWrite> kws = new ArrayList<>(view.writes.size());
      List<DataWrite> data = new ArrayList<>(view.writes.size());
      view.writes.forEach((k, v) -> {
        kws.add(new KeyWrite(k, v));
        data.add(new DataWrite(k, v, version));
      });
      TxId id = TxId.of("local-" + txSeq.incrementAndGet());
      try {
        store.write(WriteSet.forced(List.of(new Committed(id, version, kws)), data))
            .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while tx=" + id + " was being written", e);
      } catch (ExecutionException | TimeoutException e) {
        // A failed forced write is a broken environment, not an outcome to count.
        throw new IllegalStateException("tx=" + id + " forced write failed", e);
      }
      return null;
    } finally {
      for (String key : held) {
        locks.remove(key, owner);
      }
    }
  }

  @Override
  public void close() {
    // The store belongs to the target.
  }

  /** Reads through to the store, recording versions; writes buffered. */
  private static final class View implements TxView {
    private final NodeStore store;
    private final Map<String, Long> reads = new HashMap<>();
    private final Map<String, String> writes = new LinkedHashMap<>();
    private final Map<String, String> readValues = new HashMap<>();

    View(NodeStore store) {
      this.store = store;
    }

    @Override
    public String get(String key) {
      if (writes.containsKey(key)) {
        return writes.get(key);
      }
      if (!reads.containsKey(key)) {
        Versioned v = store.read(key);
        reads.put(key, v.version());
        readValues.put(key, v.value());
      }
      return readValues.get(key);
    }

    @Override
    public void put(String key, String value) {
      writes.put(key, Objects.requireNonNull(value, "value"));
    }

    List<String> keys() {
      List<String> keys = new ArrayList<>(reads.keySet());
      for (String k : writes.keySet()) {
        if (!reads.containsKey(k)) {
          keys.add(k);
        }
      }
      return keys;
    }
  }
}
