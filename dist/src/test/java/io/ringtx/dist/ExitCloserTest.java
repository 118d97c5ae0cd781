package io.ringtx.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitCloserTest {
  private final PrintWriter err = new PrintWriter(new StringWriter());

  @Test
  void close_closesInReverseOrder_once() {
    List<String> closed = new ArrayList<>();
    ExitCloser closer = ExitCloser.install("test-closer", err);
    closer.register(() -> closed.add("data dir"));
    closer.register(() -> closed.add("cluster"));

    closer.close();
    closer.close();

    assertThat(closed).containsExactly("cluster", "data dir");
  }

  @Test
  void close_closesEverything_whenOneFails_andReportsTheFailure() {
    List<String> closed = new ArrayList<>();
    ExitCloser closer = ExitCloser.install("test-closer", err);
    closer.register(() -> closed.add("data dir"));
    closer.register(
        () -> {
          throw new IOException("disk gone");
        });

    assertThatThrownBy(closer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasRootCauseInstanceOf(IOException.class)
        .hasMessageContaining("disk gone");
    assertThat(closed).containsExactly("data dir");
  }
}
