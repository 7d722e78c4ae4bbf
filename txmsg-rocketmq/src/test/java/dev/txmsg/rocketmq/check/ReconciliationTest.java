package dev.txmsg.rocketmq.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.TransactionState;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.EmbeddedRocketMQExtension;

/**
 * RocketMQ 5.4's RocksDB transaction mode deletes a half message whose check-backs ran out (issue
 * #16): a committed transaction whose service could not answer for the whole check window is then
 * never delivered, and the in-doubt watcher has nothing to see. The reconciliation finds the
 * committed row whose message is not in its topic and publishes it from the half message, once;
 * rolled-back transactions stay undelivered.
 */
class ReconciliationTest {

    /** First check after 3 s, then every second, twice: the broker gives a message up after about 5 s. */
    @RegisterExtension
    static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> b.storeConfig(EmbeddedRocketMQ::transRocksDb)
        .transactionCheckMax(2));
    static final Duration CHECK_WINDOW = Duration.ofSeconds(3 + 2);

    static TestDatabase db;

    @BeforeAll
    static void start() {
        db = TestDatabase.h2();
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY)");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void aCommittedMessageWhoseHalfTheBrokerGaveUpIsPublishedOnceAndARolledBackOneIsNot() throws Exception {
        assertThat(mq.broker().brokerController().getMessageStoreConfig().isTransRocksDBEnable()).isTrue();
        String topic = "reconcile-" + UUID.randomUUID().toString().substring(0, 8);
        mq.broker().createTopic(topic, 2);
        AtomicBoolean databaseDown = new AtomicBoolean(true);
        Map<String, Integer> checks = new ConcurrentHashMap<>();
        EndDropper ends = new EndDropper();
        ends.dropAll();
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        try (CollectingConsumer consumer = new CollectingConsumer(mq.broker().nameServerAddress(), "reader-" + topic, topic);
             RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), "reconcile-" + topic)
                 .dataSource(db.dataSource())
                 .transactionLog(log)
                 .options(o -> o.withTopics(List.of(topic)))
                 // the service cannot answer while "its database is down": UNKNOWN, as txmsg answers then
                 .decorate(fenced -> request -> {
                     checks.merge(request.transactionId(), 1, Integer::sum);
                     return databaseDown.get() ? TransactionState.UNKNOWN : fenced.check(request);
                 })
                 .reconciliation(new RocketMqTxMsg.Reconciliation(CHECK_WINDOW, Duration.ofSeconds(1), Duration.ofMinutes(5), 2))
                 .build()) {
            txmsg.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient()
                .registerRPCHook(ends);
            List<String> committed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = topic + "-ok-" + i;
                SendReceipt r = txmsg.sender().send(message(topic, id), (ctx, arg) -> insert(ctx.connection(), arg), id);
                committed.add(r.transactionId());
            }
            String failed = topic + "-no";
            try {
                txmsg.sender().send(message(topic, failed), (ctx, arg) -> {
                    insert(ctx.connection(), arg);
                    throw new IllegalStateException("business rule says no");
                }, failed);
            } catch (RuntimeException expected) {
                // rolled back; its end is lost too
            }

            // The broker asks three times (2 checks after the first), gets no answer, and deletes the half messages.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(committed)
                .allSatisfy(id -> assertThat(checks.getOrDefault(id, 0)).isGreaterThanOrEqualTo(3)));
            databaseDown.set(false);
            int asked = checks.values().stream().mapToInt(Integer::intValue).sum();
            // Nothing is asked again and nothing arrives: without the reconciliation the messages are lost.
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> consumer.delivered().isEmpty() && checks.values().stream().mapToInt(Integer::intValue).sum() == asked);

            Reconciler reconciler = txmsg.reconciler().orElseThrow();
            Map<Reconciler.Result, Integer> first = reconciler.runOnce();
            assertThat(first).isEqualTo(Map.of(Reconciler.Result.REPUBLISHED, 3));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.delivered()).containsAll(committed));
            // Another instance of the group (or this one restarted) looks again: all delivered, nothing published twice.
            Reconciler another = new Reconciler(txmsg.producer().getProducerGroup(), log, txmsg.producer(),
                new Republisher(txmsg.producer()), decider(log), CHECK_WINDOW, Duration.ofSeconds(1), Duration.ofMinutes(5), 2);
            assertThat(another.runOnce()).isEqualTo(Map.of(Reconciler.Result.DELIVERED, 3));
            await().during(Duration.ofSeconds(2)).until(() -> consumer.delivered().size() == 3);
            assertThat(committed).allSatisfy(id -> assertThat(consumer.count(id)).as("deliveries of " + id).isEqualTo(1));
            assertThat(txmsg.metrics().registry().get("txmsg.reconcile").tag("result", "republished").functionCounter().count())
                .isEqualTo(3.0);
        }
    }

    @Test
    void aCommittedRowWhoseMessageIsNowhereIsAskedAgainUntilCatchUpRunsOutAndThenCountsAsMissing() throws Exception {
        String topic = "reconcile-none-" + UUID.randomUUID().toString().substring(0, 8);
        mq.broker().createTopic(topic, 2);
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        String txId = "none-" + UUID.randomUUID();
        try (java.sql.Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            log.append(c, txId, topic); // committed, but no message was ever sent: nothing to find, nothing to publish
            c.commit();
        }
        try (RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), "reconcile-" + topic)
                 .dataSource(db.dataSource()).transactionLog(log).options(o -> o.withTopics(List.of(topic))).build()) {
            Reconciler patient = new Reconciler("patient", log, txmsg.producer(), new Republisher(txmsg.producer()), decider(log),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(5), 10);
            // once the row is old enough (2 s): not found, pending, asked again at the next run
            await().atMost(Duration.ofSeconds(20)).until(() -> patient.runOnce().getOrDefault(Reconciler.Result.FAILED, 0) == 1);
            assertThat(patient.runOnce()).as("the next run asks again").isEqualTo(Map.of(Reconciler.Result.FAILED, 1));
            assertThat(patient.count(Reconciler.Result.MISSING)).isZero();

            Reconciler impatient = new Reconciler("impatient", log, txmsg.producer(), new Republisher(txmsg.producer()), decider(log),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 10);
            assertThat(impatient.runOnce()).as("no catch-up: given up at once").isEqualTo(Map.of(Reconciler.Result.MISSING, 1));
            assertThat(impatient.count(Reconciler.Result.MISSING)).isEqualTo(1);
        }
    }

    private static ConfiguredDecider decider(MyBatisTransactionLog log) {
        return new ConfiguredDecider(new TransactionDecider(log, dev.txmsg.rocketmq.log.RetentionHorizon.none(),
            new dev.txmsg.rocketmq.log.RunningTransactions()), List.of());
    }

    private static void insert(java.sql.Connection c, String id) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static TxMessage message(String topic, String key) {
        return TxMessage.builder(topic).key(key).tag("created").body(key.getBytes(StandardCharsets.UTF_8)).build();
    }
}
