package io.ringtx.dist.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile configuration (issue 8): random and mutated JSON and YAML files, values of the wrong
 * type, unknown keys, huge values and deep nesting, in files, environment variables and flags.
 * Each either loads to a configuration that passes validation, or is refused with a {@link
 * ConfigException} whose message says what is wrong; nothing else may escape. A failure prints
 * its seed and the command that replays it; {@code -Dringtx.iterations=N} runs more cases.
 */
class ConfigLoaderFuzzTest {
  static final String REPLAY = "mvn -B -q verify -pl dist -am -Dtest=ConfigLoaderFuzzTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false";
  static final ObjectMapper JSON = JsonMapper.builder().build();
  static final ObjectMapper YAML = new YAMLMapper();

  @TempDir Path dir;

  interface Case {
    void run(Random rnd) throws Exception;
  }

  static void cases(int defaultIterations, Case c) {
    long base = Long.getLong("ringtx.seed", System.nanoTime());
    int iterations = Integer.getInteger("ringtx.iterations", defaultIterations);
    for (int i = 0; i < iterations; i++) {
      long seed = base + i;
      try {
        c.run(new Random(seed));
      } catch (Throwable t) {
        fail("seed " + seed + " failed: " + t + "\nreplay: " + REPLAY + " -Dringtx.seed=" + seed
            + " -Dringtx.iterations=1", t);
      }
    }
  }

  /** A valid configuration as a map of settings. */
  static Map<String, Object> valid(Random rnd) {
    Map<String, Object> m = new LinkedHashMap<>();
    boolean participant = rnd.nextBoolean();
    m.put("nodeId", participant ? "p1" : "c1");
    m.put("role", participant ? "participant" : "coordinator");
    m.put("dataDir", "/var/lib/ringtx/" + rnd.nextInt(100));
    m.put("participants", List.of("p1", "p2", "p3"));
    if (rnd.nextBoolean()) {
      m.put("seeds", List.of("127.0.0.1:" + (5701 + rnd.nextInt(10))));
    }
    if (rnd.nextBoolean()) {
      m.put("httpPort", rnd.nextInt(65536));
    }
    if (rnd.nextBoolean()) {
      m.put("maxInFlight", 1 + rnd.nextInt(10_000));
    }
    if (rnd.nextBoolean()) {
      m.put("requestTimeoutMillis", 1 + rnd.nextInt(100_000));
    }
    return m;
  }

  static final List<String> KEYS = new ArrayList<>(ConfigLoader.keys());

  /** A value of a random, usually wrong, type or size. */
  static Object hostileValue(Random rnd) {
    switch (rnd.nextInt(12)) {
      case 0: return null;
      case 1: return -rnd.nextInt(1000);
      case 2: return "x".repeat(rnd.nextInt(200_000));
      case 3: return List.of(1, "two", List.of());
      case 4: return Map.of("nested", Map.of("deeper", 1));
      case 5: return 1e30;
      case 6: return new java.math.BigInteger("9".repeat(40));
      case 7: return rnd.nextBoolean();
      case 8: return "";
      case 9: return Long.MAX_VALUE;
      case 10: return "p1,p2";
      default: return rnd.nextInt();
    }
  }

  /** Loads, and checks the only two allowed results. */
  static void loadsValidOrRefuses(Path file, Map<String, String> env, List<String> flags) {
    NodeConfig c;
    try {
      c = ConfigLoader.load(file, env, flags);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).startsWith("invalid configuration:\n  ");
      assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).isNotBlank());
      return;
    }
    assertThat(c.problems()).as("a loaded configuration is valid").isEmpty();
  }

  Path write(Random rnd, Object tree) throws Exception {
    boolean yaml = rnd.nextBoolean();
    Path f = dir.resolve("node-" + rnd.nextInt(1_000_000) + (yaml ? ".yaml" : ".json"));
    Files.write(f, (yaml ? YAML : JSON).writeValueAsBytes(tree));
    return f;
  }

  @Test
  void validFiles_load_andEqualTheirFlagsForm() throws Exception {
    cases(200, rnd -> {
      Map<String, Object> m = valid(rnd);
      NodeConfig fromFile = ConfigLoader.load(write(rnd, m), Map.of(), List.of());
      List<String> flags = new ArrayList<>();
      m.forEach((k, v) -> {
        flags.add("--" + ConfigLoader.kebab(k));
        flags.add(v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
            : String.valueOf(v));
      });
      assertThat(ConfigLoader.load(null, Map.of(), flags)).isEqualTo(fromFile);
    });
  }

  @Test
  void wrongTypesHugeValuesAndUnknownKeys_inFiles_areRefusedNamingTheProblem() {
    cases(500, rnd -> {
      Map<String, Object> m = valid(rnd);
      int n = 1 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        String key = rnd.nextInt(5) == 0 ? "unknown" + rnd.nextInt(10) : KEYS.get(rnd.nextInt(KEYS.size()));
        m.put(key, hostileValue(rnd));
      }
      loadsValidOrRefuses(write(rnd, m), Map.of(), List.of());
    });
  }

  @Test
  void mutatedFileBytes_areRefusedOrLoadValid() {
    cases(1000, rnd -> {
      byte[] b = (rnd.nextBoolean() ? YAML : JSON).writeValueAsBytes(valid(rnd));
      int n = 1 + rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        b = mutate(rnd, b);
      }
      Path f = dir.resolve("m-" + rnd.nextInt(1_000_000) + (rnd.nextBoolean() ? ".yaml" : ".json"));
      Files.write(f, b);
      loadsValidOrRefuses(f, Map.of(), List.of());
    });
  }

  @Test
  void hostileEnvironmentAndFlags_areRefusedOrLoadValid() {
    cases(1500, rnd -> {
      Map<String, Object> m = valid(rnd);
      Map<String, String> env = new LinkedHashMap<>();
      List<String> flags = new ArrayList<>();
      m.forEach((k, v) -> {
        flags.add("--" + ConfigLoader.kebab(k));
        flags.add(v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
            : String.valueOf(v));
      });
      String key = KEYS.get(rnd.nextInt(KEYS.size()));
      String value = String.valueOf(hostileValue(rnd));
      switch (rnd.nextInt(4)) {
        case 0 -> env.put("RINGTX_" + ConfigLoader.kebab(key).replace('-', '_')
            .toUpperCase(java.util.Locale.ROOT), value);
        case 1 -> {
          flags.add("--" + ConfigLoader.kebab(key));
          flags.add(value);
        }
        case 2 -> flags.add("--" + ConfigLoader.kebab(key) + "=" + value);
        default -> flags.add(new String(bytes(rnd, 20), StandardCharsets.ISO_8859_1));
      }
      loadsValidOrRefuses(null, env, flags);
    });
  }

  @Test
  void deepNestingAndAliasBombs_areRefused() throws Exception {
    Path deepJson = dir.resolve("deep.json");
    Files.writeString(deepJson, "{\"nodeId\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    loadsValidOrRefuses(deepJson, Map.of(), List.of());
    Path deepYaml = dir.resolve("deep.yaml");
    Files.writeString(deepYaml, "nodeId: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n");
    loadsValidOrRefuses(deepYaml, Map.of(), List.of());
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p)
          .append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
    }
    Path bombYaml = dir.resolve("bomb.yaml");
    Files.writeString(bombYaml, bomb.toString());
    loadsValidOrRefuses(bombYaml, Map.of(), List.of());
    Path binary = dir.resolve("binary.yaml");
    Files.write(binary, new byte[] {0, (byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc0, (byte) 0xaf});
    loadsValidOrRefuses(binary, Map.of(), List.of());
    loadsValidOrRefuses(dir.resolve("missing.json"), Map.of(), List.of());
  }

  static byte[] bytes(Random rnd, int max) {
    byte[] b = new byte[rnd.nextInt(max + 1)];
    rnd.nextBytes(b);
    return b;
  }

  static byte[] mutate(Random rnd, byte[] valid) {
    if (valid.length == 0) {
      return bytes(rnd, 16);
    }
    int at = rnd.nextInt(valid.length);
    switch (rnd.nextInt(4)) {
      case 0:
        return Arrays.copyOf(valid, rnd.nextInt(valid.length));
      case 1: {
        byte[] b = valid.clone();
        b[at] = (byte) rnd.nextInt(256);
        return b;
      }
      case 2: {
        byte[] b = valid.clone();
        b[at] = (byte) "{}[]:,\"'&*!|>-# \n\t".charAt(rnd.nextInt(18));
        return b;
      }
      default: {
        byte[] out = new byte[valid.length - 1];
        System.arraycopy(valid, 0, out, 0, at);
        System.arraycopy(valid, at + 1, out, at, valid.length - at - 1);
        return out;
      }
    }
  }
}
