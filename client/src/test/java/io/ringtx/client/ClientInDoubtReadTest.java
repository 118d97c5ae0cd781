package io.ringtx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringtx.coordinator.api.InDoubtException;
import io.ringtx.coordinator.http.FakeTransactionService;
import io.ringtx.coordinator.http.HttpApi;
import io.ringtx.coordinator.http.HttpApiOptions;
import io.ringtx.protocol.api.Limits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read that the key's owner refuses as in doubt (its prepared writer's decision overdue) comes
 * to the Java client as a 503 {@code in_doubt} from the real HTTP API, and is thrown as {@link
 * KeyInDoubtException} with the owner's words, once, from a plain read and from a transaction,
 * which then commits nothing.
 */
class ClientInDoubtReadTest {
  Vertx server;
  FakeTransactionService fake;
  HttpApi api;

  @BeforeEach
  void start() throws Exception {
    server = Vertx.vertx();
    fake = new FakeTransactionService(new Limits(64, 1024, 100));
    api = await(HttpApi.start(server, fake, HttpApiOptions.of("127.0.0.1", 0)));
    fake.failReadsWith(new InDoubtException("read of x refused by p1: key x is written by"
        + " transaction t9, prepared at p1 1500 ms ago and still without a decision"));
  }

  @AfterEach
  void stop() throws Exception {
    await(api.close());
    await(server.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReadRefusedInDoubt_isThrownAsKeyInDoubt_namingTheTransaction_andCommitsNothing()
      throws Exception {
    try (RingTxClient client = RingTx.connect("http://127.0.0.1:" + api.port())) {
      assertThatThrownBy(() -> client.get("x"))
          .isInstanceOf(KeyInDoubtException.class)
          .hasMessageContaining("503 in_doubt").hasMessageContaining("transaction t9");
      assertThatThrownBy(() -> client.run(tx -> {
        tx.put("y", tx.get("x").orElse("0"));
        return null;
      })).isInstanceOf(KeyInDoubtException.class);
    }
    assertThat(fake.commits()).isEmpty();
  }
}
