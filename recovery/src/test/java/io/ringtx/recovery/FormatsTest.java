package io.ringtx.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.protocol.id.NodeId;
import io.ringtx.protocol.id.TxId;
import io.ringtx.protocol.log.HeuristicAborted;
import io.ringtx.protocol.log.LogEntry;
import io.ringtx.protocol.log.Prepared;
import io.ringtx.protocol.message.KeyWrite;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FormatsTest {
  @ParameterizedTest
  @CsvSource({"30s,PT30S", "5m,PT5M", "2h,PT2H", "1d,PT24H", "500ms,PT0.5S", "PT1H30M,PT1H30M",
      "pt10s,PT10S", " 7s ,PT7S"})
  void parseDuration_acceptsShortAndIsoForms(String text, String iso) {
    assertThat(Formats.parseDuration(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "-5s", "5 minutes", "1w", "PT-1S", "s"})
  void parseDuration_refusesAnythingElse_namingTheValue(String text) {
    assertThatThrownBy(() -> Formats.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not a duration");
  }

  @ParameterizedTest
  @CsvSource({"0,0s", "59,59s", "60,1m00s", "187,3m07s", "3600,1h00m", "7500,2h05m",
      "86400,1d00h", "273600,3d04h"})
  void age_isShortAndReadable(long seconds, String expected) {
    assertThat(Formats.age(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @Test
  void entry_showsSeqTimeTypeAndFields_andValuesOnlyOnRequest() {
    LogEntry e = new LogEntry(12, 1_795_000_000_123L, new Prepared(TxId.of("t-17"),
        NodeId.of("c1"), List.of(NodeId.of("p1"), NodeId.of("p2")), List.of("r"),
        List.of(new KeyWrite("a", "1"), new KeyWrite("b c", "x y"), new KeyWrite("gone", null))));

    assertThat(Formats.entry(e, false)).isEqualTo("seq=12 2026-11-18T11:06:40.123Z PREPARED "
        + "tx=t-17 coordinator=c1 participants=[p1, p2] readKeys=[r] writes=[a, b c, gone]");
    assertThat(Formats.entry(e, true)).endsWith(
        "writes=[a=1, b c=\"x y\", gone=(deleted)]");
  }

  @Test
  void record_ofAHeuristicDecision_namesTheOperator() {
    assertThat(Formats.record(new HeuristicAborted(TxId.of("t"), "ops", 5), false))
        .isEqualTo("HEURISTIC_ABORTED tx=t operator=ops time=1970-01-01T00:00:00.005Z");
  }

  @Test
  void table_padsEveryColumnButTheLast() {
    List<String> lines = Formats.table(List.of("TX", "STATUS", "WHY"),
        List.of(List.of("t-1", "BLOCKED", "every participant READY"),
            List.of("long-tx-id", "OK", "x")));

    assertThat(lines).containsExactly(
        "TX          STATUS   WHY",
        "t-1         BLOCKED  every participant READY",
        "long-tx-id  OK       x");
    assertThat(Arrays.stream(lines.get(2).split("  +")).toList())
        .containsExactly("long-tx-id", "OK", "x");
  }
}
