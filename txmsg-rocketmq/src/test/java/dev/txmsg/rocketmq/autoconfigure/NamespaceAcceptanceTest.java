package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.ReceivedMessage;
import dev.txmsg.api.consume.TxMsgListener;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * The starter with a RocketMQ namespace ({@code rocketmq.producer.namespace},
 * {@code rocketmq.consumer.namespace}; issue #10, finding 5): the end, the check-back and the
 * consumers all work in the namespace.
 */
@WithEmbeddedRocketMQ
abstract class NamespaceAcceptanceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String NAMESPACE = "tenant-a";
    static final Set<String> APPLIED = ConcurrentHashMap.newKeySet();

    static EmbeddedRocketMQ mq;
    static TestDatabase db;

    private String id;
    private String topic;
    private CollectingConsumer consumer;

    static void start(EmbeddedRocketMQ broker, TestDatabase database) {
        mq = broker;
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, amount DECIMAL(12,2) NOT NULL)");
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @BeforeEach
    void newTopic() {
        id = UUID.randomUUID().toString().substring(0, 8);
        topic = "ns-" + db.kind() + "-" + id;
        mq.createTopic(NAMESPACE + "%" + topic, 2);
        consumer = new CollectingConsumer(mq.nameServerAddress(), "c-" + id, NAMESPACE + "%" + topic);
    }

    @AfterEach
    void closeConsumer() {
        consumer.close();
    }

    @TxMsgListener(consumerGroup = "${test.group}", topic = "${test.topic}")
    static class Recorder implements MessageHandler {
        @Override
        public void handle(ReceivedMessage message, ConsumeContext context) {
            APPLIED.add(message.transactionId());
        }
    }

    @Configuration
    static class Application {
        @Bean
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DelegatingDataSource(db.dataSource());
        }
    }

    private ApplicationContextRunner app() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, RocketMQAutoConfiguration.class,
                TxMsgAutoConfiguration.class, TxMsgConsumerAutoConfiguration.class))
            .withUserConfiguration(Application.class)
            .withBean(Recorder.class)
            .withPropertyValues("rocketmq.name-server=" + mq.nameServerAddress(), "txmsg.producer-group=ns-orders-" + id,
                "rocketmq.producer.namespace=" + NAMESPACE, "rocketmq.consumer.namespace=" + NAMESPACE,
                "txmsg.initialize-schema=always", "txmsg.topics=" + topic, "txmsg.consumer.start-from=first",
                "test.group=ns-ledger-" + id, "test.topic=" + topic);
    }

    private TxMessage created(String orderId) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").key(orderId).body(orderId.getBytes()).build();
    }

    @Test
    void aCommittedSendIsDeliveredToTheConsumersOfTheNamespace() {
        app().run(context -> {
            assertThat(context).hasNotFailed();
            TransactionalSender sender = context.getBean(TransactionalSender.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

            SendReceipt result = sender.send(created("ns-1"), (ctx, orderId) ->
                jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", orderId), "ns-1");

            await().atMost(PATIENCE).until(() -> APPLIED.contains(result.transactionId()));
            // a plain consumer of the namespaced topic sees it too, in its own time (it is another group)
            await().atMost(PATIENCE).until(() -> consumer.count(result.transactionId()) > 0);
        });
    }

    @Test
    void inOutboxModeBatchesArePublishedToTheNamespaceOnceEach() {
        app().withPropertyValues("txmsg.mode=outbox").run(context -> {
            assertThat(context).hasNotFailed();
            TransactionalSender sender = context.getBean(TransactionalSender.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            java.util.List<TxMessage> messages = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) { // one key: one partition, so one batch of them all
                messages.add(TxMessage.builder(topic).tag("ORDER_CREATED").key("ns-ob").body(("ns-ob-" + i).getBytes()).build());
            }

            java.util.List<SendReceipt> receipts = sender.send(messages, (ctx, orderId) ->
                jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", orderId), "ns-ob");

            receipts.forEach(r -> await().atMost(PATIENCE).until(() -> APPLIED.contains(r.transactionId())));
            receipts.forEach(r -> await().atMost(PATIENCE).until(() -> consumer.count(r.transactionId()) == 1));
            var registry = context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).metrics().registry();
            assertThat(registry.get("txmsg.outbox.publish.failures").tag("kind", "refused").counter().count())
                .as("batches refused by the broker (a queue without the namespace)").isZero();
            assertThat(registry.get("txmsg.outbox.batch.size").summary().max()).isGreaterThan(1);
        });
    }

    @Test
    void aLostEndIsSettledByTheCheckBackInTheNamespace() {
        app().run(context -> {
            assertThat(context).hasNotFailed();
            RocketMqTransactionalSender sender = context.getBean(RocketMqTransactionalSender.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            EndDropper ends = new EndDropper();
            ends.dropAll();
            dev.txmsg.rocketmq.RocketMqTxMsg txmsg = context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class);
            txmsg.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient()
                .registerRPCHook(ends);

            SendReceipt result = sender.send(created("ns-2"), (ctx, orderId) ->
                jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", orderId), "ns-2");

            await().atMost(PATIENCE).until(() -> APPLIED.contains(result.transactionId()));
            assertThat(txmsg.metrics().registry().counter("txmsg.checkback", "group", sender.producerGroup(), "answer", "commit")
                .count()).isPositive();
        });
    }
}
