package dev.txmsg.rocketmq.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.consume.NonRetryableException;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.AuditEntry;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.MessageTrail;
import dev.txmsg.api.ops.Query;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.wire.HalfMessages;
import dev.txmsg.rocketmq.wire.JacksonPayloadConverter;
import dev.txmsg.test.EmbeddedRocketMQExtension;

/**
 * "Where is my message?" and the audit of operator actions (issue #17), on each database: a
 * delivered and a dead-lettered message are each found by their transaction id and by their
 * business key; every replay and discard is recorded with who, why and what came of it, before it
 * runs. The in-doubt case, whose SQL these share, runs on H2 only ({@link H2WhereIsMyMessageTest}):
 * it waits for the broker to exhaust its check-backs.
 */
abstract class WhereIsMyMessageAcceptanceTest {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> b.transactionCheckMax(2)
        .messageDelayLevel("1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"));

    static TestDatabase db;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    static void start(TestDatabase database) {
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY)");
    }

    /** A database of the same kind, of the test's own. */
    abstract TestDatabase freshDatabase();

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    @Test
    void aDeliveredAndADeadLetteredMessageAreFoundByTransactionIdAndByBusinessKey() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "trail-" + id;
        String group = "c-trail-" + id;
        mq.broker().createTopic(topic, 2);
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        Set<String> applied = ConcurrentHashMap.newKeySet();
        RocketMqConsumers consumers = closing(RocketMqConsumers.builder(client(), db.dataSource()).store(store)
            .subscribe(Subscription.of(group, topic, (message, ctx) -> {
                if (message.keys().contains("order-refused-" + id)) {
                    throw new NonRetryableException("injected: <script>alert('refused')</script>");
                }
                applied.add(message.transactionId());
            })).build().start());
        RocketMqTxMsg sender = sender(topic, "p-trail-" + id);
        TxMsgOperations ops = new TxMsgOperations(store, consumers, sender.republisher())
            .withTrailSources(sender.transactionLog().orElseThrow(), KeyIndex.broker(sender.producer(), () -> List.of(topic),
                Duration.ofHours(1)));

        String delivered = send(sender, topic, "order-paid-" + id);
        String refused = send(sender, topic, "order-refused-" + id);
        await().atMost(PATIENCE).until(() -> applied.contains(delivered) && !store.deadLettersOf(refused, 10).isEmpty());

        MessageTrail byId = ops.trail(delivered);
        assertThat(byId.transactionIds()).containsExactly(delivered);
        assertThat(byId.log()).containsExactly(new MessageTrail.LogRow(delivered, TransactionState.COMMITTED));
        assertThat(byId.consumed()).singleElement().satisfies(c -> {
            assertThat(c.consumerGroup()).isEqualTo(group);
            assertThat(c.topic()).isEqualTo(topic);
            assertThat(c.consumedAt()).isNotNull();
        });
        assertThat(byId.deadLetters()).isEmpty();
        assertThat(byId.inDoubt()).isEmpty();
        assertThat(ops.trail("order-paid-" + id)).as("by business key, through the broker's key index")
            .satisfies(t -> {
                assertThat(t.transactionIds()).containsExactly(delivered);
                assertThat(t.consumed()).extracting(MessageTrail.Consumption::key).containsExactly(delivered);
            });

        MessageTrail dead = ops.trail("order-refused-" + id);
        assertThat(dead.transactionIds()).containsExactly(refused);
        assertThat(dead.log()).containsExactly(new MessageTrail.LogRow(refused, TransactionState.COMMITTED));
        assertThat(dead.consumed()).as("not applied").isEmpty();
        assertThat(dead.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.deduplicationKey()).isEqualTo(refused);
            assertThat(d.status()).isEqualTo(DeadLetter.Status.DEAD);
            assertThat(d.cause()).contains("injected");
        });
        assertThat(ops.trail(refused).deadLetters()).hasSize(1);
        assertThat(ops.trail("no-such-" + id).isEmpty()).isTrue();
        assertThat(ops.trail("no-such-" + id).transactionIds()).isEmpty();
        assertThatThrownBy(() -> ops.trail(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOutboxMessageIsFoundByItsKeyInTheOutbox() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "trail-outbox-" + id;
        String group = "p-trail-outbox-" + id;
        mq.broker().createTopic(topic, 2);
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        Set<String> applied = ConcurrentHashMap.newKeySet();
        RocketMqConsumers consumers = closing(RocketMqConsumers.builder(client(), db.dataSource()).store(store)
            .subscribe(Subscription.of("c-" + group, topic, (message, ctx) -> applied.add(message.transactionId()))).build().start());
        dev.txmsg.rocketmq.outbox.OutboxStore outbox = new dev.txmsg.rocketmq.outbox.OutboxStore(db.dataSource(), group,
            SchemaInitialization.ALWAYS);
        RocketMqTxMsg sender = closing(RocketMqTxMsg.builder(client(), group).mode(dev.txmsg.rocketmq.Mode.OUTBOX)
            .dataSource(db.dataSource()).outboxStore(outbox)
            .outbox(dev.txmsg.rocketmq.outbox.OutboxOptions.defaults().withPublishedRetention(Duration.ofHours(1)))
            .options(o -> o.withTopics(List.of(topic))).build());
        // no key index: the key must be found in the outbox row itself
        TxMsgOperations ops = new TxMsgOperations(store, consumers, sender.republisher(), outbox, null)
            .withTrailSources(sender.transactionLog().orElse(null), KeyIndex.NONE);

        String txId = send(sender, topic, "order-outbox-" + id);
        await().atMost(PATIENCE).until(() -> applied.contains(txId)
            && outbox.find(txId).map(m -> m.status() == dev.txmsg.api.ops.OutboxMessage.Status.PUBLISHED).orElse(false));

        MessageTrail trail = ops.trail("order-outbox-" + id);
        assertThat(trail.transactionIds()).containsExactly(txId);
        assertThat(trail.outbox()).singleElement().satisfies(m -> {
            assertThat(m.transactionId()).isEqualTo(txId);
            assertThat(m.status()).isEqualTo(dev.txmsg.api.ops.OutboxMessage.Status.PUBLISHED);
        });
        assertThat(trail.log()).as("an outbox writes no log rows").isEmpty();
        assertThat(trail.consumed()).extracting(MessageTrail.Consumption::consumerGroup).containsExactly("c-" + group);
        assertThat(ops.trail("order-outbox").isEmpty()).as("a key matches whole, not as a prefix").isTrue();
        assertThat(ops.trail("order%outbox%" + id).isEmpty()).as("LIKE's wildcards in a key are plain characters").isTrue();
    }

    @Test
    void noActionRunsUnrecordedAndABulkDiscardRecordsEachRecord() throws Exception {
        TestDatabase own = freshDatabase();
        try {
            ConsumerStore store = new ConsumerStore(own.dataSource(), SchemaInitialization.ALWAYS);
            TxMsgOperations ops = new TxMsgOperations(store, null, null).as("carol");
            String group = "c-bulk";
            for (int i = 0; i < 3; i++) {
                store.recordFailure(new dev.txmsg.rocketmq.store.FailedDelivery(group, "key-" + i, "msg-" + i, "bulk", null, List.of(),
                    new byte[0], java.util.Map.of(), 1, "injected", true));
            }
            List<DeadLetter> letters = ops.deadLetters(new Query(group, null, null, null, 10));
            assertThat(letters).hasSize(3);

            own.execute("ALTER TABLE txmsg_audit RENAME TO txmsg_audit_away");
            assertThatThrownBy(() -> ops.discardDeadLetter(letters.get(0).id(), "moot")).isInstanceOf(IllegalStateException.class);
            assertThat(store.deadLetter(letters.get(0).id())).get().extracting(DeadLetter::status)
                .as("the audit could not be written: nothing was done").isEqualTo(DeadLetter.Status.DEAD);
            own.execute("ALTER TABLE txmsg_audit_away RENAME TO txmsg_audit");

            assertThatThrownBy(() -> ops.discardDeadLetters(new Query(group, null, null, null, 10), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
            assertThat(ops.discardDeadLetters(new Query(group, null, null, null, 10), "the fix made them moot"))
                .containsExactlyInAnyOrderElementsOf(letters.stream().map(DeadLetter::id).toList());
            assertThat(ops.deadLetterCount()).isZero();
            assertThat(ops.audit(Query.all())).hasSize(3).allSatisfy(a -> {
                assertThat(a.actor()).isEqualTo("carol");
                assertThat(a.action()).isEqualTo("discard");
                assertThat(a.reason()).isEqualTo("the fix made them moot");
                assertThat(a.outcome()).isEqualTo("DISCARDED");
            });
        } finally {
            own.close();
        }
    }

    static List<AuditEntry> newEntries(TxMsgOperations ops, long after) {
        return ops.audit(Query.all()).stream().filter(a -> a.id() > after).toList();
    }

    private RocketMqTxMsg sender(String topic, String group) {
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        return closing(RocketMqTxMsg.builder(client(), group).dataSource(db.dataSource()).transactionLog(log)
            .options(o -> o.withTopics(List.of(topic))).build());
    }

    private static String send(RocketMqTxMsg sender, String topic, String key) {
        return sender.sender().send(message(topic, key), (ctx, arg) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, ctx.transactionId());
                ps.executeUpdate();
            }
        }).transactionId();
    }

    /** A half message with no local transaction at all, as a producer that died right after the send leaves. */
    static String sendHalfOnly(RocketMqTxMsg sender, MyBatisTransactionLog log, String topic, String key) throws Exception {
        HalfMessages halves = new HalfMessages(sender.producer().getProducerGroup(), log.identity(), 4 * 1024 * 1024,
            new JacksonPayloadConverter(new com.fasterxml.jackson.databind.ObjectMapper()));
        Message half = halves.create(message(topic, key));
        assertThat(sender.producer().send(half).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        return MessageClientIDSetter.getUniqID(half);
    }

    static TxMessage message(String topic, String key) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").keys(key).body("{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    static ClientOptions client() {
        return ClientOptions.of(mq.broker().nameServerAddress());
    }

    <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(0, closeable);
        return closeable;
    }
}
