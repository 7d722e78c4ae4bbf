package dev.txmsg.acceptance;

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
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.txmsg.api.TransactionOutcomeUnknownException;
import dev.txmsg.api.TxMessage;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.support.FaultyDataSource;
import dev.txmsg.acceptance.support.FaultyDataSource.CommitFault;
import dev.txmsg.acceptance.support.RecordingCheckListener;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * What the acceptance suites of the send path share: a real in-process broker, a real database
 * (each suite runs on H2 and on MariaDB by subclassing), a fresh topic, group and consumer per
 * test, and senders whose faults come from wrapping real parts (a DataSource, an RPC hook).
 */
@WithEmbeddedRocketMQ
public abstract class SendFixture {

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

    protected static void start(EmbeddedRocketMQ broker, TestDatabase database) {
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

    /** The implementation under test. */
    protected abstract Harness harness();

    SenderUnderTest sender(AtomicReference<RecordingCheckListener> checks) {
        return sender(checks, ends);
    }

    SenderUnderTest sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper) {
        return sender(checks, endDropper, faults);
    }

    SenderUnderTest sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper, DataSource dataSource) {
        return sender(checks, endDropper, dataSource, spec -> spec);
    }

    /**
     * A sender of the suite's group and topic on {@code dataSource} (its log there, check-backs
     * waiting at most 5 s), losing the ends {@code endDropper} says, its check-back answers recorded
     * in {@code checks}, changed by {@code more}; closed after the test.
     */
    SenderUnderTest sender(AtomicReference<RecordingCheckListener> checks, EndDropper endDropper, DataSource dataSource,
                           UnaryOperator<SenderSpec> more) {
        SenderSpec spec = SenderSpec.of(mq.nameServerAddress(), group, topic, dataSource)
            .withLog(harness().transactionLog(dataSource, Duration.ofSeconds(5)))
            .withHook(endDropper)
            .withDecorator(real -> {
                RecordingCheckListener recording = new RecordingCheckListener(real);
                checks.set(recording);
                return recording;
            });
        SenderUnderTest sender = harness().sender(more.apply(spec));
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

    String sendExpectingUnknown(SenderUnderTest sender, String orderId, CommitFault fault) {
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
