package dev.txmsg.rocketmq.metrics;

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
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import brave.Span;
import brave.handler.MutableSpan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.check.ConfiguredDecider;
import dev.txmsg.rocketmq.check.InDoubtWatcher;
import dev.txmsg.rocketmq.check.TransactionDecider;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.test.EmbeddedRocketMQExtension;

/**
 * One trace follows a message (issue #17): the send is a child of the caller's span, and the
 * check-back, the in-doubt settlement and every delivery (a retry included) are children of the
 * send, found through the {@code traceparent} the message carries. Without a tracer nothing is
 * written into the message.
 */
class TracingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> b.transactionCheckMax(2)
        .messageDelayLevel("1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"));

    private static TestDatabase db;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final InMemoryTracer tracer = closing(new InMemoryTracer());

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.h2();
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
    void theCheckBackAndEveryDeliveryAreSpansOfTheSendInTheCallersTrace() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "traced-" + id;
        String group = "traced-" + id;
        mq.broker().createTopic(topic, 2);
        Map<String, String> carried = new ConcurrentHashMap<>();
        AtomicInteger attempts = new AtomicInteger();
        consumer("c-" + id, topic, tracer, (message, ctx) -> {
            carried.putAll(message.properties());
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("injected: the first delivery fails");
            }
        });
        EndDropper ends = new EndDropper();
        ends.dropAll(); // the end is lost: the broker's check-back commits the message
        RocketMqTxMsg sender = sender(topic, group, new MessageTracing(tracer.registry()));
        addHook(sender, ends);

        Observation request = Observation.start("test.request", tracer.registry());
        String txId;
        try (Observation.Scope scope = request.openScope()) {
            txId = sender.sender().send(message(topic), (ctx, arg) -> insertOrder(ctx.connection(), ctx.transactionId()))
                .transactionId();
        } finally {
            request.stop();
        }

        await().atMost(PATIENCE).until(() -> tracer.named("consume " + topic).size() >= 2 && !tracer.named("check-back " + topic).isEmpty());
        MutableSpan caller = only(tracer.named("test.request"));
        MutableSpan send = only(tracer.named("send " + topic));
        assertThat(send.parentId()).as("the send is a child of the caller's span").isEqualTo(caller.id());
        assertThat(send.kind()).isEqualTo(Span.Kind.PRODUCER);
        assertThat(send.tags()).containsEntry(MessageTracing.TOPIC, topic).containsEntry(MessageTracing.GROUP, group)
            .containsEntry(MessageTracing.TRANSACTION_ID, txId).containsEntry(MessageTracing.TAG, "ORDER_CREATED")
            .containsEntry(MessageTracing.KEYS, "order-" + id).containsEntry(MessageTracing.OUTCOME, "committed");
        assertThat(carried.get("traceparent")).as("the message carries the send's context")
            .isEqualTo("00-" + send.traceId() + "-" + send.id() + "-01");

        assertThat(tracer.named("check-back " + topic)).allSatisfy(c -> {
            assertThat(c.traceId()).isEqualTo(caller.traceId());
            assertThat(c.parentId()).isEqualTo(send.id());
            assertThat(c.tags()).containsEntry(MessageTracing.TRANSACTION_ID, txId);
        }).anySatisfy(c -> assertThat(c.tags()).containsEntry(MessageTracing.OUTCOME, "committed"));

        List<MutableSpan> deliveries = tracer.named("consume " + topic);
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.traceId()).isEqualTo(caller.traceId());
            assertThat(d.parentId()).isEqualTo(send.id());
            assertThat(d.kind()).isEqualTo(Span.Kind.CONSUMER);
            assertThat(d.tags()).containsEntry(MessageTracing.GROUP, "c-" + id).containsEntry(MessageTracing.TRANSACTION_ID, txId);
        });
        assertThat(deliveries).extracting(d -> d.tags().get(MessageTracing.OUTCOME)).contains("failed", "applied")
            .as("a redelivery after the commit finds the message applied").isSubsetOf("failed", "applied", "duplicate");
        assertThat(deliveries).filteredOn(d -> "failed".equals(d.tags().get(MessageTracing.OUTCOME)))
            .singleElement().satisfies(d -> assertThat(d.error()).hasMessageContaining("injected"));
    }

    @Test
    void anInDoubtSettlementIsASpanOfTheSend() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "traced-in-doubt-" + id;
        String group = "traced-in-doubt-" + id;
        mq.broker().createTopic(topic, 2);
        MessageTracing tracing = new MessageTracing(tracer.registry());
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        EndDropper ends = new EndDropper();
        ends.dropAll();
        // the check-backs never answer: the broker gives up, and the watcher settles the message from the log
        RocketMqTxMsg sender = closing(RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), group)
            .dataSource(db.dataSource()).transactionLog(log).options(o -> o.withTopics(List.of(topic)))
            .metrics(new TxMsgMetrics(new SimpleMeterRegistry(), group, tracing))
            .decorate(real -> request -> TransactionState.UNKNOWN).build());
        addHook(sender, ends);
        ConfiguredDecider fromTheLog = new ConfiguredDecider(new TransactionDecider(log, RetentionHorizon.none(), new RunningTransactions()),
            List.of());
        closing(new InDoubtWatcher(ClientOptions.of(mq.broker().nameServerAddress()), group, fromTheLog, store, sender.republisher(),
            Duration.ofSeconds(1), tracing).start());

        String txId = sender.sender().send(message(topic), (ctx, arg) -> insertOrder(ctx.connection(), ctx.transactionId()))
            .transactionId();

        await().atMost(PATIENCE).until(() -> !tracer.named("settle " + topic).isEmpty());
        assertThat(store.inDoubt(txId)).get().extracting(InDoubtTransaction::status).isEqualTo(InDoubtTransaction.Status.DELIVERED);
        MutableSpan send = only(tracer.named("send " + topic));
        MutableSpan settle = only(tracer.named("settle " + topic));
        assertThat(settle.traceId()).isEqualTo(send.traceId());
        assertThat(settle.parentId()).isEqualTo(send.id());
        assertThat(settle.tags()).containsEntry(MessageTracing.TRANSACTION_ID, txId).containsEntry(MessageTracing.OUTCOME, "delivered");
        assertThat(tracer.named("check-back " + topic)).as("the unanswered check-backs are spans of the send too")
            .isNotEmpty().allSatisfy(c -> {
                assertThat(c.parentId()).isEqualTo(send.id());
                assertThat(c.tags()).containsEntry(MessageTracing.OUTCOME, "unknown");
            });
    }

    @Test
    void theOutboxRelayAndTheDeliveryAreSpansOfTheSend() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "traced-outbox-" + id;
        String group = "traced-outbox-" + id;
        mq.broker().createTopic(topic, 2);
        Map<String, String> carried = new ConcurrentHashMap<>();
        consumer("c-" + id, topic, tracer, (message, ctx) -> carried.putAll(message.properties()));
        MessageTracing tracing = new MessageTracing(tracer.registry());
        dev.txmsg.rocketmq.outbox.OutboxStore outbox = new dev.txmsg.rocketmq.outbox.OutboxStore(db.dataSource(), group,
            SchemaInitialization.ALWAYS);
        RocketMqTxMsg sender = closing(RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), group)
            .mode(dev.txmsg.rocketmq.Mode.OUTBOX).dataSource(db.dataSource()).outboxStore(outbox)
            .options(o -> o.withTopics(List.of(topic))).metrics(new TxMsgMetrics(new SimpleMeterRegistry(), group, tracing)).build());

        String txId = sender.sender().send(message(topic), (ctx, arg) -> insertOrder(ctx.connection(), ctx.transactionId()))
            .transactionId();

        await().atMost(PATIENCE).until(() -> !tracer.named("consume " + topic).isEmpty() && !tracer.named("relay " + topic).isEmpty());
        MutableSpan send = only(tracer.named("send " + topic));
        MutableSpan relay = only(tracer.named("relay " + topic));
        MutableSpan delivery = only(tracer.named("consume " + topic));
        assertThat(send.tags()).containsEntry(MessageTracing.TRANSACTION_ID, txId).containsEntry(MessageTracing.OUTCOME, "committed");
        assertThat(relay.parentId()).as("the relay continues the trace stored in the outbox row").isEqualTo(send.id());
        assertThat(relay.traceId()).isEqualTo(send.traceId());
        assertThat(relay.tags()).containsEntry(MessageTracing.TRANSACTION_ID, txId).containsEntry(MessageTracing.OUTCOME, "published");
        assertThat(delivery.parentId()).isEqualTo(send.id());
        assertThat(carried.get("traceparent")).isEqualTo("00-" + send.traceId() + "-" + send.id() + "-01");
    }

    @Test
    void withoutATracerNothingIsWrittenIntoTheMessage() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "untraced-" + id;
        mq.broker().createTopic(topic, 2);
        Map<String, String> carried = new ConcurrentHashMap<>();
        consumer("c-" + id, topic, null, (message, ctx) -> carried.putAll(message.properties()));
        RocketMqTxMsg sender = sender(topic, "untraced-" + id, MessageTracing.none());

        Observation request = Observation.start("test.request", tracer.registry()); // a trace txmsg was not given
        try (Observation.Scope scope = request.openScope()) {
            sender.sender().send(message(topic), (ctx, arg) -> insertOrder(ctx.connection(), ctx.transactionId()));
        } finally {
            request.stop();
        }

        await().atMost(PATIENCE).until(() -> !carried.isEmpty());
        assertThat(carried).doesNotContainKeys("traceparent", "tracestate", "b3");
        assertThat(tracer.spans()).extracting(MutableSpan::name).containsExactly("test.request");
    }

    private RocketMqTxMsg sender(String topic, String group, MessageTracing tracing) {
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        return closing(RocketMqTxMsg.builder(ClientOptions.of(mq.broker().nameServerAddress()), group)
            .dataSource(db.dataSource()).transactionLog(log).options(o -> o.withTopics(List.of(topic)))
            .metrics(new TxMsgMetrics(new SimpleMeterRegistry(), group, tracing))
            .build());
    }

    private void consumer(String group, String topic, InMemoryTracer traced, dev.txmsg.api.consume.MessageHandler handler) {
        ConsumerMetrics metrics = new ConsumerMetrics(new SimpleMeterRegistry(),
            traced == null ? MessageTracing.none() : new MessageTracing(traced.registry()));
        closing(RocketMqConsumers.builder(ClientOptions.of(mq.broker().nameServerAddress()), db.dataSource())
            .store(new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS))
            .subscribe(Subscription.of(group, topic, handler))
            .metrics(metrics)
            .build().start());
    }

    private static void insertOrder(java.sql.Connection connection, String id) throws java.sql.SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO orders (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static TxMessage message(String topic) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").keys("order-" + topic.substring(topic.lastIndexOf('-') + 1))
            .body("{}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static MutableSpan only(List<MutableSpan> spans) {
        assertThat(spans).hasSize(1);
        return spans.get(0);
    }

    private static void addHook(RocketMqTxMsg txmsg, org.apache.rocketmq.remoting.RPCHook hook) {
        txmsg.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient().registerRPCHook(hook);
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(0, closeable);
        return closeable;
    }
}
