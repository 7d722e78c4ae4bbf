package dev.txmsg.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.txmsg.api.TransactionOutcomeUnknownException;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.SchemaInitialization;
import dev.txmsg.rocketmq.testing.CollectingConsumer;
import dev.txmsg.rocketmq.testing.EndDropper;
import dev.txmsg.rocketmq.testing.FaultyDataSource;
import dev.txmsg.rocketmq.testing.FaultyDataSource.CommitFault;
import dev.txmsg.rocketmq.testing.RecordingCheckListener;
import dev.txmsg.rocketmq.testing.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * What the acceptance suites of the send path share: a real in-process broker, a real database
 * (each suite runs on H2 and on MariaDB by subclassing), a fresh topic, group and consumer per
 * test, and senders whose faults come from wrapping real parts (a DataSource, an RPC hook).
 */
@WithEmbeddedRocketMQ
abstract class SendFixture {

    /** Long enough for a check-back that would deliver a rolled-back message to have done so. */
    static final Duration CHECK_WINDOW = Duration.ofSeconds(6);
    static final Duration PATIENCE = Duration.ofSeconds(60);

    static EmbeddedRocketMQ mq;
    static TestDatabase db;

    final List<AutoCloseable> closeables = new ArrayList<>();
    String topic;
    String group;
    FaultyDataSource faults;
    EndDropper ends;
    CollectingConsumer consumer;

    static void start(EmbeddedRocketMQ broker, TestDatabase database) {
        mq = broker;
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, amount DECIMAL(12,2) NOT NULL)");
        db.execute("CREATE TABLE payments (id VARCHAR(64) PRIMARY KEY)");
        db.execute("CREATE TABLE audit (id INT PRIMARY KEY)");
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void newTopicAndGroup() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "orders-" + db.kind() + "-" + id;
        group = "orders-service-" + db.kind() + "-" + id;
        mq.createTopic(topic, 4);
        faults = new FaultyDataSource(db.dataSource());
        ends = new EndDropper();
        consumer = new CollectingConsumer(mq.nameServerAddress(), "consumer-" + id, topic);
        closeables.add(consumer);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    // ---- helpers

    RocketMqTransactionalSender sender(AtomicReference<RecordingCheckListener> checks) {
        return sender(checks, ends);
    }

    RocketMqTransactionalSender sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper) {
        return sender(checks, endDropper, faults);
    }

    RocketMqTransactionalSender sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper,
                                               DataSource dataSource) {
        return sender(checks, endDropper, dataSource, p -> { });
    }

    RocketMqTransactionalSender sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper,
                                               DataSource dataSource,
                                               java.util.function.Consumer<org.apache.rocketmq.client.producer.TransactionMQProducer> producer) {
        return sender(checks, endDropper, dataSource, producer, b -> b);
    }

    RocketMqTransactionalSender sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper,
                                               DataSource dataSource,
                                               java.util.function.Consumer<org.apache.rocketmq.client.producer.TransactionMQProducer> producer,
                                               java.util.function.UnaryOperator<RocketMqTransactionalSender.Builder> more) {
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(dataSource)
            .schemaInitialization(SchemaInitialization.ALWAYS).lockWait(Duration.ofSeconds(5)).build();
        RocketMqTransactionalSender sender = more.apply(RocketMqTransactionalSender.builder()
            .nameServer(mq.nameServerAddress())
            .producerGroup(group)
            .dataSource(dataSource)
            .transactionLog(log)
            .topics(topic)
            .rpcHook(endDropper)
            .producer(producer)
            .checkListener(real -> {
                RecordingCheckListener recording = new RecordingCheckListener(real);
                checks.set(recording);
                return recording;
            }))
            .build();
        closeables.add(0, sender);
        return sender;
    }

    TxMessage order(String orderId) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").key(orderId)
            .body(("{\"orderId\":\"" + orderId + "\"}").getBytes(StandardCharsets.UTF_8)).build();
    }

    void insertOrder(dev.txmsg.api.TransactionContext ctx, String orderId) throws java.sql.SQLException {
        try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id, amount) VALUES (?, ?)")) {
            ps.setString(1, orderId);
            ps.setBigDecimal(2, new java.math.BigDecimal("12.50"));
            ps.executeUpdate();
        }
    }

    boolean orderExists(String orderId) {
        return db.queryLong("SELECT COUNT(*) FROM orders WHERE id = '" + orderId + "'") == 1;
    }

    String logState(String txId) {
        return db.queryString("SELECT state FROM txmsg_tx_log WHERE tx_id = '" + txId + "'");
    }

    void assertNeverDelivered(String txId) {
        assertThat(txId).isNotNull();
        await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5)).until(() -> consumer.count(txId) == 0);
    }

    String sendExpectingUnknown(RocketMqTransactionalSender sender, String orderId, CommitFault fault) {
        AtomicReference<String> txId = new AtomicReference<>();
        assertThatThrownBy(() -> sender.send(order(orderId), (ctx, id) -> {
            txId.set(ctx.transactionId());
            insertOrder(ctx, id);
            faults.failNextCommitOnThisThread(fault);
        }, orderId)).isInstanceOf(TransactionOutcomeUnknownException.class)
            .satisfies(e -> assertThat(((TransactionOutcomeUnknownException) e).transactionId()).isEqualTo(txId.get()));
        return txId.get();
    }
}
