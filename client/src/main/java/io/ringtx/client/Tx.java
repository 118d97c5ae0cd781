package io.ringtx.client;

import java.util.Optional;

/** PLACEHOLDER for the Java client being built elsewhere (drop on merge). */
public interface Tx {
  Optional<String> get(String key);

  void put(String key, String value);

  void append(String key, String suffix);

  void delete(String key);

  String id();
}
