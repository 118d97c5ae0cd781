package io.ringtx.dist.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Naming who holds a port, from a /proc laid out by the test and from this machine's own. */
class PortOwnerTest {
  @TempDir Path proc;

  private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr"
      + " tm->when retrnsmt   uid  timeout inode\n";

  /** A /proc/net/tcp line: local 127.0.0.1:{@code port}, state {@code st}, socket {@code inode}. */
  private static String line(int n, int port, String st, long inode) {
    return String.format("  %d: 0100007F:%04X 00000000:0000 %s 00000000:00000000 00:00000000"
        + " 00000000  1000        0 %d 1 0000000000000000 100 0 0 10 0%n", n, port, st, inode);
  }

  @Test
  void namesTheProcessThatListens_andSocketsNoProcessHolds() throws Exception {
    Files.createDirectories(proc.resolve("net"));
    Files.writeString(proc.resolve("net/tcp"), HEADER + line(0, 27339, "0A", 4567)
        + line(1, 27339, "06", 0) + line(2, 28000, "0A", 999));
    Path pid = Files.createDirectories(proc.resolve("123/fd"));
    Files.createSymbolicLink(pid.resolve("7"), Path.of("socket:[4567]"));
    Files.createSymbolicLink(pid.resolve("8"), Path.of("/dev/null"));
    Files.write(proc.resolve("123/cmdline"), "java\0-cp\0x.jar\0FakeNode\0".getBytes());

    assertThat(PortOwner.describe(proc, 27339))
        .hasValue("pid 123 (java -cp x.jar FakeNode) LISTEN; a socket in TIME_WAIT");
    assertThat(PortOwner.describe(proc, 28000))
        .hasValue("a socket in LISTEN of a process not visible here");
    assertThat(PortOwner.describe(proc, 1)).isEmpty();
  }

  @Test
  void withoutProc_saysNothing() {
    assertThat(PortOwner.describe(proc.resolve("absent"), 27339)).isEmpty();
  }

  @Test
  void onThisMachine_namesThisJvmForAPortItListensOn() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux /proc");
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      assertThat(PortOwner.describe(s.getLocalPort())).get().asString()
          .startsWith("pid " + ProcessHandle.current().pid() + " (")
          .endsWith(") LISTEN");
    }
  }

  @Test
  void localPort_readsTheHexPort() {
    assertThat(PortOwner.localPort("0100007F:6ACB")).isEqualTo(0x6ACB);
    assertThat(PortOwner.localPort("00000000000000000000000001000000:1F90")).isEqualTo(8080);
    assertThat(PortOwner.localPort("garbage")).isEqualTo(-1);
  }
}
