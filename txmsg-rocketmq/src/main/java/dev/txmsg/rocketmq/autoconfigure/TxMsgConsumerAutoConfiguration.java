package dev.txmsg.rocketmq.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.RPCHook;
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

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.consume.TxMsgListener;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;
import dev.txmsg.rocketmq.consume.ConsumerMetrics;
import dev.txmsg.rocketmq.consume.InDoubtWatcher;
import dev.txmsg.rocketmq.consume.Republisher;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.log.ConsumerStore;
import dev.txmsg.rocketmq.log.LogRetention;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.ops.TxMsgOperations;
import dev.txmsg.rocketmq.tx.SpringLocalTransactions;

/**
 * The consumer side: the application's {@code @TxMsgListener} handlers and {@link Subscription}
 * beans run on RocketMQ push consumers with exactly-once effects; exhausted half messages of the
 * sender's group are settled; {@link Operations} lists, replays and discards what is stuck.
 */
@AutoConfiguration(after = TxMsgAutoConfiguration.class)
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(prefix = "rocketmq", name = "name-server")
@ConditionalOnProperty(prefix = "txmsg", name = "enabled", matchIfMissing = true)
public class TxMsgConsumerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ConsumerStore txMsgConsumerStore(DataSource dataSource, TxMsgProperties properties) {
        Settings.validate(properties);
        return new ConsumerStore(dataSource, properties.getInitializeSchema());
    }

    @Bean
    @ConditionalOnMissingBean
    ConsumerMetrics txMsgConsumerMetrics(ObjectProvider<MeterRegistry> registry, ConsumerStore store) {
        ConsumerMetrics metrics = new ConsumerMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
        metrics.countGauge("txmsg.dead.letters", "dead letters waiting for an operator", store::deadLetterCount);
        metrics.countGauge("txmsg.in.doubt", "in-doubt transactions waiting for an operator", store::inDoubtCount);
        return metrics;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "txmsg.consumer", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean
    RocketMqConsumers txMsgConsumers(ApplicationContext context, Environment env, DataSource dataSource, ConsumerStore store,
                                     ConsumerMetrics metrics, PayloadConverter converter, TxMsgProperties properties,
                                     RocketMQProperties rocketmq, ObjectProvider<PlatformTransactionManager> transactionManager) {
        RocketMqConsumers.Builder builder = RocketMqConsumers.builder()
            .nameServer(rocketmq.getNameServer())
            .dataSource(dataSource)
            .store(store)
            .localTransactions(new SpringLocalTransactions(TxMsgAutoConfiguration.transactionManager(transactionManager, dataSource),
                dataSource))
            .payloadConverter(converter)
            .metrics(metrics)
            .threads(properties.getConsumer().getThreads())
            .fromFirstOffset(properties.getConsumer().getStartFrom() == TxMsgProperties.StartFrom.FIRST)
            .rpcHook(consumerRpcHook(rocketmq))
            .namespace(rocketmq.getConsumer() == null ? null : rocketmq.getConsumer().getNamespace());
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

    @Bean
    TxMsgLifecycle txMsgConsumersLifecycle(ObjectProvider<RocketMqConsumers> consumers, ObjectProvider<InDoubtWatcher> watcher) {
        return new TxMsgLifecycle(() -> {
            consumers.ifAvailable(RocketMqConsumers::start);
            watcher.ifAvailable(InDoubtWatcher::start);
        }, () -> {
            watcher.ifAvailable(InDoubtWatcher::close);
            consumers.ifAvailable(RocketMqConsumers::close);
        });
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnBean(RocketMqTransactionalSender.class)
    @ConditionalOnProperty(prefix = "txmsg.in-doubt", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean
    InDoubtWatcher txMsgInDoubtWatcher(RocketMqTransactionalSender sender, TransactionLog log, ConsumerStore store,
                                       TxMsgProperties properties, RocketMQProperties rocketmq, TxMsgMetrics metrics) {
        RetentionHorizon horizon = properties.getRetention().isEnabled()
            ? RetentionHorizon.of(properties.getRetention().getPeriod(), properties.getCheck().getClockSkew(), Clock.systemUTC())
            : RetentionHorizon.none();
        InDoubtWatcher watcher = new InDoubtWatcher(rocketmq.getNameServer(), sender.producer().getNamespace(),
            sender.producer().getProducerGroup(), producerRpcHook(rocketmq), log, store, new Republisher(sender.producer()), horizon,
            properties.getInDoubt().getProbeInterval());
        metrics.inDoubtWatcher(watcher::failing, watcher::failures);
        return watcher;
    }

    @Bean
    @ConditionalOnMissingBean(Operations.class)
    TxMsgOperations txMsgOperations(ConsumerStore store, ObjectProvider<RocketMqConsumers> consumers,
                                    ObjectProvider<RocketMqTransactionalSender> sender) {
        RocketMqTransactionalSender s = sender.getIfAvailable();
        return new TxMsgOperations(store, consumers.getIfAvailable(), s == null ? null : new Republisher(s.producer()));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "txmsg.consumer.retention", name = "enabled", matchIfMissing = true)
    LogRetention txMsgConsumeLogRetention(ConsumerStore store, ConsumerMetrics metrics, TxMsgProperties properties) {
        TxMsgProperties.Retention r = properties.getConsumer().getRetention();
        io.micrometer.core.instrument.Counter purged = io.micrometer.core.instrument.Counter.builder("txmsg.consume.log.purged")
            .description("consume-log rows deleted by the retention job").register(metrics.registry());
        java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong(-1);
        io.micrometer.core.instrument.Gauge.builder("txmsg.consume.log.rows", rows, java.util.concurrent.atomic.AtomicLong::get)
            .description("rows in the consume log as last counted by the retention job").register(metrics.registry());
        return new LogRetention("consume-log", store.consumeLog(), r.getPeriod(), properties.getBroker().checkWindow(), r.getInterval(), r.getBatchSize(), purged::increment, rows::set).start();
    }

    static RPCHook producerRpcHook(RocketMQProperties rocketmq) {
        RocketMQProperties.Producer p = rocketmq.getProducer();
        return p == null ? null : hook(p.getAccessKey(), p.getSecretKey());
    }

    /** rocketmq.consumer.access-key / secret-key, else the producer's. */
    static RPCHook consumerRpcHook(RocketMQProperties rocketmq) {
        RocketMQProperties.PushConsumer c = rocketmq.getConsumer();
        RPCHook own = c == null ? null : hook(c.getAccessKey(), c.getSecretKey());
        return own != null ? own : producerRpcHook(rocketmq);
    }

    private static RPCHook hook(String accessKey, String secretKey) {
        return StringUtils.hasText(accessKey) && StringUtils.hasText(secretKey)
            ? new AclClientRPCHook(new SessionCredentials(accessKey, secretKey)) : null;
    }
}
