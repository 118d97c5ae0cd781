package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.protocol.api.TxRequest;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link RingTxClientTest} again through {@link RingTxClient#runAsync}, which must
 * behave as {@link RingTxClient#run} does, plus what is particular to it: the function replayed
 * once per round of new reads, from any thread, an event loop's included.
 */
class RingTxClientAsyncTest extends RingTxClientTest {

  @Override
  <T> T run(TxFunction<T> fn) {
    return join(client.runAsync(fn));
  }

  @Override
  int runsPerAttempt(int rounds) {
    return rounds + 1;
  }

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void runAsync_readsSeveralKeysInOneRound_andCommitsTheLastRunOnly() {
    fake.put("a", "10");
    fake.put("b", "20");
    List<Map<String, Optional<String>>> seen = Collections.synchronizedList(new ArrayList<>());
    String sum = run(tx -> {
      Map<String, Optional<String>> values = tx.getAll(List.of("a", "b"));
      seen.add(values);
      int a = Integer.parseInt(values.get("a").orElseThrow());
      int b = Integer.parseInt(values.get("b").orElseThrow());
      tx.put("a", Integer.toString(a - 5));
      tx.put("b", Integer.toString(b + 5));
      return Integer.toString(a + b);
    });
    assertThat(sum).isEqualTo("30");
    // The first run stopped at getAll; the second was answered from one read of both keys.
    assertThat(seen).hasSize(1);
    assertThat(fake.reads()).containsExactlyInAnyOrder("a", "b");
    TxRequest sent = fake.commits().get(0);
    assertThat(sent.reads()).containsExactly(new ReadItem("a", 1), new ReadItem("b", 1));
    assertThat(sent.writes()).containsExactly(WriteOp.put("a", "5"), WriteOp.put("b", "25"));
    assertThat(fake.stored("b")).hasValue(new FakeTransactionService.Stored("25", 2));
  }

  @Test
  void runAsync_aFunctionThatSwallowsTheUnwinding_isStillReplayedWithTheValue() {
    fake.put("k", "base");
    AtomicInteger runs = new AtomicInteger();
    String got = run(tx -> {
      runs.incrementAndGet();
      String v;
      try {
        v = tx.get("k").orElse("absent");
      } catch (RuntimeException e) {
        v = "swallowed";
      }
      tx.put("copy", v);
      return v;
    });
    assertThat(got).isEqualTo("base");
    assertThat(runs).hasValue(2);
    assertThat(fake.commits()).singleElement().satisfies(r -> {
      assertThat(r.reads()).containsExactly(new ReadItem("k", 1));
      assertThat(r.writes()).containsExactly(WriteOp.put("copy", "base"));
    });
  }

  @Test
  void runAsync_fromAnEventLoop_neitherBlocksNorIsRefused() throws Exception {
    fake.put("n", "1");
    CompletableFuture<CompletableFuture<String>> started = new CompletableFuture<>();
    server.runOnContext(v -> started.complete(client.runAsync(tx -> {
      // The function itself runs on the client's event loop.
      assertThat(Context.isOnEventLoopThread()).isTrue();
      String n = tx.get("n").orElseThrow();
      tx.put("n", n + "+1");
      return n;
    })));
    assertThat(join(started.get(10, TimeUnit.SECONDS))).isEqualTo("1");
    assertThat(fake.stored("n").map(FakeTransactionService.Stored::value)).hasValue("1+1");
  }

  @Test
  void runAsync_manyAtOnceFromOneThread_areSerializable() {
    client.close();
    client = RingTx.connect(url(), fastOptions().withMaxAttempts(500));
    int n = 40;
    List<CompletableFuture<Object>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(client.runAsync(tx -> {
        int v = Integer.parseInt(tx.get("n").orElse("0"));
        tx.put("n", Integer.toString(v + 1));
        return null;
      }));
    }
    join(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
    assertThat(client.get("n").map(KeyValue::value)).hasValue(Integer.toString(n));
  }
}
