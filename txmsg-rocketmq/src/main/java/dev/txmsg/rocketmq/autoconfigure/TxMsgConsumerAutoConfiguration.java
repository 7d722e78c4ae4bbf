package dev.txmsg.rocketmq.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.rocketmq.spring.autoconfigure.RocketMQProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.StringUtils;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.consume.TxMsgListener;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.consume.ConsumerOptions;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.jdbc.PurgeJob;
import dev.txmsg.rocketmq.metrics.ConsumerMetrics;
import dev.txmsg.rocketmq.ops.KeyIndex;
import dev.txmsg.rocketmq.ops.TxMsgOperations;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.tx.spring.SpringLocalTransactions;

/**
 * The consumer side: the application's {@code @TxMsgListener} handlers and {@link Subscription}
 * beans run on RocketMQ push consumers with exactly-once effects; {@link Operations} lists,
 * replays and discards what is stuck; the sender's in-doubt watcher is started with them.
 */
@AutoConfiguration(after = TxMsgAutoConfiguration.class)
@ConditionalOnBean({DataSource.class, ConsumerStore.class})
@ConditionalOnProperty(prefix = "rocketmq", name = "name-server")
@ConditionalOnProperty(prefix = "txmsg", name = "enabled", matchIfMissing = true)
public class TxMsgConsumerAutoConfiguration {

    /** How far back the broker's key index is searched: RocketMQ's default commit-log retention (72 hours). */
    static final java.time.Duration KEY_INDEX_WINDOW = java.time.Duration.ofHours(72);

    @Bean
    @ConditionalOnMissingBean
    ConsumerMetrics txMsgConsumerMetrics(ObjectProvider<MeterRegistry> registry, ObjectProvider<ObservationRegistry> observations,
                                         ConsumerStore store, org.springframework.beans.factory.ListableBeanFactory beans) {
        ConsumerMetrics metrics = new ConsumerMetrics(registry.getIfAvailable(SimpleMeterRegistry::new),
            TxMsgAutoConfiguration.tracing(observations, beans));
        metrics.countGauge("txmsg.dead.letters", "dead letters waiting for an operator", store::deadLetterCount);
        metrics.countGauge("txmsg.in.doubt", "in-doubt transactions waiting for an operator", store::inDoubtCount);
        return metrics;
    }

    /**
     * How the consumers reach the brokers: rocketmq.consumer.namespace, rocketmq.consumer.tls-enable,
     * rocketmq.consumer.access-key and secret-key (else the producer's), the rest as the sender's.
     */
    static ClientOptions consumerClient(ClientOptions producer, RocketMQProperties rocketmq) {
        RocketMQProperties.PushConsumer c = rocketmq.getConsumer();
        ClientOptions client = producer.withNamespace(c == null ? null : c.getNamespace()).withTls(c != null && c.isTlsEnable());
        return c != null && StringUtils.hasText(c.getAccessKey()) && StringUtils.hasText(c.getSecretKey())
            ? client.withCredentials(c.getAccessKey(), c.getSecretKey()) : client;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "txmsg.consumer", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean
    RocketMqConsumers txMsgConsumers(ApplicationContext context, Environment env, DataSource dataSource, ConsumerStore store,
                                     ConsumerMetrics metrics, PayloadConverter converter, TxMsgProperties properties,
                                     ClientOptions client, RocketMQProperties rocketmq,
                                     ObjectProvider<PlatformTransactionManager> transactionManager) {
        ConsumerProperties consumer = properties.getConsumer();
        RocketMqConsumers.Builder builder = RocketMqConsumers.builder(consumerClient(client, rocketmq), dataSource)
            .store(store)
            .localTransactions(new SpringLocalTransactions(TxMsgAutoConfiguration.transactionManager(transactionManager, dataSource),
                dataSource))
            .payloadConverter(converter)
            .metrics(metrics)
            .options(new ConsumerOptions(consumer.getThreads(), consumer.getStartFrom() == ConsumerProperties.StartFrom.FIRST));
        subscriptions(context, env).forEach(builder::subscribe);
        return builder.build();
    }

    /** {@code @TxMsgListener} handlers and {@code Subscription} beans, placeholders resolved. */
    static List<Subscription> subscriptions(ApplicationContext context, Environment env) {
        List<Subscription> found = new ArrayList<>(context.getBeansOfType(Subscription.class).values());
        for (Map.Entry<String, MessageHandler> bean : context.getBeansOfType(MessageHandler.class).entrySet()) {
            TxMsgListener listener = AnnotationUtils.findAnnotation(bean.getValue().getClass(), TxMsgListener.class);
            if (listener == null) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Class<? extends Throwable>> nonRetryable = Arrays.asList((Class<? extends Throwable>[]) listener.nonRetryable());
            try {
                found.add(new Subscription(env.resolveRequiredPlaceholders(listener.consumerGroup()),
                    env.resolveRequiredPlaceholders(listener.topic()), env.resolveRequiredPlaceholders(listener.tags()),
                    listener.maxAttempts(), nonRetryable, bean.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("invalid @TxMsgListener on bean " + bean.getKey() + ": " + e.getMessage(), e);
            }
        }
        return found;
    }

    /** Starts the consumers and the in-doubt watcher once every handler is ready; stops them first on close. */
    @Bean
    TxMsgLifecycle txMsgConsumersLifecycle(ObjectProvider<RocketMqConsumers> consumers, ObjectProvider<RocketMqTxMsg> txmsg) {
        return new TxMsgLifecycle(() -> {
            consumers.ifAvailable(RocketMqConsumers::start);
            txmsg.ifAvailable(RocketMqTxMsg::startInDoubtWatcher);
        }, () -> {
            txmsg.ifAvailable(RocketMqTxMsg::stopInDoubtWatcher);
            consumers.ifAvailable(RocketMqConsumers::close);
        });
    }

    @Bean
    @ConditionalOnMissingBean(Operations.class)
    TxMsgOperations txMsgOperations(ConsumerStore store, ObjectProvider<RocketMqConsumers> consumers,
                                    ObjectProvider<RocketMqTxMsg> txmsg) {
        RocketMqTxMsg t = txmsg.getIfAvailable();
        RocketMqConsumers c = consumers.getIfAvailable();
        if (t == null) {
            return new TxMsgOperations(store, c, null);
        }
        // "where is my message" by business key: the broker's key index, over the topics sent and consumed here
        java.util.function.Supplier<java.util.Set<String>> topics = () -> {
            java.util.Set<String> all = new java.util.LinkedHashSet<>(t.topics());
            if (c != null) {
                c.subscriptions().forEach(s -> all.add(s.topic()));
            }
            return all;
        };
        return new TxMsgOperations(store, c, t.republisher(), t.outboxStore().orElse(null), t.outboxRelay().orElse(null))
            .withTrailSources(t.transactionLog().orElse(null), KeyIndex.broker(t.producer(), topics, KEY_INDEX_WINDOW));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "txmsg.consumer.retention", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "txMsgConsumeLogRetention")
    PurgeJob txMsgConsumeLogRetention(ConsumerStore store, ConsumerMetrics metrics, TxMsgProperties properties) {
        RetentionProperties r = properties.getConsumer().getRetention();
        Counter purged = Counter.builder("txmsg.consume.log.purged").description("consume-log rows deleted by the retention job")
            .register(metrics.registry());
        AtomicLong rows = new AtomicLong(-1);
        Gauge.builder("txmsg.consume.log.rows", rows, AtomicLong::get)
            .description("rows in the consume log as last counted by the retention job").register(metrics.registry());
        return new PurgeJob("consume-log", store.consumeLog(), r.getPeriod(), properties.getBroker().checkWindow(), r.getInterval(), r.getBatchSize(), purged::increment,
            rows::set).start(DaemonThreads.named("retention-consume-log"));
    }
}
