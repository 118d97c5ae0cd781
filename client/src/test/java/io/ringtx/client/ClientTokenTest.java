package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.protocol.api.Limits;
import io.ringtx.protocol.security.BearerToken;
import io.ringtx.protocol.security.HttpSecurity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against an API that requires a bearer token. */
class ClientTokenTest {
  private static final String TOKEN = "client-test-token-0123456789";

  private final Vertx server = Vertx.vertx();
  private FakeTransactionService fake;
  private HttpApi api;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeTransactionService(new Limits(64, 1024, 100));
    api = await(HttpApi.start(server, fake, HttpApiOptions.of("127.0.0.1", 0)
        .withSecurity(new HttpSecurity(null, BearerToken.of(TOKEN)))));
  }

  @AfterEach
  void stop() throws Exception {
    await(api.close());
    await(server.close());
  }

  private RingTxClient connect(ClientOptions options) {
    return RingTx.connect("http://127.0.0.1:" + api.port(),
        options.withRequestTimeout(Duration.ofSeconds(5)));
  }

  @Test
  void withTheToken_transactionsCommitAndReadsAnswer() {
    try (RingTxClient c = connect(ClientOptions.defaults().withBearerToken(TOKEN))) {
      c.run(tx -> {
        tx.put("a", "1");
        return null;
      });
      assertThat(c.get("a")).map(KeyValue::value).hasValue("1");
    }
    assertThat(fake.commits()).hasSize(1);
  }

  @Test
  void withoutTheToken_everyCallIsRefusedWith401_andNothingIsCommitted() {
    try (RingTxClient c = connect(ClientOptions.defaults())) {
      assertThatThrownBy(() -> c.get("a"))
          .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.error()).isEqualTo("unauthorized");
          });
      assertThatThrownBy(() -> c.run(tx -> {
        tx.put("a", "1");
        return null;
      })).isInstanceOfSatisfying(RequestRejectedException.class,
          e -> assertThat(e.status()).isEqualTo(401));
    }
    assertThat(fake.commits()).isEmpty();
  }

  @Test
  void withAWrongToken_callsAreRefusedWith401() {
    try (RingTxClient c = connect(ClientOptions.defaults().withBearerToken(TOKEN + "x"))) {
      assertThatThrownBy(() -> c.get("a"))
          .isInstanceOfSatisfying(RequestRejectedException.class,
              e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void aTokenThatCannotTravelInAHeader_isRefusedByTheOptions() {
    assertThatThrownBy(() -> ClientOptions.defaults().withBearerToken("two words"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClientOptions.defaults().withBearerToken(TOKEN).toString()).doesNotContain(TOKEN);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
