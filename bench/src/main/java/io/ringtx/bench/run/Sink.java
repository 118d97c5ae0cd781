package io.ringtx.bench.run;

import io.ringtx.bench.engine.Attempt;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where workers record outcomes, many threads at once, without locks (HdrHistogram {@link
 * Recorder}s and adders); one reader — the reporter — drains it interval by interval.
 * Latencies are recorded in microseconds.
 */
final class Sink {
  private final Recorder total = new Recorder(3);
  private final Recorder read = new Recorder(3);
  private final Recorder commit = new Recorder(3);
  private final Recorder commitOneShard = new Recorder(3);
  private final Recorder commitCrossShard = new Recorder(3);
  private final Recorder service = new Recorder(3);
  private final LongAdder started = new LongAdder();
  private final Map<String, LongAdder> aborts = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  private Histogram totalI;
  private Histogram readI;
  private Histogram commitI;
  private Histogram commitOneShardI;
  private Histogram commitCrossShardI;
  private Histogram serviceI;

  /** Records one transaction that took {@code totalNanos} ({@code serviceNanos} from its actual start). */
  void record(Attempt a, long totalNanos, long serviceNanos) {
    started.increment();
    switch (a.status()) {
      case COMMITTED -> {
        total.recordValue(micros(totalNanos));
        service.recordValue(micros(serviceNanos));
        read.recordValue(micros(a.readNanos()));
        commit.recordValue(micros(a.commitNanos()));
        if (a.shards() == 1) {
          commitOneShard.recordValue(micros(a.commitNanos()));
        } else if (a.shards() > 1) {
          commitCrossShard.recordValue(micros(a.commitNanos()));
        }
      }
      case ABORTED -> aborts.computeIfAbsent(a.reason(), k -> new LongAdder()).increment();
      case FAILED -> failures.computeIfAbsent(a.reason(), k -> new LongAdder()).increment();
    }
  }

  private static long micros(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  /** What was recorded since the last drain. Only the reporter calls this. */
  Interval drain() {
    totalI = total.getIntervalHistogram(totalI);
    readI = read.getIntervalHistogram(readI);
    commitI = commit.getIntervalHistogram(commitI);
    commitOneShardI = commitOneShard.getIntervalHistogram(commitOneShardI);
    commitCrossShardI = commitCrossShard.getIntervalHistogram(commitCrossShardI);
    serviceI = service.getIntervalHistogram(serviceI);
    return new Interval(started.sumThenReset(), totalI, readI, commitI, commitOneShardI,
        commitCrossShardI, serviceI, sumThenReset(aborts), sumThenReset(failures));
  }

  private static Map<String, Long> sumThenReset(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> {
      long n = v.sumThenReset();
      if (n > 0) {
        out.put(k, n);
      }
    });
    return out;
  }

  /**
   * One interval's records. The histograms are reused by the next drain: copy what must be kept
   * before draining again. {@code commitOneShard} and {@code commitCrossShard} split {@code
   * commit} by the shards a transaction spanned, where the engine could tell.
   */
  record Interval(long started, Histogram total, Histogram read, Histogram commit,
      Histogram commitOneShard, Histogram commitCrossShard, Histogram service,
      Map<String, Long> aborts, Map<String, Long> failures) {
    long committed() {
      return total.getTotalCount();
    }

    long aborted() {
      return aborts.values().stream().mapToLong(Long::longValue).sum();
    }

    long failed() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
