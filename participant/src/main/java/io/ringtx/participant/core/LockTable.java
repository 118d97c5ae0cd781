package io.ringtx.participant.core;

import io.ringtx.protocol.id.TxId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shared/exclusive key locks with no waiting (DESIGN §3 step 2): a request incompatible with a
 * lock held by another transaction fails at once, and the caller votes no. A transaction that
 * holds the only shared lock on a key may upgrade it to exclusive. Locks are held until the
 * transaction is decided; releasing any earlier would allow write skew.
 */
public final class LockTable {
  private static final class Lock {
    TxId exclusive;
    final Set<TxId> shared = new HashSet<>(2);

    boolean isFree() {
      return exclusive == null && shared.isEmpty();
    }
  }

  private final Map<String, Lock> locks = new HashMap<>();
  private final Map<TxId, Set<String>> held = new HashMap<>();

  /** Takes a shared lock for {@code tx}; false if another transaction holds it exclusively. */
  public boolean tryShared(String key, TxId tx) {
    Lock l = locks.computeIfAbsent(key, k -> new Lock());
    if (l.exclusive != null && !l.exclusive.equals(tx)) {
      dropIfFree(key, l);
      return false;
    }
    if (l.exclusive == null) {
      l.shared.add(tx);
    }
    held.computeIfAbsent(tx, t -> new HashSet<>()).add(key);
    return true;
  }

  /** Takes an exclusive lock for {@code tx}; false if any other transaction holds the key. */
  public boolean tryExclusive(String key, TxId tx) {
    Lock l = locks.computeIfAbsent(key, k -> new Lock());
    boolean othersShare = l.shared.size() > (l.shared.contains(tx) ? 1 : 0);
    if ((l.exclusive != null && !l.exclusive.equals(tx)) || othersShare) {
      dropIfFree(key, l);
      return false;
    }
    l.shared.remove(tx);
    l.exclusive = tx;
    held.computeIfAbsent(tx, t -> new HashSet<>()).add(key);
    return true;
  }

  /** Releases every lock of {@code tx}. */
  public void releaseAll(TxId tx) {
    Set<String> keys = held.remove(tx);
    if (keys == null) {
      return;
    }
    for (String key : keys) {
      Lock l = locks.get(key);
      if (l == null) {
        continue;
      }
      if (tx.equals(l.exclusive)) {
        l.exclusive = null;
      }
      l.shared.remove(tx);
      dropIfFree(key, l);
    }
  }

  /** The transaction holding {@code key} exclusively, if any. */
  public Optional<TxId> exclusiveHolder(String key) {
    Lock l = locks.get(key);
    return l == null ? Optional.empty() : Optional.ofNullable(l.exclusive);
  }

  /** True if {@code key} is exclusively locked by a transaction other than {@code tx}. */
  public boolean writeLockedByOther(String key, TxId tx) {
    Lock l = locks.get(key);
    return l != null && l.exclusive != null && !l.exclusive.equals(tx);
  }

  /** Every transaction holding {@code key}, shared or exclusive. */
  public Set<TxId> holdersOf(String key) {
    Lock l = locks.get(key);
    if (l == null) {
      return Set.of();
    }
    Set<TxId> out = new HashSet<>(l.shared);
    if (l.exclusive != null) {
      out.add(l.exclusive);
    }
    return out;
  }

  /** The keys {@code tx} holds locks on (empty if none). */
  public Set<String> heldBy(TxId tx) {
    Set<String> keys = held.get(tx);
    return keys == null ? Set.of() : Set.copyOf(keys);
  }

  /** Transactions holding at least one lock. */
  public Set<TxId> holders() {
    return Set.copyOf(held.keySet());
  }

  /** Number of keys locked. */
  public int lockedKeys() {
    return locks.size();
  }

  private void dropIfFree(String key, Lock l) {
    if (l.isFree()) {
      locks.remove(key);
    }
  }
}
