package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TxAttemptTest {
  final Map<String, String> store = new HashMap<>();
  final List<String> readsSent = new ArrayList<>();
  final TxAttempt tx =
      new TxAttempt(
          "c-1",
          key -> {
            readsSent.add(key);
            String v = store.get(key);
            return new TxAttempt.Read(v, v == null ? 0 : 7);
          });

  @Test
  void getAll_readsOnlyUnreadKeys_inOneBatch_andSeesOwnWrites() {
    store.put("a", "1");
    store.put("b", "2");
    store.put("c", "3");
    List<List<String>> batches = new ArrayList<>();
    TxAttempt t = new TxAttempt("c-2", new TxAttempt.Reader() {
      @Override
      public TxAttempt.Read read(String key) {
        readsSent.add(key);
        return new TxAttempt.Read(store.get(key), store.containsKey(key) ? 7 : 0);
      }

      @Override
      public Map<String, TxAttempt.Read> readAll(List<String> keys) {
        batches.add(List.copyOf(keys));
        Map<String, TxAttempt.Read> out = new HashMap<>();
        keys.forEach(k -> out.put(k, new TxAttempt.Read(store.get(k), store.containsKey(k) ? 7 : 0)));
        return out;
      }
    });
    assertThat(t.get("a")).contains("1");
    t.put("b", "written");
    t.append("c", "+");
    Map<String, java.util.Optional<String>> got = t.getAll(List.of("a", "b", "c", "d", "c"));
    // "a" was read already, "b" was written blindly: only "c" and "d" go to the cluster, at once.
    assertThat(readsSent).containsExactly("a");
    assertThat(batches).containsExactly(List.of("c", "d"));
    assertThat(got).containsExactly(
        Map.entry("a", java.util.Optional.of("1")),
        Map.entry("b", java.util.Optional.of("written")),
        Map.entry("c", java.util.Optional.of("3+")),
        Map.entry("d", java.util.Optional.empty()));
    assertThat(t.readSet()).extracting(r -> r.key()).containsExactly("a", "c", "d");
    // Read again: nothing more is sent.
    t.getAll(List.of("c", "d"));
    assertThat(batches).hasSize(1);
  }

  @Test
  void writeSet_foldsEveryKeyToOneOpWithTheSameEffect() {
    tx.put("a", "1");
    tx.append("a", "2"); // put "12"
    tx.delete("b");
    tx.append("b", "x"); // put "x": a missing key counts as ""
    tx.append("c", "p");
    tx.append("c", "q"); // append "pq"
    tx.put("d", "v");
    tx.delete("d"); // delete
    assertThat(tx.writeSet())
        .containsExactly(
            WriteOp.put("a", "12"), WriteOp.put("b", "x"), WriteOp.append("c", "pq"),
            WriteOp.delete("d"));
    assertThat(readsSent).isEmpty();
  }

  @Test
  void folding_matchesApplyingTheOpsOneByOne() {
    // Seeded: any sequence of ops on one key, folded, must leave the same value.
    long seed = Long.getLong("ringtx.seed", System.nanoTime());
    Random rnd = new Random(seed);
    for (int round = 0; round < 500; round++) {
      String base = rnd.nextBoolean() ? null : "b" + rnd.nextInt(10);
      String expected = base;
      TxAttempt t = new TxAttempt("c-" + round, k -> new TxAttempt.Read(base, 3));
      for (int i = rnd.nextInt(6); i > 0; i--) {
        String s = Integer.toString(rnd.nextInt(100));
        switch (rnd.nextInt(3)) {
          case 0 -> {
            t.put("k", s);
            expected = s;
          }
          case 1 -> {
            t.append("k", s);
            expected = (expected == null ? "" : expected) + s;
          }
          default -> {
            t.delete("k");
            expected = null;
          }
        }
      }
      String folded = base;
      for (WriteOp w : t.writeSet()) {
        folded = switch (w.op()) {
          case PUT -> w.value();
          case APPEND -> (folded == null ? "" : folded) + w.value();
          case DELETE -> null;
        };
      }
      assertThat(folded).as("seed %d round %d (replay with -Dringtx.seed=%d)", seed, round, seed)
          .isEqualTo(expected);
      assertThat(t.writeSet()).hasSizeLessThanOrEqualTo(1);
    }
  }

  @Test
  void readSet_hasOneVersionPerKey_absentIsZero() {
    store.put("x", "1");
    tx.get("x");
    tx.get("x");
    tx.get("y");
    assertThat(readsSent).containsExactly("x", "y");
    assertThat(tx.readSet()).containsExactly(new ReadItem("x", 7), new ReadItem("y", 0));
  }

  @Test
  void closed_refusesEveryOperation() {
    tx.close();
    assertThatThrownBy(() -> tx.get("k")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tx.put("k", "v")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tx.append("k", "v")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tx.delete("k")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void emptyOrNullKeysAndValues_areRefused() {
    assertThatThrownBy(() -> tx.put("", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tx.put(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> tx.put("k", null)).isInstanceOf(NullPointerException.class);
  }
}
