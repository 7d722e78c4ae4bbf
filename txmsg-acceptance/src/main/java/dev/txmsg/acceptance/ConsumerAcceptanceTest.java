package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.NonRetryableException;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.acceptance.support.FaultyDataSource;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * Exactly-once effects from at-least-once delivery (issue #4), on a real broker and a real
 * database: duplicates, retries, concurrent duplicates on two instances, dead letters and replay.
 * The effect of a message is a row in {@code effects}; "once" means one row per key.
 */
@WithEmbeddedRocketMQ
public abstract class ConsumerAcceptanceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    static EmbeddedRocketMQ mq;
    static TestDatabase db;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String topic;
    private String group;
    private DefaultMQProducer producer;
    private ConsumersUnderTest latest;
    private Message lastSent;

    /** Called by a subclass's {@code @BeforeAll}: the broker and the database under test. */
    protected static void start(EmbeddedRocketMQ broker, TestDatabase database) {
        mq = broker;
        db = database;
        db.execute("CREATE TABLE effects (message_key VARCHAR(128) NOT NULL, consumer VARCHAR(16))");
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    /** The implementation under test. */
    protected abstract Harness harness();

    @BeforeEach
    void newTopic() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "consume-" + db.kind() + "-" + id;
        group = "consumer-" + db.kind() + "-" + id;
        mq.createTopic(topic, 4);
        producer = new DefaultMQProducer("raw-" + id);
        producer.setNamesrvAddr(mq.nameServerAddress());
        producer.start();
        closeables.add(producer::shutdown);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    @Test
    void theSameMessageDeliveredTwiceHasItsEffectOnce() throws Exception {
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, recordEffect("a")));

        String txId = newTxId();
        send(txId, 0);
        send(txId, 1); // re-sent with the same transaction id, to another queue

        await().atMost(PATIENCE).until(() -> consumed("duplicate") == 1 && consumed("applied") == 1);
        assertThat(effects(txId)).isEqualTo(1);
        assertThat(consumers.isConsumed(group, topic, txId)).isTrue();
    }

    @Test
    void aHandlerThatFailsTwiceThenSucceedsHasItsEffectOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        consumers(Subscription.of(group, topic, (m, ctx) -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("downstream not ready (call " + calls.get() + ")");
            }
            recordEffect("a").handle(m, ctx);
        }));

        String txId = newTxId();
        send(txId, 0);

        await().atMost(PATIENCE).until(() -> effects(txId) == 1);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(consumed("retry")).isEqualTo(2);
        assertThat(deadLetters()).as("a retry that succeeded leaves no failure record").isEmpty();
    }

    @Test
    void aCommitThatLookedFailedButCommittedLeavesNoFailureRecord() throws Exception {
        // The connection is lost during the first COMMIT, which reached the database: the handler's
        // effect is in, the pipeline saw a failure and asked for redelivery.
        FaultyDataSource faults = new FaultyDataSource(db.dataSource());
        AtomicInteger calls = new AtomicInteger();
        MessageHandler handler = (m, ctx) -> {
            recordEffect("a").handle(m, ctx);
            if (calls.incrementAndGet() == 1) {
                faults.failNextCommitOnThisThread(FaultyDataSource.CommitFault.COMMIT_THEN_THROW);
            }
        };
        consumers(faults, Subscription.of(group, topic, handler));

        String txId = newTxId();
        send(txId, 0);

        await().atMost(PATIENCE).until(() -> consumed("duplicate") == 1);
        assertThat(calls.get()).as("the handler ran once").isEqualTo(1);
        assertThat(effects(txId)).isEqualTo(1);
        assertThat(deadLetters()).as("failure records").isEmpty();
    }

    @Test
    void aHandlerThatCatchesADatabaseErrorIsAcknowledgedOnlyIfTheDatabaseKeepsItsEffect() throws Exception {
        // MySQL, MariaDB and H2 undo the failed statement and go on; PostgreSQL aborts the whole
        // transaction, and its COMMIT would roll back without an error: acknowledging the message
        // then would lose its effect.
        consumers(Subscription.of(group, topic, (m, ctx) -> {
            recordEffect("a").handle(m, ctx);
            try (PreparedStatement ps = ctx.connection().prepareStatement("SELECT * FROM no_such_table")) {
                ps.executeQuery();
            } catch (java.sql.SQLException ignored) {
                // the handler goes on, as if the error did not matter
            }
        }));

        String txId = newTxId();
        send(txId, 0);

        if (db.kind().equals("postgresql")) {
            await().atMost(PATIENCE).until(() -> consumed("retry") >= 1);
            assertThat(consumed("applied")).as("acknowledged as applied").isZero();
            assertThat(effects(txId)).isZero();
            assertThat(deadLetter(txId)).as("its failure record").isNotNull();
            assertThat(deadLetter(txId).cause()).contains("aborted");
        } else {
            await().atMost(PATIENCE).until(() -> consumed("applied") == 1);
            assertThat(effects(txId)).isEqualTo(1);
        }
    }

    @Test
    void aFailureRecordThatCouldNotBeRemovedIsRemovedByTheNextDelivery() throws Exception {
        // As above, and the first redelivery, a duplicate, also loses its connection when it removes
        // the failure record: the record must not stay RETRYING for an operator to puzzle over.
        FaultyDataSource faults = new FaultyDataSource(db.dataSource());
        AtomicInteger calls = new AtomicInteger();
        MessageHandler handler = (m, ctx) -> {
            recordEffect("a").handle(m, ctx);
            if (calls.incrementAndGet() == 1) {
                faults.failNextCommitOnThisThread(FaultyDataSource.CommitFault.COMMIT_THEN_THROW);
                faults.failNextStatementContaining("DELETE FROM txmsg_dead_letter");
            }
        };
        consumers(faults, Subscription.of(group, topic, handler));

        String txId = newTxId();
        send(txId, 0);

        await().atMost(PATIENCE).until(() -> consumed("duplicate") >= 1 && deadLetters().isEmpty());
        assertThat(consumed("retry")).as("the commit, then the removal, looked failed").isEqualTo(2);
        assertThat(calls.get()).as("the handler ran once").isEqualTo(1);
        assertThat(effects(txId)).isEqualTo(1);
    }

    @Test
    void twoInstancesReceivingDuplicatesAtOnceApplyItOnce() throws Exception {
        AtomicBoolean first = new AtomicBoolean(true);
        MessageHandler slowFirst = (m, ctx) -> {
            if (first.getAndSet(false)) {
                // Hold the consume-log row until the other instance's claim waits on it.
                await().atMost(PATIENCE).until(() -> db.waitsOn(ctx.connection()) > 0);
            }
            recordEffect("x").handle(m, ctx);
        };
        consumers(Subscription.of(group, topic, slowFirst));
        consumers(Subscription.of(group, topic, slowFirst));
        await().atMost(PATIENCE).until(() -> mq.brokerController().getConsumerManager().getConsumerGroupInfo(group) != null
            && mq.brokerController().getConsumerManager().getConsumerGroupInfo(group).getAllChannel().size() == 2);

        String txId = newTxId();
        for (int q = 0; q < 4; q++) {
            send(txId, q);
        }

        await().atMost(PATIENCE).until(() -> consumed("duplicate") == 3);
        assertThat(effects(txId)).isEqualTo(1);
    }

    @Test
    void aPoisonMessageBecomesADeadLetterAndAFixedHandlerReplaysItOnce() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean(false);
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, (m, ctx) -> {
            if (!fixed.get()) {
                throw new IllegalArgumentException("amount is not a number: " + new String(m.body(), StandardCharsets.UTF_8));
            }
            recordEffect("a").handle(m, ctx);
        }).withMaxAttempts(3));
        Operations ops = consumers.operations();

        String txId = newTxId();
        send(txId, 0);

        await().atMost(PATIENCE).until(() -> deadLetter(txId) != null && deadLetter(txId).status() == DeadLetter.Status.DEAD);
        DeadLetter dead = deadLetter(txId);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.cause()).contains("IllegalArgumentException: amount is not a number");
        assertThat(dead.body()).isEqualTo(("{\"txId\":\"" + txId + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(dead.properties()).as("what the implementation put on the message, kept to publish it again")
            .containsAllEntriesOf(ownProperties(lastSent));
        assertThat(dead.firstFailureAt()).isBeforeOrEqualTo(dead.lastFailureAt());
        assertThat(effects(txId)).isZero();
        assertThat(ops.deadLetterCount()).isPositive();

        fixed.set(true);
        assertThat(ops.replayDeadLetter(dead.id()).outcome()).isEqualTo(ReplayResult.Outcome.APPLIED);
        assertThat(effects(txId)).isEqualTo(1);
        assertThat(deadLetter(txId).status()).isEqualTo(DeadLetter.Status.REPLAYED);

        assertThat(ops.replayDeadLetter(dead.id()).outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(effects(txId)).isEqualTo(1);
    }

    @Test
    void replayingADeadLetterWhoseMessageWasAppliedSinceAppliesNothing() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean(false);
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, (m, ctx) -> {
            if (!fixed.get()) {
                throw new NonRetryableException("unknown account");
            }
            recordEffect("a").handle(m, ctx);
        }));
        Operations ops = consumers.operations();

        String txId = newTxId();
        send(txId, 0);
        await().atMost(PATIENCE).until(() -> deadLetter(txId) != null && deadLetter(txId).status() == DeadLetter.Status.DEAD);
        assertThat(deadLetter(txId).attempts()).as("non-retryable: dead at once").isEqualTo(1);

        fixed.set(true);
        send(txId, 1); // the producer's duplicate arrives after the fix and is applied
        await().atMost(PATIENCE).until(() -> effects(txId) == 1);

        assertThat(ops.replayDeadLetter(deadLetter(txId).id()).outcome()).isEqualTo(ReplayResult.Outcome.ALREADY_APPLIED);
        assertThat(effects(txId)).isEqualTo(1);
    }

    @Test
    void aDiscardNeedsAReasonAndIsRecorded() throws Exception {
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, (m, ctx) -> {
            throw new NonRetryableException("never");
        }));
        Operations ops = consumers.operations();
        String txId = newTxId();
        send(txId, 0);
        await().atMost(PATIENCE).until(() -> deadLetter(txId) != null);
        long id = deadLetter(txId).id();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ops.discardDeadLetter(id, " "))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThat(ops.discardDeadLetter(id, "order cancelled by support, ticket 42")).isTrue();
        assertThat(deadLetter(txId).status()).isEqualTo(DeadLetter.Status.DISCARDED);
        assertThat(deadLetter(txId).resolution()).contains("ticket 42");
        assertThat(ops.discardDeadLetter(id, "again")).isFalse();
        assertThat(ops.replayDeadLetter(id).outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
    }

    @Test
    void messagesNotSentByTxmsgThatShareABusinessKeyAreDifferentMessages() throws Exception {
        consumers(Subscription.of(group, topic, recordEffect("a")));
        String key = "order-" + UUID.randomUUID();
        String created = plain(key, "ORDER_CREATED");
        String cancelled = plain(key, "ORDER_CANCELLED"); // same order, another event

        await().atMost(PATIENCE).until(() -> consumed("applied") == 2);
        assertThat(effects(created)).isEqualTo(1);
        assertThat(effects(cancelled)).isEqualTo(1);
        assertThat(consumed("duplicate")).isZero();
    }

    @Test
    void aMessageNotSentByTxmsgDeliveredTwiceIsAppliedOnceByItsMessageId() throws Exception {
        consumers(Subscription.of(group, topic, recordEffect("a")));
        Message m = new Message(topic, "ORDER_CREATED", "{}".getBytes(StandardCharsets.UTF_8));
        m.setKeys("order-" + UUID.randomUUID());
        producer.send(m, new MessageQueue(topic, mq.brokerName(), 0));
        String id = m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        producer.send(m, new MessageQueue(topic, mq.brokerName(), 1)); // the same message again (a producer's retry)

        await().atMost(PATIENCE).until(() -> consumed("duplicate") == 1 && consumed("applied") == 1);
        assertThat(effects(id)).isEqualTo(1);
    }

    @Test
    void keysThatDifferOnlyInCaseAreDifferentMessages() throws Exception {
        consumers(Subscription.of(group, topic, recordEffect("a")));
        String lower = "k-" + UUID.randomUUID().toString().substring(0, 8) + "-a";
        String upper = lower.substring(0, lower.length() - 1) + "A";
        send(lower, 0);
        send(upper, 1);

        await().atMost(PATIENCE).until(() -> consumed("applied") + consumed("duplicate") == 2);
        assertThat(consumed("applied")).as("compared byte for byte").isEqualTo(2);
    }

    @Test
    void consumerGroupsThatDifferOnlyInCaseApplyTheMessageEach() throws Exception {
        String other = group.toUpperCase(java.util.Locale.ROOT);
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, recordEffect("lower")));
        consumers(Subscription.of(other, topic, recordEffect("upper")));

        String txId = newTxId();
        send(txId, 0);

        await().atMost(PATIENCE).until(() -> db.queryLong("SELECT COUNT(*) FROM effects WHERE message_key = '" + txId + "'") == 2);
        assertThat(consumers.isConsumed(group, topic, txId)).isTrue();
        assertThat(consumers.isConsumed(other, topic, txId)).isTrue();
    }

    @Test
    void aDeadLetterThatALaterDeliveryAppliedIsNeverReplayedAgain() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean(false);
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, (m, ctx) -> {
            if (!fixed.get()) {
                throw new NonRetryableException("cannot apply yet");
            }
            recordEffect("a").handle(m, ctx);
        }));
        Operations ops = consumers.operations();
        String txId = newTxId();
        send(txId, 0);
        await().atMost(PATIENCE).until(() -> deadLetter(txId) != null && deadLetter(txId).status() == DeadLetter.Status.DEAD);

        fixed.set(true);
        send(txId, 1); // the broker delivers the same message again (a re-check after a lost end, say)
        await().atMost(PATIENCE).until(() -> effects(txId) == 1);
        // Days later the consume log's retention purges the row that proves it was applied.
        consumers.purgeConsumeLog(Duration.ZERO);
        assertThat(consumers.isConsumed(group, topic, txId)).isFalse();

        assertThat(deadLetter(txId).status()).isEqualTo(DeadLetter.Status.APPLIED);
        assertThat(ops.replayDeadLetter(deadLetter(txId).id()).outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(effects(txId)).as("applied once, never again").isEqualTo(1);
    }

    @Test
    void aReplayRacingADiscardReportsWhatReallyHappened() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean(false);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<java.sql.Connection> replayConnection = new AtomicReference<>();
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, (m, ctx) -> {
            if (!fixed.get()) {
                throw new NonRetryableException("poison");
            }
            replayConnection.set(ctx.connection());
            release.await();
            recordEffect("a").handle(m, ctx);
        }));
        Operations ops = consumers.operations();
        String txId = newTxId();
        send(txId, 0);
        await().atMost(PATIENCE).until(() -> deadLetter(txId) != null && deadLetter(txId).status() == DeadLetter.Status.DEAD);
        long id = deadLetter(txId).id();
        fixed.set(true);

        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var replay = two.submit(() -> ops.replayDeadLetter(id));
            await().atMost(PATIENCE).until(() -> replayConnection.get() != null);
            var discard = two.submit(() -> ops.discardDeadLetter(id, "given up on it"));
            // The discard waits for the replay's own transaction, which holds the dead letter.
            await().atMost(PATIENCE).until(() -> db.waitsOn(replayConnection.get()) > 0);
            release.countDown();

            assertThat(replay.get().outcome()).isEqualTo(ReplayResult.Outcome.APPLIED);
            assertThat(discard.get()).as("nothing left to discard").isFalse();
            assertThat(deadLetter(txId).status()).isEqualTo(DeadLetter.Status.REPLAYED);
            assertThat(effects(txId)).isEqualTo(1);
        } finally {
            release.countDown();
            two.shutdownNow();
        }
    }

    @Test
    void aReplayAfterADiscardAppliesNothing() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean(false);
        ConsumersUnderTest consumers = consumers(Subscription.of(group, topic, (m, ctx) -> {
            if (!fixed.get()) {
                throw new NonRetryableException("poison");
            }
            recordEffect("a").handle(m, ctx);
        }));
        Operations ops = consumers.operations();
        String txId = newTxId();
        send(txId, 0);
        await().atMost(PATIENCE).until(() -> deadLetter(txId) != null && deadLetter(txId).status() == DeadLetter.Status.DEAD);
        long id = deadLetter(txId).id();
        fixed.set(true);

        assertThat(ops.discardDeadLetter(id, "refunded by hand")).isTrue();
        ReplayResult replay = ops.replayDeadLetter(id);

        assertThat(replay.outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(replay.detail()).contains("DISCARDED");
        assertThat(effects(txId)).isZero();
    }

    /** Sends a plain message (not by txmsg) with a business key and a tag; returns its message id. */
    private String plain(String key, String tag) throws Exception {
        Message m = new Message(topic, tag, "{}".getBytes(StandardCharsets.UTF_8));
        m.setKeys(key);
        producer.send(m);
        return m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    }

    // ---- helpers

    private ConsumersUnderTest consumers(Subscription subscription) {
        return consumers(db.dataSource(), subscription);
    }

    private ConsumersUnderTest consumers(javax.sql.DataSource dataSource, Subscription subscription) {
        ConsumersUnderTest consumers = harness().consumers(
            new ConsumerSpec(mq.nameServerAddress(), dataSource, List.of(subscription), registry));
        closeables.add(0, consumers);
        latest = consumers;
        return consumers;
    }

    private List<DeadLetter> deadLetters() {
        return latest.operations().deadLetters(new Query(group, null, null, null, 10));
    }

    /** The properties of {@code m} that are not RocketMQ's own. */
    private static java.util.Map<String, String> ownProperties(Message m) {
        java.util.Map<String, String> own = new java.util.HashMap<>(m.getProperties());
        own.keySet().removeIf(MessageConst.STRING_HASH_SET::contains);
        assertThat(own).as("a message as the implementation sends it carries its identity").isNotEmpty();
        return own;
    }

    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    private double consumed(String outcome) {
        var counter = registry.find("txmsg.consume").tag("group", group).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static MessageHandler recordEffect(String consumer) {
        return (m, ctx) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO effects (message_key, consumer) VALUES (?, ?)")) {
                ps.setString(1, m.deduplicationKey());
                ps.setString(2, consumer);
                ps.executeUpdate();
            }
        };
    }

    private long effects(String key) {
        return db.queryLong("SELECT COUNT(*) FROM effects WHERE message_key = '" + key + "'");
    }

    private DeadLetter deadLetter(String key) {
        return latest.operations().deadLetters(new Query(group, topic, null, null, 10)).stream()
            .filter(d -> d.deduplicationKey().equals(key)).findFirst().orElse(null);
    }

    private static String newTxId() {
        return org.apache.rocketmq.common.message.MessageClientIDSetter.createUniqID();
    }

    /** A message as txmsg sends it (its log identity, its transaction id as unique id), to queue {@code queue}. */
    private void send(String txId, int queue) throws Exception {
        Message m = harness().asSentByTxmsg(topic, "ORDER_CREATED", txId, ("{\"txId\":\"" + txId + "\"}").getBytes(StandardCharsets.UTF_8));
        lastSent = m;
        var result = producer.send(m, new MessageQueue(topic, mq.brokerName(), queue));
        assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
    }
}
