package io.ringtx.coordinator.sim;

import io.ringtx.coordinator.core.CoordinatorCore;
import io.ringtx.participant.core.ParticipantCore;
import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.CoordinatorEnd;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.step.DataView;
import io.ringtx.protocol.step.DataWrite;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One node's store, modelled on a write-ahead log (as RocksDB's WAL behaves):
 *
 * <ul>
 *   <li>writes are carried out one at a time in the order they were submitted, each taking a
 *       random time (an fsync for a forced write);
 *   <li>a forced write is durable when it completes, and so is everything written before it
 *       (syncing the log syncs its prefix); its data becomes readable only then;
 *   <li>a lazy write is applied (readable) when it completes but becomes durable only at the next
 *       forced write or at a background flush a random time later;
 *   <li>a write may fail (injected): then none of it is written, and later writes go on;
 *   <li>a crash keeps what is durable plus a random prefix of what was not yet (the fsync may
 *       have finished without the node hearing of it) and loses the rest.
 * </ul>
 *
 * <p>It serves the core as {@link DataView} and as the log view of either core. Records that
 * become applied or durable are reported to an {@link Observer} (the invariant checker).
 */
final class SimDisk implements DataView, ParticipantCore.LogView, CoordinatorCore.LogView {
  /** Told about every record as it becomes readable and as it becomes durable. */
  interface Observer {
    void applied(NodeId node, LogRecord record);

    /** {@code data}: the data writes of the same write set, durable with the record. */
    void durable(NodeId node, LogRecord record, List<DataWrite> data);
  }

  /** Latencies (ms) and the probability that a write fails. */
  record Options(long forcedMin, long forcedMax, long lazyMax, long flushMax, double failure) {}

  private record Pending(WriteSet writes, Consumer<Boolean> done) {}

  private final NodeId node;
  private final SimScheduler scheduler;
  private final Random rnd;
  private final Observer observer;
  private Options options;

  private final Map<String, Versioned> durableData = new TreeMap<>();
  private final Map<TxId, LogRecord> durableLatest = new LinkedHashMap<>();
  private long durableMaxVersion;

  private Map<String, Versioned> data = new TreeMap<>();
  private Map<TxId, LogRecord> latest = new LinkedHashMap<>();
  private long maxVersion;

  private final List<WriteSet> unflushed = new ArrayList<>();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean busy;
  private boolean flushScheduled;
  /** Bumped at every crash: completions scheduled before it are void. */
  private int epoch;
  long writes;
  long failures;

  SimDisk(NodeId node, SimScheduler scheduler, Random rnd, Observer observer, Options options) {
    this.node = node;
    this.scheduler = scheduler;
    this.rnd = rnd;
    this.observer = observer;
    this.options = options;
  }

  void setOptions(Options options) {
    this.options = options;
  }

  /** Initial committed data, durable from the start. */
  void seed(String key, String value, long version) {
    Versioned v = new Versioned(value, version);
    durableData.put(key, v);
    data.put(key, v);
    durableMaxVersion = Math.max(durableMaxVersion, version);
    maxVersion = Math.max(maxVersion, version);
  }

  /** Queues a write; {@code done} gets true once it is applied (durable if forced). */
  void submit(WriteSet ws, Consumer<Boolean> done) {
    queue.addLast(new Pending(ws, done));
    if (!busy) {
      startNext();
    }
  }

  private void startNext() {
    Pending p = queue.peekFirst();
    if (p == null) {
      busy = false;
      return;
    }
    busy = true;
    int e = epoch;
    long latency =
        p.writes().forced()
            ? options.forcedMin() + (long) (rnd.nextDouble() * (options.forcedMax() - options.forcedMin() + 1))
            : (long) (rnd.nextDouble() * (options.lazyMax() + 1));
    scheduler.after(latency, () -> {
      if (e != epoch) {
        return;
      }
      queue.pollFirst();
      complete(p);
      startNext();
    });
  }

  private void complete(Pending p) {
    writes++;
    if (rnd.nextDouble() < options.failure()) {
      failures++;
      p.done().accept(false);
      return;
    }
    applyVisible(p.writes());
    if (p.writes().forced()) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      int e = epoch;
      scheduler.after(1 + (long) (rnd.nextDouble() * options.flushMax()), () -> {
        if (e == epoch) {
          flushScheduled = false;
          flush();
        }
      });
    }
    p.done().accept(true);
  }

  private void applyVisible(WriteSet ws) {
    unflushed.add(ws);
    maxVersion = apply(ws, data, latest, maxVersion);
    for (LogRecord r : ws.records()) {
      observer.applied(node, r);
    }
  }

  /** Makes every applied write durable. */
  private void flush() {
    for (WriteSet ws : unflushed) {
      makeDurable(ws);
    }
    unflushed.clear();
  }

  private void makeDurable(WriteSet ws) {
    durableMaxVersion = apply(ws, durableData, durableLatest, durableMaxVersion);
    for (LogRecord r : ws.records()) {
      observer.durable(node, r, ws.data());
    }
  }

  private static long apply(
      WriteSet ws, Map<String, Versioned> data, Map<TxId, LogRecord> latest, long maxVersion) {
    for (LogRecord r : ws.records()) {
      latest.put(r.txId(), r);
    }
    for (DataWrite w : ws.data()) {
      if (w.value() == null) {
        data.remove(w.key());
      } else {
        data.put(w.key(), new Versioned(w.value(), w.version()));
      }
      maxVersion = Math.max(maxVersion, w.version());
    }
    return maxVersion;
  }

  /**
   * The node crashed: what is durable stays, plus a random prefix of the writes not yet durable
   * (applied lazily, or in flight); the rest is lost, and nothing in flight completes.
   */
  void crash() {
    epoch++;
    busy = false;
    flushScheduled = false;
    List<WriteSet> notDurable = new ArrayList<>(unflushed);
    queue.forEach(p -> notDurable.add(p.writes()));
    queue.clear();
    unflushed.clear();
    int keep = rnd.nextBoolean() ? 0 : rnd.nextInt(notDurable.size() + 1);
    for (int i = 0; i < keep; i++) {
      makeDurable(notDurable.get(i));
    }
    data = new TreeMap<>(durableData);
    latest = new LinkedHashMap<>(durableLatest);
    maxVersion = durableMaxVersion;
  }

  /**
   * The retention window (DESIGN §2) has passed for every ended transaction: a coordinator's log
   * forgets those whose latest record is END, so asking about them gets a presumed abort.
   */
  void forgetEnded() {
    durableLatest.values().removeIf(r -> r instanceof CoordinatorEnd);
    latest.values().removeIf(r -> r instanceof CoordinatorEnd);
  }

  // ---- what the cores read ----

  @Override
  public Versioned read(String key) {
    return data.getOrDefault(key, Versioned.ABSENT);
  }

  @Override
  public Optional<LogRecord> txState(TxId txId) {
    return Optional.ofNullable(latest.get(txId));
  }

  /** The highest data version ever written (for a restarting participant). */
  long lastVersion() {
    return maxVersion;
  }

  /** The latest record of every transaction, in first-seen order (for recovery). */
  List<LogRecord> latestRecords() {
    return new ArrayList<>(latest.values());
  }

  // ---- what the checker reads ----

  /** The latest durable record of {@code txId}, if any. */
  Optional<LogRecord> durableState(TxId txId) {
    return Optional.ofNullable(durableLatest.get(txId));
  }

  Versioned durableRead(String key) {
    return durableData.getOrDefault(key, Versioned.ABSENT);
  }

  Map<String, Versioned> visibleData() {
    return data;
  }

  Map<String, Versioned> durableData() {
    return durableData;
  }
}
