package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code ringtx recovery}: bad usage is refused before anything is opened or asked. */
class RecoveryCommandTest {
  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void help_listsEverySubcommand() {
    assertThat(execute("recovery", "--help")).isZero();
    assertThat(out.toString()).contains("list", "show", "resolve", "dump", "verify");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "recovery list                                                | --cluster=URL | --data-dir=DIR",
        "recovery list --cluster http://127.0.0.1:1 --data-dir x      | mutually exclusive",
        "recovery list --data-dir x --older-than soon                 | 'soon' is not a duration",
        "recovery show bad/id --data-dir x                            | 'bad/id' is not a transaction id",
        "recovery resolve t1 --cluster http://127.0.0.1:1             | --commit | --abort",
        "recovery resolve t1 --commit --abort --cluster http://h:1    | mutually exclusive",
        "recovery resolve t1 --commit --operator a*b --data-dir x     | --operator must be",
        "recovery dump --data-dir x --from 0                          | --from must be at least 1",
        "recovery list --data-dir x --state BLOKCED                   | --state must be a status",
        "recovery list --cluster http://127.0.0.1:1 --state none      | --state must be a status",
        "recovery list --cluster http://127.0.0.1:1 --ca-file /no/such.pem | --ca-file /no/such.pem: no such file",
        "recovery dump --from 3                                       | --data-dir",
        "recovery dump --data-dir x --ca-file ca.pem                  | --ca-file applies to --cluster only",
        "recovery list --data-dir x --token-file t                    | --token-file applies to --cluster only",
        "recovery                                                     | Missing required subcommand",
      })
  void badUsage_exitsTwo_namingTheProblem(String args, String expected) {
    assertThat(execute(args.trim().split("\\s+"))).isEqualTo(2);
    assertThat(err.toString()).contains(expected.split("\\|")[0].trim());
  }

  @Test
  void aClusterUrlThatIsNotHttp_orNotAnswering_exitsTwo_withAClearMessage() {
    assertThat(execute("recovery", "list", "--cluster", "ftp://x:1")).isEqualTo(2);
    assertThat(err.toString()).contains("--cluster must be a coordinator's http(s)://HOST:PORT");
    assertThat(execute("recovery", "verify", "--cluster", "http://127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read the cluster from http://127.0.0.1:1");
  }

  @Test
  void olderThan_aVeryLongAge_keepsNothing_insteadOfFailing() throws Exception {
    Path data = tmp.resolve("p1").resolve("data");
    try (var store = io.ringtx.storage.RocksNodeStore.open(data.resolve("store"))) {
      store.write(io.ringtx.protocol.step.WriteSet.forced(new io.ringtx.protocol.log.Prepared(
          io.ringtx.protocol.id.TxId.of("t-1"), io.ringtx.protocol.id.NodeId.of("c1"),
          java.util.List.of(io.ringtx.protocol.id.NodeId.of("p1")), java.util.List.of(),
          java.util.List.of(new io.ringtx.protocol.message.KeyWrite("k", "v")))))
          .get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(execute("recovery", "list", "--data-dir", data.toString())).isZero();
    assertThat(out.toString()).contains("1 transaction not finished");

    assertThat(execute("recovery", "list", "--data-dir", data.toString(),
        "--older-than", "99999999999999d")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("0 transactions not finished");
  }

  @Test
  void aDataDirWithoutAStore_exitsTwo_andIsLeftEmpty() throws Exception {
    assertThat(execute("recovery", "list", "--data-dir", tmp.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("holds no node store");
    try (var files = Files.list(tmp)) {
      assertThat(files).isEmpty();
    }
  }
}
