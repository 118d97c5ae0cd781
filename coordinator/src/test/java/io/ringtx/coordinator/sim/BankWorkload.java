package io.ringtx.coordinator.sim;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ErrorReply;
import io.ringtx.protocol.message.Message;
import io.ringtx.protocol.message.Outcome;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.ReadReply;
import io.ringtx.protocol.message.ReadRequest;
import io.ringtx.protocol.message.TxResult;
import io.ringtx.protocol.message.WriteOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A bank: {@link #ACCOUNTS} accounts spread over the shards, each starting with {@link
 * #INITIAL}. Client sessions run interactive transactions: read with versions, then commit
 * writes. Transfers between shards take two phases (sometimes with a read at a third shard,
 * which makes it a read-only participant); transfers inside one shard commit in one phase and
 * sometimes append the transaction id to that shard's journal (to check at-most-once); audits
 * read every account (a read-only transaction whose sum must be the bank's total if it commits).
 *
 * <p>A client that gets no answer, or UNKNOWN, re-sends the same commit with the same id
 * (DESIGN §2), and keeps doing so until it learns COMMITTED or ABORTED.
 */
final class BankWorkload {
  static final int ACCOUNTS = 12;
  static final long INITIAL = 100;
  static final long TOTAL = ACCOUNTS * INITIAL;

  /** What kind of transaction. */
  enum Kind {
    TRANSFER_2PC,
    TRANSFER_1PC,
    AUDIT,
    READ_ONLY_ONE_SHARD
  }

  /** Everything the checker needs to know about one transaction the client committed. */
  static final class TxInfo {
    final TxId id;
    final Kind kind;
    final List<ReadItem> reads;
    final Map<String, Long> readValues;
    final List<WriteOp> writes;
    final Set<NodeId> writers = new TreeSet<>();
    final Set<NodeId> readOnlyShards = new TreeSet<>();
    final String journalKey;
    /** The first COMMITTED or ABORTED the client received. */
    TxResult outcome;
    int attempts;

    TxInfo(TxId id, Kind kind, List<ReadItem> reads, Map<String, Long> readValues,
        List<WriteOp> writes, String journalKey) {
      this.id = id;
      this.kind = kind;
      this.reads = reads;
      this.readValues = readValues;
      this.writes = writes;
      this.journalKey = journalKey;
    }

    @Override
    public String toString() {
      return id + " " + kind + " writers=" + writers + " ro=" + readOnlyShards + " outcome="
          + (outcome == null ? "none" : outcome.outcome() + (outcome.reason() == null ? "" : "/" + outcome.reason()))
          + " attempts=" + attempts;
    }
  }

  private final SimCluster cluster;
  private final Random rnd;
  private final SimRouter router;
  private final List<String> accounts = new ArrayList<>();
  private final Map<NodeId, List<String>> accountsOf = new LinkedHashMap<>();
  final Map<TxId, TxInfo> txs = new LinkedHashMap<>();
  private boolean stopping;
  private int running;
  long committed;
  long aborted;
  long unknownAnswers;
  long abandoned;

  BankWorkload(SimCluster cluster, Random rnd, SimRouter router) {
    this.cluster = cluster;
    this.rnd = rnd;
    this.router = router;
    for (int i = 0; i < ACCOUNTS; i++) {
      String key = String.format("acct%02d", i);
      NodeId owner = SimCluster.SHARDS.get(i % SimCluster.SHARDS.size());
      accounts.add(key);
      accountsOf.computeIfAbsent(owner, n -> new ArrayList<>()).add(key);
      router.assign(key, owner);
    }
    for (NodeId p : SimCluster.SHARDS) {
      router.assign(journalKey(p), p);
    }
  }

  static String journalKey(NodeId shard) {
    return "journal-" + shard;
  }

  List<String> accounts() {
    return accounts;
  }

  /** Seeds every shard's disk with the opening balances (version 1). */
  void seed() {
    for (String a : accounts) {
      cluster.node(router.ownerOf(a)).disk.seed(a, Long.toString(INITIAL), 1);
    }
  }

  /** Starts {@code sessions} clients at random offsets. */
  void start(int sessions) {
    for (int s = 0; s < sessions; s++) {
      Session session = new Session(s);
      running++;
      cluster.scheduler.after(rnd.nextInt(20), session::next);
    }
  }

  /** No new transactions; those in flight still retry until answered. */
  void stop() {
    stopping = true;
  }

  boolean finished() {
    return running == 0;
  }

  private final class Session {
    private final int number;
    private int seq;

    Session(int number) {
      this.number = number;
    }

    void next() {
      if (stopping) {
        running--;
        return;
      }
      double r = rnd.nextDouble();
      if (r < 0.45) {
        transfer(true);
      } else if (r < 0.72) {
        transfer(false);
      } else if (r < 0.87) {
        read(Kind.AUDIT, accounts, null);
      } else {
        List<String> own = accountsOf.get(shard(rnd.nextInt(SimCluster.SHARDS.size())));
        read(Kind.READ_ONLY_ONE_SHARD, pickDistinct(own, 2), null);
      }
    }

    private NodeId shard(int i) {
      return SimCluster.SHARDS.get(i);
    }

    private void transfer(boolean crossShard) {
      int s1 = rnd.nextInt(SimCluster.SHARDS.size());
      List<String> keys = new ArrayList<>();
      if (crossShard) {
        int s2 = (s1 + 1 + rnd.nextInt(SimCluster.SHARDS.size() - 1)) % SimCluster.SHARDS.size();
        keys.add(pick(accountsOf.get(shard(s1))));
        keys.add(pick(accountsOf.get(shard(s2))));
        if (rnd.nextDouble() < 0.4) {
          int s3 = 3 - s1 - s2; // the third shard only reads: a read-only participant
          keys.add(pick(accountsOf.get(shard(s3))));
        }
        read(Kind.TRANSFER_2PC, keys, null);
      } else {
        keys.addAll(pickDistinct(accountsOf.get(shard(s1)), 2));
        read(Kind.TRANSFER_1PC, keys, rnd.nextDouble() < 0.5 ? journalKey(shard(s1)) : null);
      }
    }

    /** Reads {@code keys} at their owners, then commits. */
    private void read(Kind kind, List<String> keys, String journal) {
      Map<String, ReadReply> got = new LinkedHashMap<>();
      boolean[] failed = {false};
      for (String k : keys) {
        cluster.request(
            cluster.client(),
            router.ownerOf(k),
            new ReadRequest(k),
            cluster.timing.requestTimeout(),
            false,
            reply -> {
              if (failed[0]) {
                return;
              }
              if (reply instanceof ReadReply rr) {
                got.put(k, rr);
                if (got.size() == keys.size()) {
                  commit(kind, keys, got, journal);
                }
              } else {
                failed[0] = true;
                giveUp();
              }
            },
            () -> {
              if (!failed[0]) {
                failed[0] = true;
                giveUp();
              }
            });
      }
    }

    private void giveUp() {
      abandoned++;
      cluster.scheduler.after(1 + rnd.nextInt(30), this::next);
    }

    private void commit(Kind kind, List<String> keys, Map<String, ReadReply> got, String journal) {
      List<ReadItem> reads = new ArrayList<>();
      Map<String, Long> values = new LinkedHashMap<>();
      for (String k : keys) {
        ReadReply rr = got.get(k);
        reads.add(new ReadItem(k, rr.version()));
        values.put(k, rr.found() ? Long.parseLong(rr.value()) : 0L);
      }
      TxId id = TxId.of("s" + number + "-" + (++seq));
      List<WriteOp> writes = new ArrayList<>();
      if (kind == Kind.TRANSFER_2PC || kind == Kind.TRANSFER_1PC) {
        String from = keys.get(0);
        String to = keys.get(1);
        long amount = Math.min(values.get(from), 1 + rnd.nextInt(20));
        writes.add(WriteOp.put(from, Long.toString(values.get(from) - amount)));
        writes.add(WriteOp.put(to, Long.toString(values.get(to) + amount)));
        if (journal != null) {
          writes.add(WriteOp.append(journal, id + ";"));
        }
      }
      TxInfo info = new TxInfo(id, kind, List.copyOf(reads), values, List.copyOf(writes), journal);
      Set<NodeId> touched = new LinkedHashSet<>();
      keys.forEach(k -> touched.add(router.ownerOf(k)));
      writes.forEach(w -> info.writers.add(router.ownerOf(w.key())));
      touched.stream().filter(n -> !info.writers.contains(n)).forEach(info.readOnlyShards::add);
      txs.put(id, info);
      send(info);
    }

    private void send(TxInfo info) {
      info.attempts++;
      cluster.request(
          cluster.client(),
          SimCluster.COORDINATOR,
          new SimCluster.ClientCommit(info.id, info.reads, info.writes),
          cluster.timing.clientTimeout(),
          true,
          reply -> answered(info, reply),
          () -> retry(info));
    }

    private void answered(TxInfo info, Message reply) {
      if (!(reply instanceof TxResult r) || r.outcome() == Outcome.UNKNOWN) {
        if (reply instanceof ErrorReply) {
          cluster.checker.fail("coordinator refused a commit: " + reply);
        }
        unknownAnswers++;
        retry(info);
        return;
      }
      cluster.checker.clientLearned(info, r);
      if (r.outcome() == Outcome.COMMITTED) {
        committed++;
      } else {
        aborted++;
      }
      cluster.scheduler.after(rnd.nextInt(15), this::next);
    }

    private void retry(TxInfo info) {
      // DESIGN §2: the same commit, same id, to the same coordinator.
      cluster.scheduler.after(10 + rnd.nextInt(40), () -> send(info));
    }
  }

  private String pick(List<String> from) {
    return from.get(rnd.nextInt(from.size()));
  }

  private List<String> pickDistinct(List<String> from, int n) {
    List<String> copy = new ArrayList<>(from);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(copy.remove(rnd.nextInt(copy.size())));
    }
    return out;
  }
}
