package io.ringtx.client;

import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of a transaction: the read set (one version per key, the value cached) and the
 * write buffer. Writes to one key are folded into one operation with the same effect — put then
 * append is a put of the concatenation, delete then append a put of the suffix, appends to a key
 * never read stay an append — so the commit carries at most one write per key.
 */
final class TxAttempt implements Tx {
  /** Reads a key from the cluster: its value (null if absent) and version. */
  interface Reader {
    Read read(String key);

    /** Reads several distinct keys at once; by default one after another. */
    default Map<String, Read> readAll(List<String> keys) {
      Map<String, Read> out = new LinkedHashMap<>();
      for (String k : keys) {
        out.put(k, read(k));
      }
      return out;
    }
  }

  /** A value read from the cluster (null if absent) and its version (0 if it never existed). */
  record Read(String value, long version) {}

  /** The effect of the buffered writes to one key. */
  private sealed interface Pending permits Assign, Append {}

  /** The key ends up with {@code value}, or deleted if null. */
  private record Assign(String value) implements Pending {}

  /** The key ends up with its current value (or "") followed by {@code suffix}. */
  private record Append(String suffix) implements Pending {}

  private final String id;
  private final Reader reader;
  private final Map<String, Read> reads = new LinkedHashMap<>();
  private final Map<String, Pending> writes = new LinkedHashMap<>();
  private boolean open = true;

  TxAttempt(String id, Reader reader) {
    this.id = id;
    this.reader = reader;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Optional<String> get(String key) {
    checkUsable(key);
    Pending p = writes.get(key);
    if (p instanceof Assign a) {
      // Written blindly: the value does not depend on the store, so nothing joins the read set.
      return Optional.ofNullable(a.value());
    }
    String base = readThrough(key);
    if (p instanceof Append a) {
      return Optional.of((base == null ? "" : base) + a.suffix());
    }
    return Optional.ofNullable(base);
  }

  @Override
  public Map<String, Optional<String>> getAll(Collection<String> keys) {
    Objects.requireNonNull(keys, "keys");
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      checkUsable(key);
      if (!(writes.get(key) instanceof Assign) && !reads.containsKey(key)
          && !missing.contains(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      Map<String, Read> got = missing.size() == 1
          ? Map.of(missing.get(0), reader.read(missing.get(0)))
          : reader.readAll(missing);
      for (String key : missing) {
        Read r = got.get(key);
        if (r == null) {
          throw new RingTxException("the read of " + missing.size() + " keys did not answer for '"
              + key + "'");
        }
        reads.put(key, r);
      }
    }
    Map<String, Optional<String>> out = new LinkedHashMap<>();
    for (String key : keys) {
      out.putIfAbsent(key, get(key));
    }
    return out;
  }

  @Override
  public void put(String key, String value) {
    checkUsable(key);
    Objects.requireNonNull(value, "value");
    writes.put(key, new Assign(value));
  }

  @Override
  public void append(String key, String suffix) {
    checkUsable(key);
    Objects.requireNonNull(suffix, "suffix");
    Pending p = writes.get(key);
    if (p instanceof Assign a) {
      writes.put(key, new Assign((a.value() == null ? "" : a.value()) + suffix));
    } else if (p instanceof Append a) {
      writes.put(key, new Append(a.suffix() + suffix));
    } else {
      writes.put(key, new Append(suffix));
    }
  }

  @Override
  public void delete(String key) {
    checkUsable(key);
    writes.put(key, new Assign(null));
  }

  /** Ends the attempt: the {@link Tx} can no longer be used. */
  void close() {
    open = false;
  }

  boolean hasWrites() {
    return !writes.isEmpty();
  }

  /** The read set, in the order of first reads. */
  List<ReadItem> readSet() {
    List<ReadItem> items = new ArrayList<>(reads.size());
    reads.forEach((k, r) -> items.add(new ReadItem(k, r.version())));
    return items;
  }

  /** The folded writes, one per key. */
  List<WriteOp> writeSet() {
    List<WriteOp> ops = new ArrayList<>(writes.size());
    writes.forEach(
        (k, p) -> {
          if (p instanceof Assign a) {
            ops.add(a.value() == null ? WriteOp.delete(k) : WriteOp.put(k, a.value()));
          } else {
            ops.add(WriteOp.append(k, ((Append) p).suffix()));
          }
        });
    return ops;
  }

  private String readThrough(String key) {
    Read r = reads.get(key);
    if (r == null) {
      r = reader.read(key);
      reads.put(key, r);
    }
    return r.value();
  }

  private void checkUsable(String key) {
    if (!open) {
      throw new IllegalStateException(
          "transaction " + id + " is over: a Tx is only valid while its function runs");
    }
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }
}
