package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringtx.dist.demo.BankDemo;
import io.ringtx.dist.demo.RingTxBankClient;
import io.ringtx.dist.local.LocalCluster;
import io.ringtx.dist.local.LocalClusterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bank demo against a real local cluster: serializable transfers conserve the total. */
class DemoEndToEndTest {

  @Test
  @Timeout(120)
  void bankDemo_onALocalCluster_conservesTheTotal(@TempDir Path dataDir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (LocalCluster cluster =
        LocalCluster.start(new LocalClusterConfig(dataDir, 3, "127.0.0.1", 0))) {
      BankDemo.Options options = new BankDemo.Options(100, 4, Duration.ofSeconds(2), 100, 42);

      BankDemo.Result result =
          new BankDemo(
                  options,
                  RingTxBankClient.factory(cluster.url()),
                  new PrintWriter(out, true),
                  new PrintWriter(err, true))
              .run();

      assertThat(result.conserved()).as("demo output:%n%s%n%s", out, err).isTrue();
      assertThat(result.actualTotal()).isEqualTo(10_000);
      assertThat(result.committed()).as("demo output:%n%s%n%s", out, err).isPositive();
    }
  }
}
