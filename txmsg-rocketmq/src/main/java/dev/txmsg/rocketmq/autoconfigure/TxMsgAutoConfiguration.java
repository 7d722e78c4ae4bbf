package dev.txmsg.rocketmq.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.apache.rocketmq.spring.autoconfigure.RocketMQProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.StringUtils;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.CheckListenerDecorator;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.SenderOptions;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.jdbc.PurgeJob;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.tx.spring.SpringLocalTransactions;
import dev.txmsg.rocketmq.wire.JacksonPayloadConverter;

/**
 * With a {@link DataSource} and {@code rocketmq.name-server}, a ready
 * {@link dev.txmsg.api.TransactionalSender}: local transactions through the application's
 * transaction manager, the transaction log in its database, bodies as JSON through its
 * {@code ObjectMapper}, meters in its registry, exhausted half messages settled.
 *
 * <p>A bean of type {@link TransactionLog} or {@link PayloadConverter} replaces txmsg's own;
 * beans of type {@link CheckListenerDecorator} decorate its check-back. txmsg publishes no MyBatis
 * {@code SqlSessionFactory} and scans no mappers: the application's MyBatis set-up is untouched.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
    JacksonAutoConfiguration.class, RocketMQAutoConfiguration.class},
    afterName = {"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration"})
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(prefix = "rocketmq", name = "name-server")
@ConditionalOnProperty(prefix = "txmsg", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({TxMsgProperties.class, RocketMQProperties.class})
public class TxMsgAutoConfiguration {

    /** The producer group: txmsg.producer-group, else spring.application.name. */
    static String producerGroup(TxMsgProperties properties, RocketMQProperties rocketmq, Environment env) {
        String group = StringUtils.hasText(properties.getProducerGroup()) ? properties.getProducerGroup()
            : env.getProperty("spring.application.name");
        if (!StringUtils.hasText(group)) {
            throw new IllegalStateException("txmsg needs a producer group: set txmsg.producer-group or spring.application.name. "
                + "There is no shared default, because the broker sends check-backs to any producer of the group and "
                + "every one must read the same transaction log.");
        }
        RocketMQProperties.Producer template = rocketmq.getProducer();
        if (template != null && group.equals(template.getGroup())) {
            throw new IllegalStateException("txmsg.producer-group (" + group + ") equals rocketmq.producer.group: the "
                + "RocketMQTemplate's producer would receive txmsg's check-backs and could not answer them. Give txmsg "
                + "a group of its own (txmsg.producer-group).");
        }
        return group;
    }

    /**
     * The transaction manager of txmsg's DataSource: the one that says it manages it, else the
     * only one (unless it visibly manages another resource: start-up fails, since the log row
     * would commit on its own), else a {@code JdbcTransactionManager} of txmsg's own.
     */
    static PlatformTransactionManager transactionManager(ObjectProvider<PlatformTransactionManager> candidates,
                                                         DataSource dataSource) {
        List<PlatformTransactionManager> all = candidates.orderedStream().toList();
        for (PlatformTransactionManager tm : all) {
            if (SpringLocalTransactions.manages(tm, dataSource)) {
                return tm;
            }
        }
        if (all.size() == 1) {
            try {
                SpringLocalTransactions.requireManages(all.get(0), dataSource);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("invalid txmsg configuration: " + e.getMessage(), e);
            }
            return all.get(0);
        }
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    @ConditionalOnMissingBean
    TxMsgMetrics txMsgMetrics(ObjectProvider<MeterRegistry> registry, ObjectProvider<ObservationRegistry> observations,
                              TxMsgProperties properties, RocketMQProperties rocketmq, Environment env,
                              org.springframework.beans.factory.ListableBeanFactory beans) {
        return new TxMsgMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), producerGroup(properties, rocketmq, env),
            tracing(observations, beans));
    }

    /**
     * txmsg's observations, in the application's registry where a Micrometer Tracing {@code Tracer}
     * runs (a tracing bridge on the class path, tracing on); else none: without a tracer, nothing is
     * created, not even the timers Micrometer's default handler would make of them.
     */
    static MessageTracing tracing(ObjectProvider<ObservationRegistry> observations, org.springframework.beans.factory.ListableBeanFactory beans) {
        String tracer = "io.micrometer.tracing.Tracer";
        ClassLoader loader = TxMsgAutoConfiguration.class.getClassLoader();
        if (!org.springframework.util.ClassUtils.isPresent(tracer, loader)
            || beans.getBeanNamesForType(org.springframework.util.ClassUtils.resolveClassName(tracer, loader), false, false).length == 0) {
            return MessageTracing.none();
        }
        return new MessageTracing(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionLog txMsgTransactionLog(DataSource dataSource, TxMsgProperties properties) {
        return MyBatisTransactionLog.builder(dataSource)
            .table(properties.getTable())
            .lockWait(properties.getCheck().getLockWait())
            .schemaInitialization(properties.getInitializeSchema())
            .build();
    }

    @Bean
    @ConditionalOnMissingBean
    ConsumerStore txMsgConsumerStore(DataSource dataSource, TxMsgProperties properties) {
        return new ConsumerStore(dataSource, properties.getInitializeSchema());
    }

    @Bean
    @ConditionalOnMissingBean
    PayloadConverter txMsgPayloadConverter(ObjectProvider<ObjectMapper> objectMapper) {
        return new JacksonPayloadConverter(objectMapper.getIfAvailable(ObjectMapper::new));
    }

    /** How the sender reaches the brokers: rocketmq-spring's rocketmq.name-server and rocketmq.producer.*. */
    @Bean
    @ConditionalOnMissingBean
    ClientOptions txMsgClientOptions(RocketMQProperties rocketmq) {
        RocketMQProperties.Producer p = rocketmq.getProducer() != null ? rocketmq.getProducer() : new RocketMQProperties.Producer();
        if (StringUtils.hasText(p.getAccessKey()) != StringUtils.hasText(p.getSecretKey())) {
            throw new IllegalStateException("invalid RocketMQ configuration: rocketmq.producer.access-key and "
                + "rocketmq.producer.secret-key must be set together (ACL), or neither; only one is set");
        }
        return ClientOptions.of(rocketmq.getNameServer()).withNamespace(p.getNamespace())
            .withCredentials(p.getAccessKey(), p.getSecretKey()).withTls(p.isTlsEnable())
            .withAccessChannel(rocketmq.getAccessChannel());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "txmsg.retention", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "txMsgLogRetention")
    PurgeJob txMsgLogRetention(TransactionLog log, TxMsgMetrics metrics, TxMsgProperties properties) {
        RetentionProperties r = properties.getRetention();
        return new PurgeJob("transaction-log", PurgeJob.of(log), r.getPeriod(), properties.getBroker().checkWindow(), r.getInterval(), r.getBatchSize(), metrics::purged,
            metrics::logRows).start(DaemonThreads.named("retention-transaction-log"));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RocketMqTxMsg txMsgRocketMq(DataSource dataSource, TransactionLog log, ConsumerStore store, TxMsgMetrics metrics,
                                PayloadConverter converter, ClientOptions client, TxMsgProperties properties,
                                RocketMQProperties rocketmq, Environment env,
                                ObjectProvider<PlatformTransactionManager> transactionManager,
                                ObjectProvider<CheckListener> checkListener,
                                ObjectProvider<CheckListenerDecorator> decorators,
                                ObjectProvider<CircuitBreakerRegistry> circuitBreakers,
                                ObjectProvider<RetryRegistry> retries) {
        if (checkListener.stream().findAny().isPresent()) {
            throw new IllegalStateException("invalid txmsg configuration: a CheckListener bean would replace txmsg's fenced "
                + "check-back. Declare a CheckListenerDecorator bean instead: it receives txmsg's listener and decides only what "
                + "it adds.");
        }
        String group = producerGroup(properties, rocketmq, env);
        RocketMQProperties.Producer producer = rocketmq.getProducer() != null ? rocketmq.getProducer() : new RocketMQProperties.Producer();
        RocketMqTxMsg.Builder builder = RocketMqTxMsg.builder(client, group)
            .dataSource(dataSource)
            .transactionLog(log)
            .localTransactions(new SpringLocalTransactions(transactionManager(transactionManager, dataSource), dataSource))
            .options(senderOptions(properties, producer))
            .payloadConverter(converter)
            .metrics(metrics)
            .producer(p -> {
                // rocketmq.producer.retry-times-* do not apply: txmsg retries half messages itself.
                p.setRetryAnotherBrokerWhenNotStoreOK(producer.isRetryNextServer());
                p.setMaxMessageSize(producer.getMaxMessageSize());
                p.setCompressMsgBodyOverHowmuch(producer.getCompressMessageBodyThreshold());
            });
        builder.mode(properties.getMode()).outbox(properties.getOutbox().toOptions()).outboxSchema(properties.getInitializeSchema());
        decorators.orderedStream().forEach(builder::decorate);
        if (properties.getInDoubt().isEnabled()) {
            builder.inDoubtWatcher(store);
        }
        ResilienceProperties resilience = properties.getResilience();
        builder.resilience(resilience.isEnabled() ? circuitBreaker(resilience, circuitBreakers.getIfAvailable()) : null,
            resilience.isEnabled() ? retry(resilience, retries.getIfAvailable()) : null);
        ReconcileProperties reconcile = properties.getReconcile();
        if (reconcile.isEnabled()) {
            // RocketMQ's RocksDB mode gives a half message up after one round more than transactionCheckMax.
            java.time.Duration window = properties.getBroker().checkWindow().duration().plus(properties.getBroker().getCheckInterval());
            builder.reconciliation(new RocketMqTxMsg.Reconciliation(window, reconcile.getInterval(), reconcile.getCatchUp(),
                reconcile.getBatchSize()));
        }
        return builder.build();
    }

    /** Starts the reconciliation, if on, once the context is refreshed; stops it first on close. */
    @Bean
    TxMsgLifecycle txMsgReconcilerLifecycle(ObjectProvider<RocketMqTxMsg> txmsg) {
        return new TxMsgLifecycle(() -> txmsg.ifAvailable(RocketMqTxMsg::startReconciler),
            () -> txmsg.ifAvailable(t -> t.reconciler().ifPresent(dev.txmsg.rocketmq.check.Reconciler::close)));
    }

    @Bean
    @ConditionalOnMissingBean(TransactionalSender.class)
    RocketMqTransactionalSender transactionalSender(RocketMqTxMsg txmsg) {
        return txmsg.sender();
    }

    private static SenderOptions senderOptions(TxMsgProperties properties, RocketMQProperties.Producer producer) {
        SendProperties send = properties.getSend();
        CheckProperties check = properties.getCheck();
        return SenderOptions.defaults()
            .withTopics(properties.getTopics())
            .withSendTimeout(send.getTimeout() != null ? send.getTimeout() : java.time.Duration.ofMillis(producer.getSendMessageTimeout()))
            .withOverlapHalfSend(send.isOverlap())
            .withCheckBackPool(check.getPoolSize(), check.getQueueCapacity())
            .withRetention(properties.getRetention().isEnabled() ? properties.getRetention().getPeriod() : null, check.getClockSkew())
            .withInDoubtProbeInterval(properties.getInDoubt().getProbeInterval())
            .withMaxMessages(send.getMaxMessages());
    }

    /** resilience4j-spring-boot3's instance named txmsg if it has one, else one from txmsg.resilience.*. */
    private static CircuitBreaker circuitBreaker(ResilienceProperties resilience, CircuitBreakerRegistry registry) {
        if (registry != null && registry.find(SendResilience.INSTANCE).isPresent()) {
            return registry.circuitBreaker(SendResilience.INSTANCE);
        }
        ResilienceProperties.CircuitBreakerSettings cb = resilience.getCircuitBreaker();
        return CircuitBreaker.of(SendResilience.INSTANCE, CircuitBreakerConfig.from(SendResilience.defaultCircuitBreakerConfig())
            .failureRateThreshold(cb.getFailureRateThreshold())
            .slidingWindowSize(cb.getSlidingWindowSize())
            .minimumNumberOfCalls(cb.getMinimumNumberOfCalls())
            .waitDurationInOpenState(cb.getWaitDurationInOpenState())
            .permittedNumberOfCallsInHalfOpenState(cb.getPermittedCallsInHalfOpenState())
            .build());
    }

    private static Retry retry(ResilienceProperties resilience, RetryRegistry registry) {
        if (registry != null && registry.find(SendResilience.INSTANCE).isPresent()) {
            return registry.retry(SendResilience.INSTANCE);
        }
        ResilienceProperties.RetrySettings r = resilience.getRetry();
        return Retry.of(SendResilience.INSTANCE, SendResilience.retryConfig(r.getMaxAttempts(), r.getInitialBackoff(), r.getMultiplier()));
    }
}
