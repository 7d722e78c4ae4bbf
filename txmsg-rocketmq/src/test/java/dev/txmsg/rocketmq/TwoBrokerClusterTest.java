package dev.txmsg.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.test.EmbeddedRocketMQ;

/**
 * A cluster of two broker groups, {@code broker-a} and {@code broker-b}, behind one name server
 * (issue #16): while broker-a is down, sends go on through broker-b and the circuit stays closed;
 * half messages that broker-a held when it went down are settled by its check-backs once it is back.
 * Nothing lost, nothing phantom, nothing delivered twice.
 */
class TwoBrokerClusterTest {

    static EmbeddedRocketMQ brokerA;
    static EmbeddedRocketMQ brokerB;
    static TestDatabase db;

    @BeforeAll
    static void start() {
        brokerA = EmbeddedRocketMQ.builder().brokerName("broker-a").build().start();
        brokerB = EmbeddedRocketMQ.builder().brokerName("broker-b").joinNameServer(brokerA.nameServerAddress()).build().start();
        db = TestDatabase.h2();
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY)");
    }

    @AfterAll
    static void stop() {
        if (brokerB != null) {
            brokerB.close();
        }
        if (brokerA != null) {
            brokerA.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void sendsGoOnThroughBrokerBWhileBrokerAIsDownAndTheCircuitStaysClosed() {
        String topic = topic("route");
        // The producer keeps broker-a in its route throughout, as it does for up to its poll interval
        // after a broker dies: only leaving a failed broker out of its picks keeps the sends going.
        try (CollectingConsumer deliveries = new CollectingConsumer(brokerA.nameServerAddress(), "reader-" + topic, topic);
             RocketMqTxMsg txmsg = txmsg(topic, null, p -> p.setPollNameServerInterval(600_000))) {
            RocketMqTransactionalSender sender = txmsg.sender();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sent.add(sender.send(message(topic, "up-" + i), insert(), "up-" + topic + "-" + i).transactionId());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.brokers().containsAll(Set.of("broker-a", "broker-b")));

            brokerA.stopBroker();
            try {
                // Every send while broker-a is down succeeds: none is refused, whichever queue the producer picks first.
                for (int i = 0; i < 30; i++) {
                    sent.add(sender.send(message(topic, "down-" + i), insert(), "down-" + topic + "-" + i).transactionId());
                }
                assertThat(txmsg.circuitBreaker().orElseThrow().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
                assertThat(txmsg.circuitBreaker().orElseThrow().getMetrics().getNumberOfFailedCalls()).isZero();
                assertThat(txmsg.retry().orElseThrow().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt())
                    .as("sends that failed on broker-a and went on to broker-b").isPositive();
            } finally {
                brokerA.startBroker();
            }
            for (int i = 0; i < 8; i++) {
                sent.add(sender.send(message(topic, "back-" + i), insert(), "back-" + topic + "-" + i).transactionId());
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deliveries.delivered()).containsAll(sent));
            assertThat(sent).as("deliveries per transaction").allSatisfy(id -> assertThat(deliveries.count(id)).isEqualTo(1));
            assertThat(deliveries.delivered()).hasSize(sent.size());
            assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE topic = '" + topic + "'")).isEqualTo(sent.size());
        }
    }

    @Test
    void halfMessagesThatBrokerAHeldWhenItWentDownAreSettledWhenItIsBack() {
        String topic = topic("settle");
        EndDropper ends = new EndDropper();
        ends.dropAll(); // every end lost: only check-backs settle these messages
        try (CollectingConsumer deliveries = new CollectingConsumer(brokerA.nameServerAddress(), "reader-" + topic, topic);
             RocketMqTxMsg txmsg = txmsg(topic, ends, p -> { })) {
            RocketMqTransactionalSender sender = txmsg.sender();
            List<String> committed = new ArrayList<>();
            List<String> rolledBack = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                if (i % 4 == 3) {
                    String id = "fail-" + topic + "-" + i;
                    try {
                        sender.send(message(topic, id), (ctx, arg) -> {
                            insert().execute(ctx, arg);
                            throw new IllegalStateException("business rule says no");
                        }, id);
                    } catch (RuntimeException expected) {
                        rolledBack.add(id);
                    }
                } else {
                    SendReceipt r = sender.send(message(topic, "ok-" + i), insert(), "ok-" + topic + "-" + i);
                    committed.add(r.transactionId());
                }
            }
            assertThat(rolledBack).hasSize(4);
            brokerA.stopBroker(); // holding its share of the half messages, all still open (their first check is 3 s away)
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.brokers().contains("broker-b"));
                assertThat(deliveries.brokers()).as("brokers delivered from while broker-a is down").containsOnly("broker-b");
            } finally {
                brokerA.startBroker();
            }

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(deliveries.delivered()).containsAll(committed));
            assertThat(deliveries.fromBroker("broker-a")).as("settled by broker-a's check-backs after its return").isNotEmpty();
            assertThat(committed).as("deliveries per transaction").allSatisfy(id -> assertThat(deliveries.count(id)).isEqualTo(1));
            assertThat(deliveries.delivered()).as("nothing but the committed").containsExactlyInAnyOrderElementsOf(committed);
            assertThat(ends.lost()).isEqualTo(committed.size() + rolledBack.size());
            assertThat(db.queryLong("SELECT COUNT(*) FROM orders WHERE id LIKE 'fail-" + topic + "%'")).isZero();
        }
    }

    private static RocketMqTxMsg txmsg(String topic, EndDropper ends,
                                       java.util.function.Consumer<org.apache.rocketmq.client.producer.TransactionMQProducer> producer) {
        RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of(brokerA.nameServerAddress()), "cluster-" + topic)
            .dataSource(db.dataSource())
            .transactionLog(MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build())
            .options(o -> o.withTopics(List.of(topic)).withSendTimeout(Duration.ofSeconds(2)))
            .resilience(SendResilience.defaultCircuitBreaker(), SendResilience.defaultRetry())
            .producer(producer)
            .build();
        if (ends != null) {
            txmsg.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient()
                .registerRPCHook(ends);
        }
        return txmsg;
    }

    private static String topic(String prefix) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        brokerA.createTopic(topic, 4);
        brokerB.createTopic(topic, 4);
        return topic;
    }

    private static LocalTransactionExecutor<String> insert() {
        return (ctx, id) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        };
    }

    private static TxMessage message(String topic, String key) {
        return TxMessage.builder(topic).key(key).body(key.getBytes(StandardCharsets.UTF_8)).build();
    }
}
