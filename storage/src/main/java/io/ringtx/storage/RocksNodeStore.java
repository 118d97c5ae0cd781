package io.ringtx.storage;

import io.ringtx.protocol.codec.CorruptRecordException;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.metrics.Histogram;
import io.ringtx.protocol.step.Versioned;
import io.ringtx.protocol.step.WriteSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link NodeStore} of a node, in one RocksDB database per directory.
 *
 * <p>On-disk layout (store format 1). Integers are big-endian.
 *
 * <ul>
 *   <li>{@code data}: key (UTF-8) → 1 format byte ({@code 1}), 8-byte version, value (UTF-8). A
 *       delete removes the key, so an absent key reads as version 0 (DESIGN §2).
 *   <li>{@code log}: 8-byte seq (1, 2, …) → 8-byte append time in epoch millis, then the record
 *       as written by {@link io.ringtx.protocol.codec.RecordCodec} (magic, format version,
 *       CRC32C, JSON). Byte order of the keys is seq order.
 *   <li>{@code tx}: transaction id (UTF-8) → 8-byte seq of the transaction's latest log record.
 *       A pointer rather than a copy: the record is stored once, and a large PREPARED record is
 *       not written twice.
 *   <li>{@code meta}: {@code format} → 4-byte store format; {@code lastSeq} → 8-byte seq of the
 *       last record; {@code lastVersion} → 8-byte highest data version written.
 * </ul>
 *
 * <p>Every {@link WriteSet} updates all four in one RocksDB write, so they never disagree after a
 * crash. The RocksDB WAL is recovered to the last consistent point ({@link
 * WALRecoveryMode#PointInTimeRecovery}): a torn tail can only hold unsynced writes, which no
 * caller was told were durable.
 *
 * <p>Opening checks the format, recovers {@code lastSeq} and {@code lastVersion} from {@code meta}
 * and decodes the last log record only; every other record is checked by its CRC when it is read,
 * and a damaged one throws {@link CorruptRecordException} naming its seq. Reads are synchronous
 * and thread-safe, and see a write once RocksDB accepted it (before its future completes). Writes
 * go through one writer thread with group commit (see {@link NodeStore}). {@link #close()} must not
 * be called from inside a {@code forEach…} callback.
 */
public final class RocksNodeStore implements NodeStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksNodeStore.class);

  /** WAL bytes after which RocksDB flushes the column families that keep old WAL files alive. */
  private static final long MAX_TOTAL_WAL_BYTES = 64L * 1024 * 1024;

  /**
   * WAL files kept for reuse instead of deleted. A forced write that grows a file (a fresh WAL
   * file: RocksDB preallocates without changing its size) also makes the file system journal
   * the new size on every fsync; a forced write inside a reused file's old length does not.
   * Measured with {@code bench run --target rocksdb-local --workload single --concurrency 1}:
   * p50 0.163-0.170 ms without, 0.140-0.150 ms with. RocksDB replays reused files correctly in
   * point-in-time recovery since 9.x (facebook/rocksdb#12403).
   */
  private static final long RECYCLED_WAL_FILES = 4;

  /**
   * The key {@link #prepareWalFiles} writes in the default column family (otherwise empty): a
   * flush switches to another WAL file only when some memtable holds something.
   */
  private static final byte[] WAL_SWITCH_MARKER = Layout.utf8("wal-switch");

  /** The largest piece of filler {@link #prepareWalFiles} writes at once. */
  private static final int WAL_FILLER_CHUNK = 1024 * 1024;

  /** Bloom filter bits per key in every table file: about 1% false positives. */
  private static final double BLOOM_BITS_PER_KEY = 10;

  /** The memtable's whole-key bloom filter, as a share of the memtable's size. */
  private static final double MEMTABLE_BLOOM_RATIO = 0.02;

  private final Path dir;
  private final RocksDB db;
  private final Columns columns;
  /** Every native object of this store, closed in reverse order: handles before the DB. */
  private final List<AutoCloseable> natives;
  /** Null for a store opened read-only. */
  private final StoreWriter writer;

  /** Read-only: the lock taken on the directory's LOCK file, and the info-log directory. */
  private final ReadOnlyHold readOnly;

  /** Reads share it; {@link #close()} takes it exclusively so no read runs on a closed DB. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private volatile boolean closed; // written under lifecycle

  /** Log entries one hold of the writer's turn lock decides on in {@link #prune}. */
  static final int PRUNE_CHUNK = 256;

  /** Held by a {@link #prune} pass; guards the two fields below. */
  private final Object pruning = new Object();

  /** Entries an earlier pass looked at and kept: looked at again first by the next one. */
  private final TreeSet<Long> keptByPrune = new TreeSet<>();

  /** In {@link #decideChunk}: a transaction without an index entry (seqs are positive). */
  private static final long NO_POINTER = -1;

  /** The first seq no {@link #prune} pass has looked at yet. */
  private long pruneFrom;

  private final AtomicLong prunedRecords = new AtomicLong();
  private final AtomicLong prunedTransactions = new AtomicLong();

  private RocksNodeStore(
      Path dir, RocksDB db, Columns columns, List<AutoCloseable> natives, StoreWriter writer,
      ReadOnlyHold readOnly) {
    this.dir = dir;
    this.db = db;
    this.columns = columns;
    this.natives = natives;
    this.writer = writer;
    this.readOnly = readOnly;
  }

  /**
   * The column families the store opens, in the order {@link Columns} takes their handles after
   * the default one: RocksDB always has a default column family and must be given it; the store
   * keeps only {@link #WAL_SWITCH_MARKER} there.
   */
  private static List<ColumnFamilyDescriptor> descriptors(ColumnFamilyOptions cfOptions) {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (String name : Layout.COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(Layout.utf8(name), cfOptions));
    }
    return descriptors;
  }

  /**
   * Opens an existing store for reading only (operator tools on a stopped node's data): nothing
   * in {@code dir} is created, written or renamed, and {@link #write} fails. While it is open,
   * the directory's {@code LOCK} file is locked, so a node cannot start on it meanwhile.
   *
   * <p>The lock is an advisory POSIX lock, the kind RocksDB takes: it sees a store held by
   * another process, not one open in this same process.
   *
   * @throws StoreLockedException if another process (a running node) holds the directory
   * @throws StorageException if {@code dir} holds no RingTx store, or it cannot be read
   * @throws CorruptRecordException if the last log record or the store's metadata is damaged
   */
  public static RocksNodeStore openReadOnly(Path dir) {
    Path path = dir.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path.resolve("CURRENT"))) {
      throw new StorageException(path + " holds no store (no RocksDB CURRENT file)");
    }
    RocksNativeLibrary.load();
    ReadOnlyHold hold = ReadOnlyHold.take(path);
    List<AutoCloseable> natives = new ArrayList<>();
    try {
      DBOptions dbOptions = new DBOptions()
          // RocksDB's own info log would be rotated inside the directory otherwise.
          .setDbLogDir(hold.infoLogDir().toString());
      natives.add(dbOptions);
      ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
      natives.add(cfOptions);
      refuseUnknownColumnFamilies(path);
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db = RocksDB.openReadOnly(dbOptions, path.toString(), descriptors(cfOptions),
          handles);
      natives.add(db);
      natives.addAll(handles);
      Columns columns =
          new Columns(handles.get(1), handles.get(2), handles.get(3), handles.get(4));
      byte[] format = db.get(columns.meta(), Layout.utf8(Layout.META_FORMAT));
      if (format == null) {
        throw new StorageException(path + " has no store format marker: not a RingTx store");
      }
      int found = Layout.decodeInt(format, "meta format");
      if (found != Layout.STORE_FORMAT) {
        throw new StorageException(path + " has store format " + found
            + "; this build reads format " + Layout.STORE_FORMAT);
      }
      checkLogTail(db, columns, readMetaLong(db, columns, Layout.META_LAST_SEQ));
      LOG.debug("store opened read-only dir={}", path);
      return new RocksNodeStore(path, db, columns, natives, null, hold);
    } catch (RocksDBException e) {
      StorageException failure =
          new StorageException("cannot open store " + path + " read-only: " + e.getMessage(), e);
      hold.release(closeAll(natives, failure));
      throw failure;
    } catch (RuntimeException | Error e) {
      hold.release(closeAll(natives, e));
      throw e;
    }
  }

  /** Whether this store was opened by {@link #openReadOnly}. */
  public boolean isReadOnly() {
    return readOnly != null;
  }

  @Override
  public void forEachData(BiConsumer<String, Versioned> action) {
    Objects.requireNonNull(action, "action");
    reading(() -> "scan of the data", () -> {
      Snapshot snapshot = db.getSnapshot();
      try (ReadOptions atSnapshot = new ReadOptions().setSnapshot(snapshot);
          RocksIterator it = db.newIterator(columns.data(), atSnapshot)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          String key = new String(it.key(), StandardCharsets.UTF_8);
          action.accept(key, Layout.decodeDataValue(key, it.value()));
        }
        it.status();
        return null;
      } finally {
        db.releaseSnapshot(snapshot);
      }
    });
  }

  /** Opens (creating if missing) the store in {@code dir} with {@link StoreOptions#defaults()}. */
  public static RocksNodeStore open(Path dir) {
    return open(dir, StoreOptions.defaults());
  }

  /**
   * Opens (creating if missing) the store in {@code dir}.
   *
   * @throws StoreLockedException if the directory is open in this or another process
   * @throws StorageException if the directory cannot be created or holds no readable store
   * @throws CorruptRecordException if the last log record or the store's metadata is damaged
   */
  public static RocksNodeStore open(Path dir, StoreOptions options) {
    return open(dir, options, UnaryOperator.identity());
  }

  /** As {@link #open(Path, StoreOptions)}, with the writer's RocksDB write wrapped (tests only). */
  static RocksNodeStore open(
      Path dir, StoreOptions options, UnaryOperator<StoreWriter.BatchWrite> decorateWrites) {
    Objects.requireNonNull(options, "options");
    RocksNativeLibrary.load();
    Path path = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new StorageException("cannot create store directory " + path, e);
    }
    List<AutoCloseable> natives = new ArrayList<>();
    try {
      return open(path, options, decorateWrites, natives);
    } catch (RocksDBException e) {
      StorageException failure = translateOpenFailure(path, e);
      closeAll(natives, failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      closeAll(natives, e);
      throw e;
    }
  }

  private static RocksNodeStore open(
      Path path,
      StoreOptions options,
      UnaryOperator<StoreWriter.BatchWrite> decorateWrites,
      List<AutoCloseable> natives)
      throws RocksDBException {
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
            .setRecycleLogFileNum(RECYCLED_WAL_FILES)
            // A column family written rarely (data, on a coordinator) would otherwise pin every
            // WAL file since its last flush.
            .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
            .setKeepLogFileNum(4)
            .setMaxLogFileSize(8L * 1024 * 1024);
    natives.add(dbOptions);
    BloomFilter bloom = new BloomFilter(BLOOM_BITS_PER_KEY);
    natives.add(bloom);
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions()
            .setWriteBufferSize(options.writeBufferBytes())
            // Most point reads on the commit path look for what is not there (the state of a
            // transaction a participant has not seen yet, a key never written): whole-key bloom
            // filters answer those without searching the memtable's skip list and every file.
            .setMemtableWholeKeyFiltering(true)
            .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO)
            .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom));
    natives.add(cfOptions);
    WriteOptions synced = new WriteOptions().setSync(true);
    natives.add(synced);
    WriteOptions lazy = new WriteOptions().setSync(false);
    natives.add(lazy);

    refuseUnknownColumnFamilies(path);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db = RocksDB.open(dbOptions, path.toString(), descriptors(cfOptions), handles);
    natives.add(db);
    natives.addAll(handles);
    Columns columns = new Columns(handles.get(1), handles.get(2), handles.get(3), handles.get(4));

    checkFormat(path, db, columns, synced);
    long lastSeq = readMetaLong(db, columns, Layout.META_LAST_SEQ);
    long lastVersion = readMetaLong(db, columns, Layout.META_LAST_VERSION);
    checkLogTail(db, columns, lastSeq);
    prepareWalFiles(db, handles, lazy, options.writeBufferBytes());

    StoreWriter writer =
        new StoreWriter(
            path.toString(), decorateWrites.apply(db::write), columns, synced, lazy, options,
            lastSeq, lastVersion);
    RocksNodeStore store = new RocksNodeStore(path, db, columns, natives, writer, null);
    writer.start();
    LOG.info("store opened dir={} lastSeq={} lastVersion={}", path, lastSeq, lastVersion);
    return store;
  }

  /**
   * Leaves the store writing into a reused WAL file at least {@code bytes} long, with another
   * such file kept for the next switch, so forced writes from the first one on overwrite old
   * file space instead of growing a file (RocksDB forgets its reusable files when it closes).
   * Twice: fill the current WAL file with {@code bytes} of log-only filler (RocksDB skips it on
   * replay: {@code WriteBatch.putLogData}), then flush every column family, which retires that
   * file into the reuse list and switches to the next one; the second switch reuses the first
   * file. Costs {@code 2 × bytes} of unsynced writes and two small flushes (about 50 ms for 16
   * MiB on this project's machine, where it took forced writes from p50 0.16 to 0.10 ms).
   */
  private static void prepareWalFiles(
      RocksDB db, List<ColumnFamilyHandle> handles, WriteOptions lazy, long bytes)
      throws RocksDBException {
    byte[] filler = new byte[(int) Math.min(bytes, WAL_FILLER_CHUNK)];
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (int file = 0; file < 2; file++) {
        for (long written = 0; written < bytes; written += filler.length) {
          try (WriteBatch batch = new WriteBatch()) {
            batch.putLogData(filler);
            db.write(lazy, batch);
          }
        }
        db.put(handles.get(0), lazy, WAL_SWITCH_MARKER, new byte[0]);
        db.flush(flush, handles);
      }
    }
  }

  /** Opening with too few descriptors fails anyway; this says why in our terms. */
  private static void refuseUnknownColumnFamilies(Path path) throws RocksDBException {
    if (!Files.exists(path.resolve("CURRENT"))) {
      return; // a new store
    }
    Set<String> known = new HashSet<>(Layout.COLUMN_FAMILIES);
    known.add(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8));
    try (Options listing = new Options()) {
      for (byte[] name : RocksDB.listColumnFamilies(listing, path.toString())) {
        String cf = new String(name, StandardCharsets.UTF_8);
        if (!known.contains(cf)) {
          throw new StorageException(
              path + " has column family '" + cf + "' unknown to this build (store format "
                  + Layout.STORE_FORMAT + "): written by a newer build or not a RingTx store");
        }
      }
    }
  }

  private static void checkFormat(Path path, RocksDB db, Columns columns, WriteOptions synced)
      throws RocksDBException {
    byte[] format = db.get(columns.meta(), Layout.utf8(Layout.META_FORMAT));
    if (format == null) {
      if (!isEmpty(db, columns.log()) || !isEmpty(db, columns.data())
          || !isEmpty(db, columns.tx())) {
        throw new StorageException(
            path + " holds data but no store format marker: not a RingTx store, refusing it");
      }
      db.put(
          columns.meta(), synced, Layout.utf8(Layout.META_FORMAT),
          Layout.intBytes(Layout.STORE_FORMAT));
      return;
    }
    int found = Layout.decodeInt(format, "meta format");
    if (found != Layout.STORE_FORMAT) {
      throw new StorageException(
          path + " has store format " + found + "; this build reads format "
              + Layout.STORE_FORMAT);
    }
  }

  private static long readMetaLong(RocksDB db, Columns columns, String key)
      throws RocksDBException {
    byte[] value = db.get(columns.meta(), Layout.utf8(key));
    return value == null ? 0 : Layout.decodeLong(value, "meta " + key);
  }

  /**
   * The last record and {@code meta/lastSeq} are written in one batch, so they must agree; and
   * the last record is the one a crash could have damaged, so it is decoded now rather than when
   * recovery first needs it.
   */
  private static void checkLogTail(RocksDB db, Columns columns, long lastSeq)
      throws RocksDBException {
    try (RocksIterator it = db.newIterator(columns.log())) {
      it.seekToLast();
      if (!it.isValid()) {
        it.status();
        if (lastSeq != 0) {
          throw new CorruptRecordException(
              "log is empty but meta records last seq " + lastSeq);
        }
        return;
      }
      long seq = Layout.seqOfKey(it.key());
      if (seq != lastSeq) {
        throw new CorruptRecordException(
            Layout.where(seq) + " is the last in the log but meta records last seq " + lastSeq);
      }
      Layout.decodeLogEntry(seq, it.value());
    }
  }

  private static boolean isEmpty(RocksDB db, ColumnFamilyHandle cf) throws RocksDBException {
    try (RocksIterator it = db.newIterator(cf)) {
      it.seekToFirst();
      if (it.isValid()) {
        return false;
      }
      it.status();
      return true;
    }
  }

  private static StorageException translateOpenFailure(Path path, RocksDBException e) {
    String message = String.valueOf(e.getMessage());
    // RocksDB reports its LOCK file: "While lock file: …/LOCK: Resource temporarily
    // unavailable" from another process, "lock hold by current process" from this one.
    if (message.contains("/LOCK") || message.toLowerCase(Locale.ROOT).contains("lock hold")) {
      LOG.warn("RTX-2001 store {} is already open elsewhere: {}", path, message);
      return new StoreLockedException(
          "store directory " + path + " is already in use by another open store "
              + "(in this or another process): " + message, e);
    }
    return new StorageException("cannot open store " + path + ": " + message, e);
  }

  @Override
  public CompletableFuture<Long> write(WriteSet writes) {
    Objects.requireNonNull(writes, "writes");
    if (writer == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("store " + dir + " is open read-only"));
    }
    return writer.submit(writes);
  }

  /**
   * Written at the end of the caller's turn, on its thread, while the store's disk is quick and
   * its writer thread has nothing in hand; otherwise by the writer thread. See {@link
   * StoreWriter}.
   */
  @Override
  public CompletableFuture<Long> write(WriteSet writes, Executor endOfTurn) {
    Objects.requireNonNull(writes, "writes");
    if (writer == null || endOfTurn == null) {
      return write(writes);
    }
    return writer.submitAtEndOfTurn(writes, endOfTurn);
  }

  @Override
  public Versioned read(String key) {
    Objects.requireNonNull(key, "key");
    if (writer == null) {
      return readStored(key);
    }
    if (closed) {
      throw closedError();
    }
    return writer.cache().read(key, () -> readStored(key));
  }

  private Versioned readStored(String key) {
    return reading(() -> "read of key '" + key + "'", () -> {
      byte[] value = db.get(columns.data(), Layout.dataKey(key));
      return value == null ? Versioned.ABSENT : Layout.decodeDataValue(key, value);
    });
  }

  @Override
  public Optional<LogRecord> txState(TxId txId) {
    Objects.requireNonNull(txId, "txId");
    return reading(() -> "state of tx " + txId, () -> {
      // The usual answer on the commit path (a transaction not seen yet) needs no snapshot.
      if (db.get(columns.tx(), Layout.utf8(txId.value())) == null) {
        return Optional.<LogRecord>empty();
      }
      Snapshot snapshot = db.getSnapshot();
      try (ReadOptions atSnapshot = new ReadOptions().setSnapshot(snapshot)) {
        byte[] seq = db.get(columns.tx(), atSnapshot, Layout.utf8(txId.value()));
        return seq == null
            ? Optional.<LogRecord>empty()
            : Optional.of(latestRecord(atSnapshot, txId, seq));
      } finally {
        db.releaseSnapshot(snapshot);
      }
    });
  }

  @Override
  public void forEachTx(BiConsumer<TxId, LogRecord> action) {
    Objects.requireNonNull(action, "action");
    reading(() -> "scan of tx states", () -> {
      // One snapshot for the index and the log, so every pointer read finds its record.
      Snapshot snapshot = db.getSnapshot();
      try (ReadOptions atSnapshot = new ReadOptions().setSnapshot(snapshot);
          RocksIterator it = db.newIterator(columns.tx(), atSnapshot)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          TxId txId = txIdOfKey(it.key());
          action.accept(txId, latestRecord(atSnapshot, txId, it.value()));
        }
        it.status();
        return null;
      } finally {
        db.releaseSnapshot(snapshot);
      }
    });
  }

  @Override
  public Pruned prune(long olderThanMillis, Predicate<LogRecord> finished,
      LongConsumer afterChunk) {
    Objects.requireNonNull(finished, "finished");
    Objects.requireNonNull(afterChunk, "afterChunk");
    if (writer == null) {
      throw new IllegalStateException("store " + dir + " is open read-only");
    }
    synchronized (pruning) {
      return reading(() -> "prune of the log", () -> {
        long[] counts = new long[2];
        List<LogEntry> chunk = new ArrayList<>(PRUNE_CHUNK);
        // Each chunk's time: reading and decoding its entries, then deciding and deleting.
        long[] mark = {System.nanoTime()};
        Runnable paced = () -> {
          afterChunk.accept(System.nanoTime() - mark[0]);
          mark[0] = System.nanoTime();
        };
        // What earlier passes kept, then what none has looked at, in log order; a transaction's
        // latest record comes after its others, so its history goes in one pass.
        for (long seq : List.copyOf(keptByPrune)) {
          keptByPrune.remove(seq);
          LogEntry kept = entryAt(seq);
          if (kept != null) {
            chunk.add(kept);
            if (chunk.size() == PRUNE_CHUNK) {
              pruneChunk(chunk, olderThanMillis, finished, counts, paced);
            }
          }
        }
        try (RocksIterator it = db.newIterator(columns.log())) {
          for (it.seek(Layout.seqKey(pruneFrom)); it.isValid(); it.next()) {
            LogEntry e = Layout.decodeLogEntry(Layout.seqOfKey(it.key()), it.value());
            if (e.timeMillis() >= olderThanMillis) {
              break; // appended in time order (a clock set back only delays some pruning)
            }
            chunk.add(e);
            pruneFrom = e.seq() + 1;
            if (chunk.size() == PRUNE_CHUNK) {
              pruneChunk(chunk, olderThanMillis, finished, counts, paced);
            }
          }
          it.status();
        }
        pruneChunk(chunk, olderThanMillis, finished, counts, paced);
        return new Pruned(counts[0], counts[1]);
      });
    }
  }

  /**
   * Decides on the entries of {@code chunk} holding the writer's turn lock, so that no record of
   * their transactions is written meanwhile, and deletes in one unforced batch the entries of
   * every finished transaction whose latest record is older than the cutoff; the others are
   * remembered to look at again. Clears {@code chunk}.
   */
  private void pruneChunk(List<LogEntry> chunk, long olderThanMillis,
      Predicate<LogRecord> finished, long[] counts, Runnable paced) throws RocksDBException {
    if (chunk.isEmpty()) {
      return;
    }
    try {
      decideChunk(chunk, olderThanMillis, finished, counts);
    } catch (RocksDBException | RuntimeException e) {
      // Nothing of the chunk was deleted: the next pass looks at all of it again.
      chunk.forEach(entry -> keptByPrune.add(entry.seq()));
      throw e;
    } finally {
      chunk.clear();
    }
    paced.run();
  }

  private void decideChunk(List<LogEntry> chunk, long olderThanMillis,
      Predicate<LogRecord> finished, long[] counts) throws RocksDBException {
    writer.exclusive((lastSeq, write) -> {
      long records = 0;
      long transactions = 0;
      // Nothing is written while the turn lock is held, so a transaction's pointer and the
      // decision on its latest record are the same for each of its entries: each is read once,
      // and a latest record in the chunk itself is not read again.
      Map<Long, LogEntry> inChunk = new HashMap<>(chunk.size() * 2);
      chunk.forEach(e -> inChunk.put(e.seq(), e));
      Map<TxId, Long> pointers = new HashMap<>();
      Map<Long, Boolean> doneByLatest = new HashMap<>();
      try (WriteBatch batch = new WriteBatch(); WriteOptions unforced = new WriteOptions()) {
        for (LogEntry e : chunk) {
          TxId txId = e.record().txId();
          byte[] txKey = Layout.utf8(txId.value());
          Long pointer = pointers.get(txId);
          if (pointer == null) {
            byte[] stored = db.get(columns.tx(), txKey);
            pointer = stored == null ? NO_POINTER : Layout.decodeLong(stored, "tx " + txId);
            pointers.put(txId, pointer);
          }
          long latestSeq = pointer == NO_POINTER ? e.seq() : pointer;
          Boolean done = doneByLatest.get(latestSeq);
          if (done == null) {
            LogEntry latest = inChunk.get(latestSeq);
            if (latest == null) {
              latest = entryAt(latestSeq);
            }
            done = latest != null
                && latest.seq() != lastSeq
                && latest.timeMillis() < olderThanMillis
                && finished.test(latest.record());
            doneByLatest.put(latestSeq, done);
          }
          if (!done) {
            keptByPrune.add(e.seq());
            continue;
          }
          batch.delete(columns.log(), Layout.seqKey(e.seq()));
          records++;
          if (pointer != NO_POINTER && latestSeq == e.seq()) {
            batch.delete(columns.tx(), txKey);
            transactions++;
          }
        }
        if (batch.count() > 0) {
          write.write(unforced, batch);
        }
      }
      counts[0] += records;
      counts[1] += transactions;
      prunedRecords.addAndGet(records);
      prunedTransactions.addAndGet(transactions);
    });
  }

  private LogEntry entryAt(long seq) throws RocksDBException {
    byte[] value = db.get(columns.log(), Layout.seqKey(seq));
    return value == null ? null : Layout.decodeLogEntry(seq, value);
  }

  @Override
  public Pruned prunedTotal() {
    return new Pruned(prunedRecords.get(), prunedTransactions.get());
  }

  @Override
  public void forEachLogEntry(long fromSeq, Consumer<LogEntry> action) {
    Objects.requireNonNull(action, "action");
    reading(() -> "scan of the log from seq " + fromSeq, () -> {
      // Seqs start at 1; a negative long would sort after every seq in byte order.
      long from = Math.max(fromSeq, 0);
      try (RocksIterator it = db.newIterator(columns.log())) {
        for (it.seek(Layout.seqKey(from)); it.isValid(); it.next()) {
          long seq = Layout.seqOfKey(it.key());
          action.accept(Layout.decodeLogEntry(seq, it.value()));
        }
        it.status();
        return null;
      }
    });
  }

  @Override
  public Map<String, byte[]> metaWithPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return reading(() -> "scan of metadata " + prefix, () -> {
      Map<String, byte[]> out = new TreeMap<>();
      byte[] from = Layout.metaKey(prefix);
      try (RocksIterator it = db.newIterator(columns.meta())) {
        for (it.seek(from); it.isValid() && startsWith(it.key(), from); it.next()) {
          String key = new String(it.key(), StandardCharsets.UTF_8)
              .substring(Layout.META_USER_PREFIX.length());
          out.put(key, it.value());
        }
        it.status();
      }
      return out;
    });
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long lastVersion() {
    if (writer == null) {
      return reading(() -> "meta lastVersion", () ->
          readMetaLong(db, columns, Layout.META_LAST_VERSION));
    }
    return writer.lastVersion();
  }

  @Override
  public StoreStats stats() {
    return writer == null ? new StoreStats(0, 0, 0, 0) : writer.stats();
  }

  @Override
  public Histogram syncBatchSizes() {
    return writer.syncBatches();
  }

  /** The directory of this store. */
  public Path directory() {
    return dir;
  }

  /**
   * Refuses new writes (their futures fail with {@link IllegalStateException} "store closed"),
   * writes everything already queued, syncs the WAL so that lazy writes survive a clean shutdown,
   * and releases every native resource. Idempotent. Must not be called from a {@code forEach…}
   * callback or from a callback of a write's future (it would wait for itself).
   */
  @Override
  public void close() {
    if (lifecycle.getReadHoldCount() > 0) {
      throw new IllegalStateException(
          "close() called from inside a callback of this store's forEach; it would deadlock");
    }
    if (writer != null && writer.isWriterThread()) {
      throw new IllegalStateException(
          "close() called from a write's callback on the store's writer thread; it would deadlock");
    }
    // Stop the writer before taking the lock: callbacks of the last writes run on the writer
    // thread and may still read, which must not wait for this close.
    if (writer != null) {
      writer.stop();
    }
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // Holding the write lock: no read is running, and none can start.
      Throwable failure = null;
      if (readOnly == null) {
        try {
          db.syncWal();
        } catch (RocksDBException e) {
          failure = new StorageException("cannot sync the WAL of " + dir + " on close", e);
        }
      }
      failure = closeAll(natives, failure);
      if (readOnly != null) {
        failure = readOnly.release(failure);
        if (failure == null) {
          LOG.debug("store closed dir={} (read-only)", dir);
          return;
        }
      }
      if (failure != null) {
        LOG.error("RTX-2004 store {} did not close cleanly", dir, failure);
        throw failure instanceof StorageException s
            ? s
            : new StorageException("cannot close store " + dir, failure);
      }
      LOG.info("store closed dir={} {}", dir, writer.stats());
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private LogRecord latestRecord(ReadOptions atSnapshot, TxId txId, byte[] seqBytes)
      throws RocksDBException {
    long seq = Layout.decodeLong(seqBytes, "tx " + txId);
    byte[] value = db.get(columns.log(), atSnapshot, Layout.seqKey(seq));
    if (value == null) {
      throw new CorruptRecordException("tx " + txId + " points at " + Layout.where(seq)
          + ", which is missing");
    }
    LogRecord record = Layout.decodeLogEntry(seq, value).record();
    if (!record.txId().equals(txId)) {
      throw new CorruptRecordException("tx " + txId + " points at " + Layout.where(seq)
          + ", which belongs to tx " + record.txId());
    }
    return record;
  }

  private static TxId txIdOfKey(byte[] key) {
    String id = new String(key, StandardCharsets.UTF_8);
    if (!TxId.isValid(id)) {
      throw new CorruptRecordException("tx index holds an invalid transaction id '" + id + "'");
    }
    return TxId.of(id);
  }

  /** A read that needs RocksDB: throws rather than touch a closed database. */
  private <T> T reading(Supplier<String> what, RocksRead<T> read) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw closedError();
      }
      return read.run();
    } catch (RocksDBException e) {
      throw new StorageException(
          what.get() + " failed in " + dir + ": " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private IllegalStateException closedError() {
    return new IllegalStateException("store closed: " + dir);
  }

  @FunctionalInterface
  private interface RocksRead<T> {
    T run() throws RocksDBException;
  }

  /**
   * Closes {@code natives} in reverse order, never stopping at a failure; returns {@code
   * failure} with every close failure added to it (or the first close failure if it was null).
   */
  private static Throwable closeAll(List<AutoCloseable> natives, Throwable failure) {
    for (int i = natives.size() - 1; i >= 0; i--) {
      try {
        AutoCloseable n = natives.get(i);
        if (n instanceof RocksDB rocks) {
          rocks.closeE(); // close() would drop a close error
        } else {
          n.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    natives.clear();
    return failure;
  }
}
