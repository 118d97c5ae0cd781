package io.ringtx.dist.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link NodeConfig} from defaults, a file, the environment and flags (in that order,
 * later ones winning). Every key is checked: an unknown key, a value of the wrong type or a
 * value out of range is a {@link ConfigException} naming the key.
 */
public final class ConfigLoader {
  // A key given twice in a file is an error (as an unknown key is), not silently the last one.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final String ENV_PREFIX = "RINGTX_";

  private ConfigLoader() {}

  /** The keys a configuration may have. */
  public static Set<String> keys() {
    Set<String> keys = new TreeSet<>();
    for (var c : NodeConfig.class.getRecordComponents()) {
      keys.add(c.getName());
    }
    return keys;
  }

  /**
   * @param file a JSON ({@code .json}) or YAML file, or null
   * @param env the environment (only {@code RINGTX_*} variables are read)
   * @param flags {@code --kebab-key value} or {@code --kebab-key=value} pairs
   */
  public static NodeConfig load(Path file, Map<String, String> env, List<String> flags) {
    Map<String, Object> values = JSON.convertValue(NodeConfig.defaults(), Map.class);
    values.values().removeIf(v -> v == null);
    if (file != null) {
      values.putAll(readFile(file));
    }
    Set<String> keys = keys();
    for (var e : env.entrySet()) {
      // RINGTX_JAVA_OPTS belongs to the launcher script (JVM options), not to the node.
      if (e.getKey().startsWith(ENV_PREFIX) && !e.getKey().equals("RINGTX_JAVA_OPTS")) {
        String key = camel(e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT), '_');
        if (!keys.contains(key)) {
          throw new ConfigException("environment variable " + e.getKey() + ": unknown setting");
        }
        values.put(key, parseScalar(key, e.getValue()));
      }
    }
    values.putAll(parseFlags(flags, keys));
    return convert(values, file == null ? "flags" : file.toString()).validate();
  }

  /** One setting as written in {@code file}, or null if the file does not set it. */
  public static Object fileSetting(Path file, String key) {
    return readFile(file).get(key);
  }

  static Map<String, Object> readFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
    try {
      Object tree = m.readValue(Files.readAllBytes(file), Object.class);
      if (!(tree instanceof Map<?, ?> map)) {
        throw new ConfigException(file + ": must be an object of settings");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid " + (m == YAML ? "YAML" : "JSON") + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
  }

  static Map<String, Object> parseFlags(List<String> flags, Set<String> keys) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < flags.size(); i++) {
      String f = flags.get(i);
      if (!f.startsWith("--") || f.length() == 2) {
        throw new ConfigException("unexpected argument '" + f + "'");
      }
      String name = f.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < flags.size()) {
        value = flags.get(++i);
      } else {
        throw new ConfigException("--" + name + ": needs a value");
      }
      String key = camel(name, '-');
      if (!keys.contains(key)) {
        throw new ConfigException("--" + name + ": unknown setting (known: " + kebabAll(keys) + ")");
      }
      Object parsed = parseScalar(key, value);
      Object before = out.put(key, parsed);
      if (before != null && !before.equals(parsed)) {
        // Which one was meant is the operator's to say, not the last one's to decide.
        throw new ConfigException("--" + name + ": given twice, as '" + display(before)
            + "' and as '" + display(parsed) + "'");
      }
    }
    return out;
  }

  private static String display(Object value) {
    return value instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
        : String.valueOf(value);
  }

  /** Lists are given as comma-separated values on the command line and in the environment. */
  static Object parseScalar(String key, String value) {
    if (key.equals("participants") || key.equals("seeds")) {
      List<String> items = new ArrayList<>();
      Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
      return items;
    }
    return value;
  }

  static NodeConfig convert(Map<String, Object> values, String source) {
    try {
      return JSON.convertValue(values, NodeConfig.class);
    } catch (IllegalArgumentException e) {
      Throwable c = e.getCause();
      if (c instanceof UnrecognizedPropertyException u) {
        throw new ConfigException(source + ": unknown setting '" + u.getPropertyName() + "'");
      }
      if (c instanceof JsonProcessingException j) {
        String path = j instanceof com.fasterxml.jackson.databind.JsonMappingException m
            && !m.getPath().isEmpty() ? m.getPath().get(0).getFieldName() : "?";
        throw new ConfigException(path + ": " + j.getOriginalMessage());
      }
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  static String camel(String s, char sep) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char ch : s.toCharArray()) {
      if (ch == sep) {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return b.toString();
  }

  static String kebab(String camel) {
    return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  private static String kebabAll(Set<String> keys) {
    return String.join(", ", keys.stream().map(k -> "--" + kebab(k)).toList());
  }
}
