package io.ringtx.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ringtx.protocol.codec.Json;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.message.ReadItem;
import io.ringtx.protocol.message.WriteOp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random bodies thrown at the parser: valid requests must round-trip exactly; mutated,
 * truncated and garbage bodies must give either a request that respects every rule, or errors —
 * never an exception. A failure prints the seed and the command that replays it.
 */
class TxRequestParserPropertyTest {
  private static final Limits LIMITS = new Limits(16, 24, 6);
  private static final String REPLAY =
      "mvn -B -q verify -pl coordinator -am -Dtest=TxRequestParserPropertyTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dringtx.seed=";

  private final TxRequestParser parser = new TxRequestParser(LIMITS);

  @Test
  void parse_anyBody_givesAValidRequestOrErrors_neverThrows() {
    long base = Long.getLong("ringtx.seed", System.nanoTime());
    int iterations = Integer.getInteger("ringtx.iterations", 4000);
    for (int i = 0; i < iterations; i++) {
      long seed = base + i;
      byte[] body = null;
      try {
        Random rnd = new Random(seed);
        Generated g = generate(rnd);
        byte[] valid = g.json().getBytes(StandardCharsets.UTF_8);
        if (rnd.nextInt(4) == 0) {
          // Unmutated: must be accepted and equal to what was generated.
          body = valid;
          TxRequestParser.Result r = parser.parse(body);
          assertThat(r).isInstanceOf(TxRequestParser.Accepted.class);
          assertThat(((TxRequestParser.Accepted) r).request()).isEqualTo(g.request());
          continue;
        }
        body = rnd.nextBoolean() ? treeMutation(rnd, g) : byteMutation(rnd, valid);
        checkInvariants(parser.parse(body));
      } catch (Throwable t) {
        fail(
            "seed "
                + seed
                + " failed on body "
                + describe(body)
                + "\nreplay: "
                + REPLAY
                + seed
                + " -Dringtx.iterations=1",
            t);
      }
    }
  }

  private record Generated(String json, TxRequest request, ObjectNode tree) {}

  private Generated generate(Random rnd) throws Exception {
    ObjectNode root = Json.MAPPER.createObjectNode();
    TxId id = null;
    if (rnd.nextBoolean()) {
      id = TxId.of("c" + Long.toHexString(rnd.nextLong() & 0xffffff) + "-" + rnd.nextInt(1000));
      root.put("id", id.value());
    }
    Set<String> keys = new LinkedHashSet<>();
    int distinct = rnd.nextInt(LIMITS.maxKeysPerTx() + 1);
    while (keys.size() < distinct) {
      keys.add(randomString(rnd, 1, LIMITS.maxKeyBytes()));
    }
    List<String> keyList = new ArrayList<>(keys);
    List<ReadItem> reads = new ArrayList<>();
    List<WriteOp> writes = new ArrayList<>();
    ArrayNode readsNode = null;
    ArrayNode writesNode = null;
    if (rnd.nextInt(5) > 0) {
      readsNode = root.putArray("reads");
    }
    if (rnd.nextInt(5) > 0) {
      writesNode = root.putArray("writes");
    }
    for (String k : keyList) {
      if (readsNode != null && rnd.nextBoolean()) {
        long v = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong() & Long.MAX_VALUE;
        reads.add(new ReadItem(k, v));
        readsNode.addObject().put("key", k).put("version", v);
      }
    }
    if (writesNode != null && !keyList.isEmpty()) {
      int n = rnd.nextInt(8);
      for (int j = 0; j < n; j++) {
        String k = keyList.get(rnd.nextInt(keyList.size()));
        WriteOp w =
            switch (rnd.nextInt(3)) {
              case 0 -> WriteOp.put(k, randomString(rnd, 0, LIMITS.maxValueBytes()));
              case 1 -> WriteOp.append(k, randomString(rnd, 0, LIMITS.maxValueBytes()));
              default -> WriteOp.delete(k);
            };
        writes.add(w);
        ObjectNode o = writesNode.addObject().put("op", w.op().wireName()).put("key", k);
        if (w.value() != null) {
          o.put("value", w.value());
        }
      }
    }
    // Keys that are written but not read still count: keep only keys actually used.
    Set<String> used = new HashSet<>();
    reads.forEach(r -> used.add(r.key()));
    writes.forEach(w -> used.add(w.key()));
    assertThat(used.size()).isLessThanOrEqualTo(LIMITS.maxKeysPerTx());
    return new Generated(
        Json.MAPPER.writeValueAsString(root), new TxRequest(id, reads, writes), root);
  }

  /** Syntactically valid JSON with one semantic change: wrong types, bad values, odd fields. */
  private byte[] treeMutation(Random rnd, Generated g) throws Exception {
    ObjectNode root = g.tree().deepCopy();
    List<ObjectNode> entries = new ArrayList<>();
    for (String field : List.of("reads", "writes")) {
      if (root.get(field) instanceof ArrayNode a) {
        a.forEach(n -> entries.add((ObjectNode) n));
      }
    }
    int choice = rnd.nextInt(10);
    if (entries.isEmpty() || choice < 2) {
      String field = List.of("id", "reads", "writes", "extra", "").get(rnd.nextInt(5));
      root.set(field, randomJson(rnd, 3));
    } else {
      ObjectNode e = entries.get(rnd.nextInt(entries.size()));
      String field = List.of("key", "version", "op", "value", "other").get(rnd.nextInt(5));
      switch (choice) {
        case 2 -> e.remove(field);
        case 3 -> e.put(field, randomString(rnd, 0, 40));
        case 4 -> e.put(field, rnd.nextLong());
        case 5 -> e.put(field, rnd.nextDouble());
        case 6 -> e.putNull(field);
        case 7 -> e.put(field, "\ud800");
        default -> e.set(field, randomJson(rnd, 3));
      }
    }
    return Json.MAPPER.writeValueAsBytes(root);
  }

  /** Arbitrary damage to the bytes: flips, cuts, insertions of garbage or JSON fragments. */
  private byte[] byteMutation(Random rnd, byte[] valid) {
    byte[] b = valid;
    int rounds = 1 + rnd.nextInt(3);
    for (int r = 0; r < rounds; r++) {
      int pos = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
      switch (rnd.nextInt(6)) {
        case 0 -> {
          if (b.length > 0) {
            b = b.clone();
            b[Math.min(pos, b.length - 1)] = (byte) rnd.nextInt(256);
          }
        }
        case 1 -> b = Arrays.copyOf(b, pos);
        case 2 -> {
          int end = Math.min(b.length, pos + rnd.nextInt(10));
          b = concat(Arrays.copyOf(b, pos), Arrays.copyOfRange(b, end, b.length));
        }
        case 3 -> {
          byte[] junk = new byte[1 + rnd.nextInt(8)];
          rnd.nextBytes(junk);
          b = insert(b, pos, junk);
        }
        case 4 -> {
          String[] fragments = {"{", "}", "[", "]", "\"", ",", ":", "null", "-1", "1e999",
              "\"\\ud800\"", "true", "\\", "\"op\":\"put\"", "{\"key\":\"k\"}", "\u0000", "é"};
          b = insert(b, pos, fragments[rnd.nextInt(fragments.length)].getBytes(StandardCharsets.UTF_8));
        }
        default -> {
          byte[] garbage = new byte[rnd.nextInt(64)];
          rnd.nextBytes(garbage);
          b = garbage;
        }
      }
    }
    return b;
  }

  private void checkInvariants(TxRequestParser.Result result) throws Exception {
    assertThat(result).isNotNull();
    if (result instanceof TxRequestParser.Rejected rejected) {
      assertThat(rejected.errors()).isNotEmpty().hasSizeLessThanOrEqualTo(TxRequestParser.MAX_ERRORS);
      for (ApiError e : rejected.errors()) {
        assertThat(e.code().status()).isEqualTo(400);
        assertThat(e.message()).isNotBlank().hasSizeLessThan(600);
        // Every message must be encodable in the JSON answer (no unpaired surrogates).
        Json.MAPPER.writeValueAsBytes(e.message());
        assertThat(TxRequestParser.utf8Length(e.message())).isNotNegative();
      }
      return;
    }
    TxRequest r = ((TxRequestParser.Accepted) result).request();
    Set<String> keys = new HashSet<>();
    Set<String> readKeys = new HashSet<>();
    for (ReadItem read : r.reads()) {
      assertValidKey(read.key());
      assertThat(read.version()).isNotNegative();
      assertThat(readKeys.add(read.key())).as("one version per read key").isTrue();
      keys.add(read.key());
    }
    for (WriteOp w : r.writes()) {
      assertValidKey(w.key());
      if (w.op() == WriteOp.Kind.DELETE) {
        assertThat(w.value()).isNull();
      } else {
        assertThat(w.value()).isNotNull();
        assertThat(TxRequestParser.utf8Length(w.value()))
            .isBetween(0L, (long) LIMITS.maxValueBytes());
      }
      keys.add(w.key());
    }
    assertThat(keys.size()).isLessThanOrEqualTo(LIMITS.maxKeysPerTx());
  }

  private static void assertValidKey(String key) {
    assertThat(key).isNotEmpty();
    assertThat(TxRequestParser.utf8Length(key)).isBetween(1L, (long) LIMITS.maxKeyBytes());
  }

  private static com.fasterxml.jackson.databind.JsonNode randomJson(Random rnd, int depth) {
    int kind = rnd.nextInt(depth <= 0 ? 5 : 7);
    return switch (kind) {
      case 0 -> Json.MAPPER.getNodeFactory().nullNode();
      case 1 -> Json.MAPPER.getNodeFactory().booleanNode(rnd.nextBoolean());
      case 2 -> Json.MAPPER.getNodeFactory().numberNode(rnd.nextLong());
      case 3 -> Json.MAPPER.getNodeFactory().numberNode(rnd.nextGaussian() * 1e6);
      case 4 -> Json.MAPPER.getNodeFactory().textNode(randomString(rnd, 0, 30));
      case 5 -> {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(randomJson(rnd, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          String name = List.of("key", "version", "op", "value", "x").get(rnd.nextInt(5));
          o.set(name, randomJson(rnd, depth - 1));
        }
        yield o;
      }
    };
  }

  /** A string of {@code min..maxBytes} UTF-8 bytes from a mix of ASCII, '/', quotes, accents and emoji. */
  private static String randomString(Random rnd, int min, int maxBytes) {
    String[] alphabet = {"a", "b", "z", "0", "/", "\"", "\\", " ", "%", "é", "€", "😀", "\n", "\u0001"};
    StringBuilder b = new StringBuilder();
    int target = min + rnd.nextInt(Math.max(1, maxBytes - min + 1));
    int bytes = 0;
    while (bytes < target) {
      String s = alphabet[rnd.nextInt(alphabet.length)];
      int n = s.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + n > maxBytes) {
        s = "a";
        n = 1;
      }
      b.append(s);
      bytes += n;
    }
    return b.toString();
  }

  private static byte[] insert(byte[] b, int pos, byte[] what) {
    return concat(concat(Arrays.copyOf(b, pos), what), Arrays.copyOfRange(b, pos, b.length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static String describe(byte[] body) {
    if (body == null) {
      return "(not generated)";
    }
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }
}
