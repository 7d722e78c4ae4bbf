package dev.txmsg.rocketmq.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.support.FaultyDataSource;
import dev.txmsg.api.spi.CheckListenerDecorator;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.ops.TxMsgOperations;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.wire.HalfMessages;
import dev.txmsg.rocketmq.wire.JacksonPayloadConverter;
import dev.txmsg.test.EmbeddedRocketMQExtension;

/**
 * Half messages whose check-backs the broker exhausted (issue #4): a broker of the class's own
 * gives up after two checks, the check-backs are made to fail, and the watcher settles what lands
 * in TRANS_CHECK_MAX_TIME_TOPIC from the transaction log.
 */
abstract class InDoubtSettlementAcceptanceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> b.transactionCheckMax(2)
        .messageDelayLevel("1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"));

    static TestDatabase db;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    static void start(TestDatabase database) {
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY)");
    }

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
    void exhaustedMessagesAreSettledFromTheLog() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "exhausted-" + db.kind() + "-" + id;
        String group = "exhausted-" + db.kind() + "-" + id;
        mq.broker().createTopic(topic, 2);
        CollectingConsumer consumer = closing(new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + id, topic));
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        RocketMqTxMsg sender = unanswering(topic, group, log);
        closing(watcher(sender, log, store, RetentionHorizon.of(Duration.ofDays(1), Duration.ofMinutes(5), Clock.systemUTC())));

        String committed = sender.sender().send(message(topic), (ctx, arg) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, ctx.transactionId());
                ps.executeUpdate();
            }
        }).transactionId();
        String rowless = sendHalfOnly(sender, log, topic);        // the process died before its local transaction
        String rolledBack = sendHalfOnly(sender, log, topic);     // fenced earlier; that check-back's answer was lost
        assertThat(log.fence(rolledBack, topic)).isTrue();

        await().atMost(PATIENCE).until(() -> store.inDoubt(committed).isPresent() && store.inDoubt(rowless).isPresent()
            && store.inDoubt(rolledBack).isPresent());
        assertThat(store.inDoubt(committed).get().status()).isEqualTo(InDoubtTransaction.Status.DELIVERED);
        assertThat(store.inDoubt(rowless).get().status()).isEqualTo(InDoubtTransaction.Status.FENCED);
        assertThat(log.find(rowless)).contains(TransactionState.ROLLED_BACK);
        assertThat(store.inDoubt(rolledBack).get().status()).isEqualTo(InDoubtTransaction.Status.DROPPED);
        await().atMost(PATIENCE).until(() -> consumer.count(committed) >= 1);
        assertThat(consumer.count(rowless)).isZero();
        assertThat(consumer.count(rolledBack)).isZero();
    }

    @Test
    void theWatcherDecidesThroughTheApplicationsDecoratorsAsTheCheckBackDoes() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "decorated-" + db.kind() + "-" + id;
        String group = "decorated-" + db.kind() + "-" + id;
        mq.broker().createTopic(topic, 2);
        CollectingConsumer consumer = closing(new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + id, topic));
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        // The application's decorator cannot decide yet (its own system is not ready, say): UNKNOWN to
        // the broker's check-backs, which it exhausts, and UNKNOWN to the watcher, which must wait too.
        java.util.concurrent.atomic.AtomicBoolean undecided = new java.util.concurrent.atomic.AtomicBoolean(true);
        EndDropper ends = new EndDropper();
        ends.dropAll();
        RocketMqTxMsg txmsg = closing(RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), group)
            .dataSource(db.dataSource()).transactionLog(log).options(o -> o.withTopics(List.of(topic))
                .withInDoubtProbeInterval(Duration.ofSeconds(1)))
            .decorate(real -> request -> undecided.get() ? TransactionState.UNKNOWN : real.check(request))
            .inDoubtWatcher(store)
            .build());
        addHook(txmsg, ends);
        txmsg.startInDoubtWatcher();
        InDoubtWatcher watcher = txmsg.inDoubtWatcher().orElseThrow();

        String committed = txmsg.sender().send(message(topic), (ctx, arg) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, ctx.transactionId());
                ps.executeUpdate();
            }
        }).transactionId();

        await().atMost(PATIENCE).until(() -> watcher.failures() >= 2);
        assertThat(store.inDoubt(committed)).as("the log says COMMITTED, but the decorator has not decided").isEmpty();
        assertThat(consumer.count(committed)).isZero();

        undecided.set(false);
        await().atMost(PATIENCE).until(() -> store.inDoubt(committed).isPresent());
        assertThat(store.inDoubt(committed).get().status()).isEqualTo(InDoubtTransaction.Status.DELIVERED);
        await().atMost(PATIENCE).until(() -> consumer.count(committed) >= 1);
        assertThat(watcher.failing()).isZero();
    }

    @Test
    void aRowlessMessageOlderThanTheRetentionWaitsForAnOperator() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "undecidable-" + db.kind() + "-" + id;
        String group = "undecidable-" + db.kind() + "-" + id;
        mq.broker().createTopic(topic, 2);
        CollectingConsumer consumer = closing(new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + id, topic));
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        RocketMqTxMsg sender = unanswering(topic, group, log);
        // To this watcher, two hours have passed: beyond the one-hour retention, a missing row proves nothing.
        closing(watcher(sender, log, store,
            RetentionHorizon.of(Duration.ofHours(1), Duration.ofMinutes(5), Clock.offset(Clock.systemUTC(), Duration.ofHours(2)))));
        TxMsgOperations ops = new TxMsgOperations(store, null, sender.republisher());

        String toReplay = sendHalfOnly(sender, log, topic);
        String toDiscard = sendHalfOnly(sender, log, topic);

        await().atMost(PATIENCE).until(() -> store.inDoubt(toReplay).isPresent() && store.inDoubt(toDiscard).isPresent());
        assertThat(store.inDoubt(toReplay).get().status()).isEqualTo(InDoubtTransaction.Status.IN_DOUBT);
        assertThat(log.find(toReplay)).as("nothing fenced beyond the retention").isEmpty();
        assertThat(ops.inDoubt(new Query(group, null, null, null, 10))).as("waiting for an operator")
            .filteredOn(t -> t.status() == InDoubtTransaction.Status.IN_DOUBT).hasSize(2);

        assertThat(ops.replayInDoubt(toReplay).outcome()).isEqualTo(ReplayResult.Outcome.APPLIED);
        await().atMost(PATIENCE).until(() -> consumer.count(toReplay) >= 1);
        assertThat(ops.replayInDoubt(toReplay).outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(ops.discardInDoubt(toDiscard, "checked: the order was never created")).isTrue();
        assertThat(store.inDoubt(toDiscard).get().status()).isEqualTo(InDoubtTransaction.Status.DISCARDED);
        assertThat(consumer.count(toDiscard)).isZero();
    }

    @Test
    void aSettleThatKeepsFailingIsRetriedBeyondRocketMqsSixteenAttemptsAndThenDeliversToTheRealTopic() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "unsettled-" + db.kind() + "-" + id;
        String group = "unsettled-" + db.kind() + "-" + id;
        mq.broker().createTopic(topic, 2);
        CollectingConsumer consumer = closing(new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + id, topic));
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        RocketMqTxMsg sender = unanswering(topic, group, log);
        // The watcher's database is unreachable when the broker gives up on the message.
        FaultyDataSource down = new FaultyDataSource(db.dataSource());
        MyBatisTransactionLog watcherLog = MyBatisTransactionLog.builder(down).build();
        ConsumerStore watcherStore = new ConsumerStore(down, SchemaInitialization.NEVER);
        down.down(true);
        InDoubtWatcher watcher = closing(watcher(sender, watcherLog, watcherStore, RetentionHorizon.none()));

        String committed = sender.sender().send(message(topic), (ctx, arg) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, ctx.transactionId());
                ps.executeUpdate();
            }
        }).transactionId();

        // Redelivered through the watcher's retry topic, past RocketMQ's default of 16 reconsumes.
        await().atMost(Duration.ofMinutes(3)).until(() -> watcher.failures() > 17);
        assertThat(watcher.failing()).as("the alarm").isEqualTo(1);
        assertThat(store.inDoubt(committed)).isEmpty();
        down.down(false);

        await().atMost(PATIENCE).until(() -> store.inDoubt(committed).isPresent());
        assertThat(store.inDoubt(committed).get().status()).isEqualTo(InDoubtTransaction.Status.DELIVERED);
        assertThat(store.inDoubt(committed).get().topic()).isEqualTo(topic);
        await().atMost(PATIENCE).until(() -> consumer.count(committed) >= 1);
        assertThat(watcher.failing()).isZero();
    }

    @Test
    void exhaustedMessagesOfAProducerInANamespaceAreSettled() throws Exception {
        String namespace = "tenant-b";
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "ns-exhausted-" + db.kind() + "-" + id;
        String group = "ns-exhausted-" + db.kind() + "-" + id;
        mq.broker().createTopic(namespace + "%" + topic, 2);
        CollectingConsumer consumer = closing(new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + id, namespace + "%" + topic));
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        EndDropper ends = new EndDropper();
        ends.dropAll();
        ClientOptions client = ClientOptions.of(mq.broker().nameServerAddress()).withNamespace(namespace);
        RocketMqTxMsg sender = closing(RocketMqTxMsg.builder(client, group)
            .dataSource(db.dataSource()).transactionLog(log).options(o -> o.withTopics(List.of(topic)))
            .decorate(real -> request -> TransactionState.UNKNOWN).build());
        addHook(sender, ends);
        closing(watcher(client, sender, log, store, RetentionHorizon.none()));

        String committed = sender.sender().send(message(topic), (ctx, arg) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
                ps.setString(1, ctx.transactionId());
                ps.executeUpdate();
            }
        }).transactionId();

        await().atMost(PATIENCE).until(() -> store.inDoubt(committed).isPresent());
        assertThat(store.inDoubt(committed).get().status()).isEqualTo(InDoubtTransaction.Status.DELIVERED);
        assertThat(store.inDoubt(committed).get().producerGroup()).isEqualTo(group);
        await().atMost(PATIENCE).until(() -> consumer.count(committed) >= 1);
    }

    @Test
    void aReplayRacingADiscardOfAnInDoubtTransactionPublishesOnlyIfItWins() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "race-" + db.kind() + "-" + id;
        String group = "race-" + db.kind() + "-" + id;
        mq.broker().createTopic(topic, 2);
        CollectingConsumer consumer = closing(new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + id, topic));
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        FaultyDataSource watched = new FaultyDataSource(db.dataSource());
        ConsumerStore store = new ConsumerStore(watched, SchemaInitialization.ALWAYS);
        RocketMqTxMsg sender = unanswering(topic, group, log);
        closing(watcher(sender, log, store,
            RetentionHorizon.of(Duration.ofHours(1), Duration.ofMinutes(5), Clock.offset(Clock.systemUTC(), Duration.ofHours(2)))));
        TxMsgOperations ops = new TxMsgOperations(store, null, sender.republisher());
        String toReplay = sendHalfOnly(sender, log, topic);
        String toDiscard = sendHalfOnly(sender, log, topic);
        await().atMost(PATIENCE).until(() -> store.inDoubt(toReplay).isPresent() && store.inDoubt(toDiscard).isPresent());

        // A replay whose publish fails leaves the record waiting (the pool's connections are in auto-commit).
        java.util.concurrent.atomic.AtomicBoolean brokerRefuses = new java.util.concurrent.atomic.AtomicBoolean(true);
        addHook(sender, new org.apache.rocketmq.remoting.RPCHook() {
                @Override
                public void doBeforeRequest(String remoteAddr, org.apache.rocketmq.remoting.protocol.RemotingCommand request) {
                    if (brokerRefuses.get() && (request.getCode() == org.apache.rocketmq.remoting.protocol.RequestCode.SEND_MESSAGE
                        || request.getCode() == org.apache.rocketmq.remoting.protocol.RequestCode.SEND_MESSAGE_V2)) {
                        throw new IllegalStateException("injected: the broker refuses the publish");
                    }
                }

                @Override
                public void doAfterResponse(String remoteAddr, org.apache.rocketmq.remoting.protocol.RemotingCommand request,
                                            org.apache.rocketmq.remoting.protocol.RemotingCommand response) {
                }
            });
        assertThat(ops.replayInDoubt(toReplay).outcome()).isEqualTo(ReplayResult.Outcome.FAILED);
        assertThat(store.inDoubt(toReplay).get().status()).as("still waiting").isEqualTo(InDoubtTransaction.Status.IN_DOUBT);
        brokerRefuses.set(false);

        // A discard after the replay began waits for it, and then finds nothing to discard.
        java.util.concurrent.CountDownLatch publishing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<Thread> replaying = new AtomicReference<>();
        sender.producer().getDefaultMQProducerImpl().registerSendMessageHook(new org.apache.rocketmq.client.hook.SendMessageHook() {
            @Override
            public String hookName() {
                return "hold-the-replay";
            }

            @Override
            public void sendMessageBefore(org.apache.rocketmq.client.hook.SendMessageContext context) {
                if (Thread.currentThread() == replaying.get()) {
                    publishing.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void sendMessageAfter(org.apache.rocketmq.client.hook.SendMessageContext context) {
            }
        });
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var replay = two.submit(() -> {
                replaying.set(Thread.currentThread());
                return ops.replayInDoubt(toReplay);
            });
            publishing.await();
            var discard = two.submit(() -> ops.discardInDoubt(toReplay, "too late"));
            await().atMost(PATIENCE).until(() -> db.waitsOn(watched.lastConnectionOf(replaying.get())) > 0);
            release.countDown();

            assertThat(replay.get().outcome()).isEqualTo(ReplayResult.Outcome.APPLIED);
            assertThat(discard.get()).as("nothing left to discard").isFalse();
            assertThat(store.inDoubt(toReplay).get().status()).isEqualTo(InDoubtTransaction.Status.REPLAYED);
            await().atMost(PATIENCE).until(() -> consumer.count(toReplay) >= 1);
        } finally {
            release.countDown();
            two.shutdownNow();
        }

        // A replay after a discard publishes nothing.
        assertThat(ops.discardInDoubt(toDiscard, "checked: never created")).isTrue();
        ReplayResult late = ops.replayInDoubt(toDiscard);
        assertThat(late.outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(late.detail()).contains("DISCARDED");
        assertThat(consumer.count(toDiscard)).isZero();
    }

    /** A sender whose check-backs all answer UNKNOWN and whose ends are lost, so that the broker exhausts its checks. */
    private RocketMqTxMsg unanswering(String topic, String group, MyBatisTransactionLog log) {
        return unanswering(topic, group, log, real -> request -> TransactionState.UNKNOWN);
    }

    private RocketMqTxMsg unanswering(String topic, String group, MyBatisTransactionLog log, CheckListenerDecorator decorator) {
        EndDropper ends = new EndDropper();
        ends.dropAll();
        RocketMqTxMsg txmsg = closing(RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), group)
            .dataSource(db.dataSource())
            .transactionLog(log)
            .options(o -> o.withTopics(List.of(topic)))
            .decorate(decorator)
            .build());
        addHook(txmsg, ends);
        return txmsg;
    }

    /** A watcher of {@code sender}'s group deciding from {@code log} alone (not from the sender's check-back, which never answers). */
    private static InDoubtWatcher watcher(RocketMqTxMsg sender, MyBatisTransactionLog log, ConsumerStore store, RetentionHorizon horizon) {
        return watcher(ClientOptions.of(mq.broker().nameServerAddress()), sender, log, store, horizon);
    }

    private static InDoubtWatcher watcher(ClientOptions client, RocketMqTxMsg sender, MyBatisTransactionLog log, ConsumerStore store,
                                          RetentionHorizon horizon) {
        String group = sender.producer().getProducerGroup();
        ConfiguredDecider fromTheLog = new ConfiguredDecider(new TransactionDecider(log, horizon, new RunningTransactions()), List.of());
        return new InDoubtWatcher(client, group, fromTheLog, store, sender.republisher(), Duration.ofSeconds(1)).start();
    }

    private static void addHook(RocketMqTxMsg txmsg, org.apache.rocketmq.remoting.RPCHook hook) {
        txmsg.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient().registerRPCHook(hook);
    }

    /** Sends a half message with no local transaction at all, as a producer that died right after the send would. */
    private static String sendHalfOnly(RocketMqTxMsg sender, MyBatisTransactionLog log, String topic) throws Exception {
        HalfMessages halves = new HalfMessages(sender.producer().getProducerGroup(), log.identity(), 4 * 1024 * 1024,
            new JacksonPayloadConverter(new com.fasterxml.jackson.databind.ObjectMapper()));
        Message half = halves.create(message(topic));
        assertThat(sender.producer().send(half).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        return MessageClientIDSetter.getUniqID(half);
    }

    private static TxMessage message(String topic) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").body("{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(0, closeable);
        return closeable;
    }
}
