package io.ringtx.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run as its own JVM by {@link RocksNodeStoreReadOnlyTest}: opens the store in {@code args[0]}
 * like a running node, prints "open", and holds it until its standard input closes.
 */
public final class HoldStore {
  private HoldStore() {}

  public static void main(String[] args) throws IOException {
    try (RocksNodeStore store = RocksNodeStore.open(Path.of(args[0]))) {
      System.out.println("open");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the store until the parent closes our input
      }
    }
  }
}
