package dev.txmsg.rocketmq.consume;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.RPCHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.rocketmq.log.ConsumerStore;
import dev.txmsg.rocketmq.log.SchemaInitialization;
import dev.txmsg.rocketmq.send.JacksonPayloadConverter;
import dev.txmsg.rocketmq.tx.JdbcLocalTransactions;
import dev.txmsg.rocketmq.tx.LocalTransactions;

/**
 * Runs subscriptions on RocketMQ push consumers, one per consumer group, each message applied
 * once through the consume log ({@link ConsumePipeline}).
 *
 * <pre>{@code
 * RocketMqConsumers consumers = RocketMqConsumers.builder()
 *     .nameServer("127.0.0.1:9876")
 *     .dataSource(dataSource)
 *     .subscribe(Subscription.of("account-service", "ORDER_EVENTS", handler).withTags("ORDER_CREATED"))
 *     .build()
 *     .start();
 * }</pre>
 */
public final class RocketMqConsumers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqConsumers.class);
    /** The longest backoff between deliveries: delay level 14, ten minutes with RocketMQ's default levels. */
    private static final int MAX_DELAY_LEVEL = 14;

    private final Builder settings;
    private final ConsumePipeline pipeline;
    private final ConsumerStore store;
    private final Map<String, Map<String, Subscription>> byGroupAndTopic = new LinkedHashMap<>();
    private final List<DefaultMQPushConsumer> consumers = new ArrayList<>();

    private RocketMqConsumers(Builder b) {
        this.settings = b;
        this.store = b.store != null ? b.store : new ConsumerStore(b.dataSource, b.schemaInitialization);
        this.pipeline = new ConsumePipeline(b.transactions != null ? b.transactions : new JdbcLocalTransactions(b.dataSource), store);
        for (Subscription s : b.subscriptions) {
            Subscription previous = byGroupAndTopic.computeIfAbsent(s.consumerGroup(), g -> new LinkedHashMap<>()).put(s.topic(), s);
            if (previous != null) {
                throw new IllegalArgumentException("two subscriptions of consumer group " + s.consumerGroup() + " to topic " + s.topic()
                    + ": RocketMQ allows one per group and topic; combine their tags with '||' in one handler");
            }
        }
    }

    /** Starts building. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts one push consumer per consumer group. */
    public synchronized RocketMqConsumers start() {
        if (!consumers.isEmpty()) {
            return this;
        }
        for (Map.Entry<String, Map<String, Subscription>> group : byGroupAndTopic.entrySet()) {
            consumers.add(startConsumer(group.getKey(), group.getValue()));
        }
        return this;
    }

    private DefaultMQPushConsumer startConsumer(String group, Map<String, Subscription> byTopic) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group, settings.rpcHook, new AllocateMessageQueueAveragely());
        consumer.setNamesrvAddr(settings.nameServer);
        if (settings.namespace != null && !settings.namespace.isBlank()) {
            consumer.setNamespace(settings.namespace);
        }
        if (settings.rpcHook != null) {
            consumer.setVipChannelEnabled(false);
        }
        consumer.setConsumeFromWhere(settings.fromFirstOffset ? ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET
            : ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.setConsumeThreadMin(settings.threads);
        consumer.setConsumeThreadMax(settings.threads);
        // txmsg records the dead letter on the last attempt; a message whose outcome cannot be recorded
        // (the database is down) is asked for again without end, never dropped into RocketMQ's %DLQ%.
        Redelivery.unlimited(consumer);
        try {
            for (Subscription s : byTopic.values()) {
                consumer.subscribe(s.topic(), s.tags());
            }
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    if (!consume(group, byTopic, m)) {
                        Redelivery.later(context, m, MAX_DELAY_LEVEL);
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("the consumer of group " + group + " did not start: " + e.getMessage(), e);
        }
        return consumer;
    }

    /** Returns false to ask for redelivery. */
    private boolean consume(String group, Map<String, Subscription> byTopic, MessageExt m) {
        Subscription subscription = byTopic.get(org.apache.rocketmq.remoting.protocol.NamespaceUtil.withoutNamespace(m.getTopic(),
            settings.namespace));
        if (subscription == null) {
            LOG.warn("group {} received a message of topic {}, to which it has no subscription; acknowledged", group, m.getTopic());
            return true;
        }
        ConsumePipeline.Outcome outcome = pipeline.deliver(subscription, Received.of(m, subscription.topic(), settings.converter));
        settings.metrics.consumed(group, outcome);
        return outcome != ConsumePipeline.Outcome.RETRY;
    }

    /** The subscription of {@code group} to {@code topic} in this process, if any. */
    public Optional<Subscription> subscription(String group, String topic) {
        return Optional.ofNullable(byGroupAndTopic.getOrDefault(group, Map.of()).get(topic));
    }

    /** The subscriptions. */
    public List<Subscription> subscriptions() {
        return byGroupAndTopic.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    /** The consumer tables. */
    public ConsumerStore store() {
        return store;
    }

    /**
     * Runs a DEAD letter's handler once more through the idempotent pipeline and resolves the record.
     * Replaying what was applied already applies nothing.
     */
    public ReplayResult replay(DeadLetter letter) {
        String id = Long.toString(letter.id());
        if (letter.status() != DeadLetter.Status.DEAD) {
            return new ReplayResult(id, ReplayResult.Outcome.NOT_PENDING, "status " + letter.status());
        }
        Optional<Subscription> subscription = subscription(letter.consumerGroup(), letter.topic());
        if (subscription.isEmpty()) {
            return new ReplayResult(id, ReplayResult.Outcome.FAILED, "no handler of group " + letter.consumerGroup() + " for topic "
                + letter.topic() + " runs in this process");
        }
        ConsumePipeline.Attempt attempt = pipeline.replay(subscription.get(), Received.replayOf(letter, settings.converter), letter.id());
        try {
            if (attempt.failure() != null) {
                store.failDeadLetterAgain(letter.id(), ConsumePipeline.describe(attempt.failure()));
                return new ReplayResult(id, ReplayResult.Outcome.FAILED, attempt.failure().toString());
            }
            return switch (attempt.outcome()) {
                // The record moved to REPLAYED in the same transaction as the handler's work.
                case APPLIED -> new ReplayResult(id, ReplayResult.Outcome.APPLIED, null);
                case DUPLICATE -> store.resolveDeadLetter(letter.id(), DeadLetter.Status.REPLAYED,
                        "replayed: already applied before, nothing done again")
                    ? new ReplayResult(id, ReplayResult.Outcome.ALREADY_APPLIED, null)
                    : notPending(id);
                default -> notPending(id);
            };
        } catch (SQLException e) {
            return new ReplayResult(id, ReplayResult.Outcome.FAILED, "the outcome could not be recorded: " + e);
        }
    }

    private ReplayResult notPending(String id) {
        try {
            return new ReplayResult(id, ReplayResult.Outcome.NOT_PENDING, store.deadLetter(Long.parseLong(id))
                .map(d -> "status " + d.status() + (d.resolution() == null ? "" : " (" + d.resolution() + ")"))
                .orElse("no dead letter " + id) + ": nothing was applied");
        } catch (SQLException e) {
            return new ReplayResult(id, ReplayResult.Outcome.NOT_PENDING, "no longer DEAD: nothing was applied");
        }
    }

    /** Stops the consumers. */
    @Override
    public synchronized void close() {
        consumers.forEach(DefaultMQPushConsumer::shutdown);
        consumers.clear();
    }

    /** Settings of {@link RocketMqConsumers}. */
    public static final class Builder {
        private String nameServer;
        private DataSource dataSource;
        private LocalTransactions transactions;
        private ConsumerStore store;
        private SchemaInitialization schemaInitialization = SchemaInitialization.EMBEDDED;
        private final List<Subscription> subscriptions = new ArrayList<>();
        private RPCHook rpcHook;
        private String namespace;
        private PayloadConverter converter;
        private ConsumerMetrics metrics;
        private int threads = 8;
        private boolean fromFirstOffset;

        private Builder() {
        }

        /** The name server address(es). Required. */
        public Builder nameServer(String nameServer) {
            this.nameServer = nameServer;
            return this;
        }

        /** The database of the handlers' transactions and of the consumer tables. Required. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** How handler transactions are opened (default: plain JDBC on the DataSource). */
        public Builder localTransactions(LocalTransactions transactions) {
            this.transactions = transactions;
            return this;
        }

        /** The consumer tables (default: on the DataSource). */
        public Builder store(ConsumerStore store) {
            this.store = store;
            return this;
        }

        /** When to create the consumer tables (default: on H2 only). */
        public Builder schemaInitialization(SchemaInitialization mode) {
            this.schemaInitialization = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Adds a subscription. */
        public Builder subscribe(Subscription subscription) {
            this.subscriptions.add(Objects.requireNonNull(subscription, "subscription"));
            return this;
        }

        /** An RPC hook, such as RocketMQ's {@code AclClientRPCHook}. */
        public Builder rpcHook(RPCHook rpcHook) {
            this.rpcHook = rpcHook;
            return this;
        }

        /** The RocketMQ namespace. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** Reads payloads (default: JSON). */
        public Builder payloadConverter(PayloadConverter converter) {
            this.converter = converter;
            return this;
        }

        /** Where meters go (default: a registry of their own). */
        public Builder metrics(ConsumerMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Consume threads per group (default 8). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("consumer threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Whether a new consumer group starts from the oldest stored message rather than from new
         * ones (RocketMQ's default).
         */
        public Builder fromFirstOffset(boolean fromFirstOffset) {
            this.fromFirstOffset = fromFirstOffset;
            return this;
        }

        /**
         * Opens the consumer tables; call {@link RocketMqConsumers#start()} to consume.
         *
         * @throws IllegalArgumentException if a required setting is missing or two subscriptions collide
         */
        public RocketMqConsumers build() {
            if (nameServer == null || nameServer.isBlank()) {
                throw new IllegalArgumentException("nameServer is required (host:port of the RocketMQ name server)");
            }
            if (dataSource == null && (transactions == null || store == null)) {
                throw new IllegalArgumentException("dataSource is required (the database of the handlers and the consume log)");
            }
            if (converter == null) {
                converter = new JacksonPayloadConverter(new ObjectMapper());
            }
            if (metrics == null) {
                metrics = ConsumerMetrics.standalone();
            }
            return new RocketMqConsumers(this);
        }
    }
}
