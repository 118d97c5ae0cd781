package io.ringtx.storage;

import static io.ringtx.storage.Records.commitPut;
import static io.ringtx.storage.Records.forced;
import static io.ringtx.storage.Records.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.step.Versioned;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a stopped node's store for operator tools: read everything, change nothing. */
class RocksNodeStoreReadOnlyTest {
  @TempDir Path dir;

  private void seed() throws Exception {
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      store.write(commitPut("t1", "k1", "v1", 1)).get(5, TimeUnit.SECONDS);
      store.write(forced(prepared("t2"))).get(5, TimeUnit.SECONDS);
    }
  }

  /** Every file of the directory with its size and modification time. */
  private Map<String, String> files() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.put(dir.relativize(p).toString(), a.size() + "@" + a.lastModifiedTime().toMillis());
      }
    }
    return out;
  }

  @Test
  void openReadOnly_readsLogTxStatesAndData_andLeavesEveryFileAsItWas() throws Exception {
    // Issue 6: offline use never changes a data directory unless a write command is asked for
    seed();
    Map<String, String> before = files();

    try (RocksNodeStore store = RocksNodeStore.openReadOnly(dir)) {
      List<LogEntry> log = new ArrayList<>();
      store.forEachLogEntry(0, log::add);
      assertThat(log).hasSize(2);
      assertThat(store.txState(Records.tx("t2"))).get().isInstanceOf(Prepared.class);
      Map<String, Versioned> data = new LinkedHashMap<>();
      store.forEachData(data::put);
      assertThat(data).containsExactly(Map.entry("k1", new Versioned("v1", 1)));
      assertThat(store.lastVersion()).isEqualTo(1);
      assertThat(store.isReadOnly()).isTrue();
      assertThatThrownBy(() -> store.write(forced(prepared("t3"))).get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("read-only");
    }

    assertThat(files()).isEqualTo(before);
  }

  @Test
  void openReadOnly_ofADirectoryWithoutAStore_createsNothing() {
    Path empty = dir.resolve("nothing-here");

    assertThatThrownBy(() -> RocksNodeStore.openReadOnly(empty))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("holds no store");
    assertThat(empty).doesNotExist();
  }

  @Test
  void openReadOnly_ofAStoreHeldByARunningProcess_isRefused_andTheHolderKeepsIt()
      throws Exception {
    seed();
    Process holder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("open");
      Map<String, String> before = files();

      assertThatThrownBy(() -> RocksNodeStore.openReadOnly(dir))
          .isInstanceOf(StoreLockedException.class)
          .hasMessageContaining("in use");
      assertThat(files()).isEqualTo(before);
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // The holder closed cleanly, and the store opens again.
    try (RocksNodeStore store = RocksNodeStore.open(dir)) {
      assertThat(store.read("k1").value()).isEqualTo("v1");
    }
  }
}
