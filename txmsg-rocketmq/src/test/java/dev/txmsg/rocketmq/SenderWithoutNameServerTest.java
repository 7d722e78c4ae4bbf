package dev.txmsg.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.txmsg.api.HalfMessageNotSentException;
import dev.txmsg.api.TxMessage;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.rocketmq.client.ClientOptions;

/** A service starts while the name server is down; its sends fail cleanly until it is back. */
class SenderWithoutNameServerTest {

    @Test
    void aSenderStartsWithoutANameServerAndRefusesToSendWithoutWritingAnything() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        AtomicInteger executed = new AtomicInteger();
        try (TestDatabase db = TestDatabase.h2();
             RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of("127.0.0.1:" + closedPort), "no-name-server")
                 .dataSource(db.dataSource())
                 .options(o -> o.withTopics(List.of("ORDERS")).withSendTimeout(Duration.ofSeconds(1)))
                 .build()) {
            RocketMqTransactionalSender sender = txmsg.sender();

            assertThatThrownBy(() -> sender.send(TxMessage.builder("ORDERS").body(new byte[] {1}).build(),
                (ctx, a) -> executed.incrementAndGet()))
                .isInstanceOf(HalfMessageNotSentException.class).hasMessageContaining("nothing was committed");
            assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log")).isZero();
        }
    }
}
