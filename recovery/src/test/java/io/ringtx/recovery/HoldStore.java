package io.ringtx.recovery;

import io.ringtx.storage.RocksNodeStore;
import java.io.IOException;
import java.nio.file.Path;

/** Run as its own JVM by {@link OfflineSourceTest}: holds a store open like a running node. */
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
