package io.ringtx.storage;

import static io.ringtx.storage.Records.committed;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.prepared;

import io.ringtx.protocol.log.Aborted;
import io.ringtx.protocol.log.Committed;
import io.ringtx.protocol.log.LogRecord;
import io.ringtx.protocol.step.WriteSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PruneProbeTest {
  @TempDir Path dir;

  @Test
  void probe() throws Exception {
    AtomicLong now = new AtomicLong(1_000);
    Clock clock = new Clock() {
      public ZoneId getZone() { return ZoneOffset.UTC; }
      public Clock withZone(ZoneId z) { return this; }
      public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    Predicate<LogRecord> fin = r -> r instanceof Committed || r instanceof Aborted;
    int n = Integer.getInteger("probe.tx", 100_000);
    for (int round = 0; round < 4; round++) {
      try (RocksNodeStore store = RocksNodeStore.open(dir.resolve("r" + round),
          StoreOptions.defaults().withClock(clock))) {
        now.set(1_000);
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String t = "c1-lx3k9-" + (round * n + i);
          fs.add(store.write(Records.lazy(prepared(t, new io.ringtx.protocol.message.KeyWrite("acct-" + (i % 10000), "v" + i)))));
          fs.add(store.write(Records.lazy(committed(t, i))));
          if (fs.size() > 2000) { for (var f : fs) f.get(); fs.clear(); }
        }
        for (var f : fs) f.get();
        now.set(10_000);
        store.write(forced(prepared("last"))).get(5, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        NodeStore.Pruned p = store.prune(5_000, fin);
        long ns = System.nanoTime() - t0;
        System.out.printf("PROBE round %d: %s in %d ms: %.2f us/record%n", round, p, ns / 1_000_000,
            ns / 1000.0 / p.records());
      }
    }
  }
}
