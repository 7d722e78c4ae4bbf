package dev.txmsg.rocketmq.acceptance;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.springframework.context.ApplicationContext;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.acceptance.ConsumerSpec;
import dev.txmsg.acceptance.ConsumersUnderTest;
import dev.txmsg.acceptance.Harness;
import dev.txmsg.acceptance.OutboxSpec;
import dev.txmsg.acceptance.OutboxUnderTest;
import dev.txmsg.acceptance.SenderSpec;
import dev.txmsg.acceptance.SenderUnderTest;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.Mode;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.SenderOptions;
import dev.txmsg.rocketmq.autoconfigure.TxMsgAutoConfiguration;
import dev.txmsg.rocketmq.autoconfigure.TxMsgConsumerAutoConfiguration;
import dev.txmsg.rocketmq.check.TransactionDecider;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.consume.ConsumerOptions;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.ConsumerMetrics;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.ops.TxMsgOperations;
import dev.txmsg.rocketmq.outbox.OutboxOptions;
import dev.txmsg.rocketmq.outbox.OutboxRelay;
import dev.txmsg.rocketmq.outbox.OutboxStore;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.wire.WireFormat;

/** The half-message mode on RocketMQ, as the published suites drive it. */
public final class RocketMqHarness implements Harness {

    /** The identity that {@link #asSentByTxmsg} writes: a log that no sender under test has. */
    static final String FOREIGN_LOG = "acceptance-log";

    @Override
    public SenderUnderTest sender(SenderSpec spec) {
        TxMsgMetrics metrics = new TxMsgMetrics(new SimpleMeterRegistry(), spec.group());
        RocketMqTxMsg.Builder builder = RocketMqTxMsg.builder(ClientOptions.of(spec.nameServer()), spec.group())
            .dataSource(spec.dataSource())
            .transactionLog(spec.log() != null ? spec.log() : transactionLog(spec.dataSource(), Duration.ofSeconds(5)))
            .options(o -> {
                SenderOptions withTopics = o.withTopics(spec.topics());
                return spec.retention() == null ? withTopics : withTopics.withRetention(spec.retention(), o.clockSkew());
            })
            .metrics(metrics)
            .clock(spec.clock());
        if (spec.maxMessageSize() > 0) {
            builder.producer(p -> p.setMaxMessageSize(spec.maxMessageSize()));
        }
        spec.decorators().forEach(builder::decorate);
        RocketMqTxMsg txmsg = builder.build();
        spec.hooks().forEach(hook -> addHook(txmsg.producer(), hook));
        return new SenderUnderTest() {
            @Override
            public TransactionalSender sender() {
                return txmsg.sender();
            }

            @Override
            public MeterRegistry meters() {
                return metrics.registry();
            }

            @Override
            public void close() {
                txmsg.close();
            }
        };
    }

    @Override
    public OutboxUnderTest outboxSender(SenderSpec spec, OutboxSpec outbox) {
        TxMsgMetrics metrics = new TxMsgMetrics(new SimpleMeterRegistry(), spec.group());
        OutboxStore store = new OutboxStore(spec.dataSource(), spec.group(), SchemaInitialization.ALWAYS);
        RocketMqTxMsg.Builder builder = RocketMqTxMsg.builder(ClientOptions.of(spec.nameServer()), spec.group())
            .mode(Mode.OUTBOX)
            .dataSource(spec.dataSource())
            .transactionLog(spec.log() != null ? spec.log() : transactionLog(spec.dataSource(), Duration.ofSeconds(5)))
            .outboxStore(store)
            .outbox(OutboxOptions.defaults().withPartitions(outbox.partitions())
                .withTiming(outbox.pollInterval(), outbox.leaseTtl())
                .withAttempts(outbox.maxAttempts(), Duration.ofMillis(50), Duration.ofMillis(500))
                .withPublishedRetention(outbox.keepPublished()))
            .outboxPublisher(real -> (topic, partition, messages) ->
                outbox.interceptor().publish(topic, messages, () -> real.publish(topic, partition, messages)))
            .options(o -> o.withTopics(spec.topics()))
            .metrics(metrics)
            .clock(spec.clock());
        if (spec.maxMessageSize() > 0) {
            builder.producer(p -> p.setMaxMessageSize(spec.maxMessageSize()));
        }
        spec.decorators().forEach(builder::decorate);
        RocketMqTxMsg txmsg = builder.build();
        spec.hooks().forEach(hook -> addHook(txmsg.producer(), hook));
        OutboxRelay relay = txmsg.outboxRelay().orElseThrow();
        TxMsgOperations operations = new TxMsgOperations(new ConsumerStore(spec.dataSource(), SchemaInitialization.ALWAYS), null,
            txmsg.republisher(), store, relay);
        return new OutboxUnderTest() {
            @Override
            public TransactionalSender sender() {
                return txmsg.sender();
            }

            @Override
            public MeterRegistry meters() {
                return metrics.registry();
            }

            @Override
            public Operations operations() {
                return operations;
            }

            @Override
            public java.util.Set<Integer> partitions() {
                return relay.partitions();
            }

            @Override
            public long published() {
                return relay.published();
            }

            @Override
            public void kill() {
                relay.kill();
                txmsg.close();
            }

            @Override
            public void close() {
                txmsg.close();
            }
        };
    }

    @Override
    public ConsumersUnderTest consumers(ConsumerSpec spec) {
        ConsumerStore store = new ConsumerStore(spec.dataSource(), SchemaInitialization.ALWAYS);
        RocketMqConsumers.Builder builder = RocketMqConsumers.builder(ClientOptions.of(spec.nameServer()), spec.dataSource())
            .store(store)
            .metrics(new ConsumerMetrics(spec.meters()))
            .options(ConsumerOptions.defaults().withFromFirstOffset(true));
        spec.subscriptions().forEach(builder::subscribe);
        RocketMqConsumers consumers = builder.build().start();
        TxMsgOperations operations = new TxMsgOperations(store, consumers, null);
        return new ConsumersUnderTest() {
            @Override
            public Operations operations() {
                return operations;
            }

            @Override
            public boolean isConsumed(String group, String topic, String key) {
                try {
                    return store.isConsumed(group, topic, key);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void purgeConsumeLog(Duration age) {
                try {
                    var consumeLog = store.consumeLog();
                    consumeLog.beforeRun();
                    consumeLog.purge(age, 1000);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void close() {
                consumers.close();
            }
        };
    }

    @Override
    public TransactionLog transactionLog(DataSource dataSource, Duration lockWait) {
        return MyBatisTransactionLog.builder(dataSource).schemaInitialization(SchemaInitialization.ALWAYS).lockWait(lockWait).build();
    }

    @Override
    public CheckListener checkListener(DataSource dataSource, Duration retention, Duration clockSkew, Clock clock) {
        TransactionDecider decider = new TransactionDecider(transactionLog(dataSource, Duration.ofSeconds(5)),
            retention == null ? RetentionHorizon.none() : RetentionHorizon.of(retention, clockSkew, clock),
            new RunningTransactions());
        return request -> decider.decide(request).state();
    }

    @Override
    public Message asSentByTxmsg(String topic, String tag, String transactionId, byte[] body) {
        Message m = new Message(topic, tag, body);
        MessageAccessor.putProperty(m, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, transactionId);
        MessageAccessor.putProperty(m, WireFormat.LOG_IDENTITY_PROPERTY, FOREIGN_LOG);
        MessageAccessor.putProperty(m, WireFormat.TOPIC_PROPERTY, topic);
        return m;
    }

    @Override
    public void addClientHook(ApplicationContext context, RPCHook hook) {
        addHook(context.getBean(RocketMqTxMsg.class).producer(), hook);
    }

    @Override
    public List<Class<?>> autoConfigurations() {
        return List.of(RocketMQAutoConfiguration.class, TxMsgAutoConfiguration.class, TxMsgConsumerAutoConfiguration.class);
    }

    /** Adds {@code hook} to the started producer's client, after the hooks it has. */
    static void addHook(TransactionMQProducer producer, RPCHook hook) {
        producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient().registerRPCHook(hook);
    }
}
