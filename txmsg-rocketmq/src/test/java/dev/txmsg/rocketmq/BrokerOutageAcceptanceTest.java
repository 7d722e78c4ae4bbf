package dev.txmsg.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import dev.txmsg.api.HalfMessageNotSentException;
import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQExtension;

/**
 * The broker goes away and comes back (issue #3): the circuit opens and callers fail fast without
 * their executor running or anything being written; once the broker is back, sends succeed again.
 * The class stops and restarts a broker of its own.
 */
abstract class BrokerOutageAcceptanceTest {

    @RegisterExtension
    static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> { });

    static TestDatabase db;

    static void start(TestDatabase database) {
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY)");
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @Test
    void circuitOpensWhileTheBrokerIsDownAndClosesWhenItIsBack() {
        String topic = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        mq.broker().createTopic(topic, 2);
        CircuitBreaker circuit = CircuitBreaker.of(SendResilience.INSTANCE, CircuitBreakerConfig.from(SendResilience.defaultCircuitBreakerConfig())
            .slidingWindowSize(4).minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofSeconds(2)).build());
        AtomicInteger executed = new AtomicInteger();
        LocalTransactionExecutor<String> insert = (ctx, id) -> {
            executed.incrementAndGet();
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        };
        try (RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), "outage-" + db.kind() + "-" + topic)
            .dataSource(db.dataSource())
            .transactionLog(MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build())
            .options(o -> o.withTopics(java.util.List.of(topic)).withSendTimeout(Duration.ofSeconds(2)))
            .resilience(circuit, SendResilience.defaultRetry())
            .build()) {
            RocketMqTransactionalSender sender = txmsg.sender();

            sender.send(message(topic, "before"), insert, "before");
            assertThat(gauge(txmsg)).isZero();

            mq.broker().stopBroker();
            for (int i = 0; i < 2; i++) {
                String id = "down-" + i;
                assertThatThrownBy(() -> sender.send(message(topic, id), insert, id))
                    .isInstanceOf(HalfMessageNotSentException.class);
            }
            assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(gauge(txmsg)).isEqualTo(1.0);
            int executedBefore = executed.get();

            assertThatThrownBy(() -> sender.send(message(topic, "open"), insert, "open"))
                .isInstanceOf(HalfMessageNotSentException.class).hasMessageContaining("circuit breaker is open");
            assertThat(executed.get()).as("executors run while the circuit is open").isEqualTo(executedBefore);
            assertThat(db.queryLong("SELECT COUNT(*) FROM orders WHERE id <> 'before'")).as("rows of failed sends").isZero();
            assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE topic = '" + topic + "'")).isEqualTo(1);

            mq.broker().startBroker();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> sender.send(message(topic, "after-" + System.nanoTime()), insert, "after-" + System.nanoTime()) != null);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                sender.send(message(topic, "more-" + System.nanoTime()), insert, "more-" + System.nanoTime());
                return circuit.getState() == CircuitBreaker.State.CLOSED;
            });
            assertThat(gauge(txmsg)).isZero();
        }
    }

    private static double gauge(RocketMqTxMsg txmsg) {
        return txmsg.metrics().registry().get("txmsg.circuit.state").gauge().value();
    }

    private static TxMessage message(String topic, String id) {
        return TxMessage.builder(topic).key(id).body(id.getBytes(StandardCharsets.UTF_8)).build();
    }
}
