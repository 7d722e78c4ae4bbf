package dev.txmsg.rocketmq.consume;

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
import org.apache.rocketmq.remoting.protocol.NamespaceUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.client.Redelivery;
import dev.txmsg.rocketmq.metrics.ConsumerMetrics;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.tx.JdbcLocalTransactions;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.wire.JacksonPayloadConverter;
import dev.txmsg.rocketmq.wire.Received;

/**
 * Runs subscriptions on RocketMQ push consumers, one per consumer group, each message applied
 * once through the consume log ({@link ConsumePipeline}).
 *
 * <pre>{@code
 * RocketMqConsumers consumers = RocketMqConsumers.builder(ClientOptions.of("127.0.0.1:9876"), dataSource)
 *     .subscribe(Subscription.of("account-service", "ORDER_EVENTS", handler).withTags("ORDER_CREATED"))
 *     .build()
 *     .start();
 * }</pre>
 */
public final class RocketMqConsumers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqConsumers.class);
    /** The longest backoff between deliveries: delay level 14, ten minutes with RocketMQ's default levels. */
    private static final int MAX_DELAY_LEVEL = 14;

    private final ClientOptions client;
    private final ConsumerOptions options;
    private final ConsumerMetrics metrics;
    private final ConsumePipeline pipeline;
    private final Map<String, Map<String, Subscription>> byGroupAndTopic;
    private final List<DefaultMQPushConsumer> consumers = new ArrayList<>();

    private RocketMqConsumers(ClientOptions client, ConsumerOptions options, ConsumerMetrics metrics, ConsumePipeline pipeline,
                              Map<String, Map<String, Subscription>> byGroupAndTopic) {
        this.client = client;
        this.options = options;
        this.metrics = metrics;
        this.pipeline = pipeline;
        this.byGroupAndTopic = byGroupAndTopic;
    }

    /** Starts building consumers that reach the brokers with {@code client} and apply messages on {@code dataSource}. */
    public static Builder builder(ClientOptions client, DataSource dataSource) {
        return new Builder(client, Objects.requireNonNull(dataSource, "dataSource"));
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
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group, client.rpcHook(), new AllocateMessageQueueAveragely());
        client.applyTo(consumer);
        consumer.setConsumeFromWhere(options.fromFirstOffset() ? ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET
            : ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.setConsumeThreadMin(options.threads());
        consumer.setConsumeThreadMax(options.threads());
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
        Subscription subscription = byTopic.get(NamespaceUtil.withoutNamespace(m.getTopic(), client.namespace()));
        if (subscription == null) {
            LOG.warn("group {} received a message of topic {}, to which it has no subscription; acknowledged", group, m.getTopic());
            return true;
        }
        ConsumePipeline.Outcome outcome = pipeline.deliver(subscription, Received.of(m, subscription.topic(), pipeline.converter()));
        metrics.consumed(group, outcome);
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

    /** The pipeline every message goes through (the operators' replays too). */
    public ConsumePipeline pipeline() {
        return pipeline;
    }

    /** Stops the consumers. */
    @Override
    public synchronized void close() {
        consumers.forEach(DefaultMQPushConsumer::shutdown);
        consumers.clear();
    }

    /** What an application sets: its subscriptions, and where the defaults do not suit it. */
    public static final class Builder {
        private final ClientOptions client;
        private final DataSource dataSource;
        private LocalTransactions transactions;
        private ConsumerStore store;
        private final List<Subscription> subscriptions = new ArrayList<>();
        private ConsumerOptions options = ConsumerOptions.defaults();
        private PayloadConverter converter;
        private ConsumerMetrics metrics;

        private Builder(ClientOptions client, DataSource dataSource) {
            this.client = Objects.requireNonNull(client, "client");
            this.dataSource = dataSource;
        }

        /** How handler transactions are opened (default: plain JDBC on the DataSource). */
        public Builder localTransactions(LocalTransactions transactions) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            return this;
        }

        /** The consumer tables (default: on the DataSource, created on H2 only). */
        public Builder store(ConsumerStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Adds a subscription. */
        public Builder subscribe(Subscription subscription) {
            this.subscriptions.add(Objects.requireNonNull(subscription, "subscription"));
            return this;
        }

        /** The consumers' options (default {@link ConsumerOptions#defaults()}). */
        public Builder options(ConsumerOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Reads payloads (default: JSON). */
        public Builder payloadConverter(PayloadConverter converter) {
            this.converter = Objects.requireNonNull(converter, "converter");
            return this;
        }

        /** Where meters go (default: a registry of their own). */
        public Builder metrics(ConsumerMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Opens the consumer tables; call {@link RocketMqConsumers#start()} to consume.
         *
         * @throws IllegalArgumentException if two subscriptions collide
         */
        public RocketMqConsumers build() {
            Map<String, Map<String, Subscription>> byGroupAndTopic = new LinkedHashMap<>();
            for (Subscription s : subscriptions) {
                if (byGroupAndTopic.computeIfAbsent(s.consumerGroup(), g -> new LinkedHashMap<>()).put(s.topic(), s) != null) {
                    throw new IllegalArgumentException("two subscriptions of consumer group " + s.consumerGroup() + " to topic "
                        + s.topic() + ": RocketMQ allows one per group and topic; combine their tags with '||' in one handler");
                }
            }
            ConsumerStore theStore = store != null ? store : new ConsumerStore(dataSource);
            ConsumerMetrics theMetrics = metrics != null ? metrics : ConsumerMetrics.standalone();
            ConsumePipeline pipeline = new ConsumePipeline(transactions != null ? transactions : new JdbcLocalTransactions(dataSource),
                theStore, converter != null ? converter : new JacksonPayloadConverter(new ObjectMapper()), theMetrics.tracing());
            return new RocketMqConsumers(client, options, theMetrics, pipeline, byGroupAndTopic);
        }
    }
}
