package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.AccessChannel;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;
import dev.txmsg.rocketmq.log.LogRetention;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.send.JacksonPayloadConverter;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.rocketmq.tx.SpringLocalTransactions;

/**
 * With a {@link DataSource} and {@code rocketmq.name-server}, a ready
 * {@link dev.txmsg.api.TransactionalSender}: local transactions through the application's
 * transaction manager, the transaction log in its database, bodies as JSON through its
 * {@code ObjectMapper}, meters in its registry.
 *
 * <p>A bean of type {@link CheckListener}, {@link TransactionLog} or {@link PayloadConverter}
 * replaces txmsg's own. txmsg publishes no MyBatis {@code SqlSessionFactory} and scans no
 * mappers: the application's MyBatis set-up is untouched.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
    JacksonAutoConfiguration.class, RocketMQAutoConfiguration.class},
    afterName = {"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
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

    @Bean
    @ConditionalOnMissingBean
    TxMsgMetrics txMsgMetrics(ObjectProvider<MeterRegistry> registry, TxMsgProperties properties,
                              RocketMQProperties rocketmq, Environment env) {
        return new TxMsgMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), producerGroup(properties, rocketmq, env));
    }

    @Bean
    @ConditionalOnMissingBean
    TransactionLog txMsgTransactionLog(DataSource dataSource, TxMsgProperties properties) {
        Settings.validate(properties);
        return MyBatisTransactionLog.builder(dataSource)
            .table(properties.getTable())
            .lockWait(properties.getCheck().getLockWait())
            .schemaInitialization(properties.getInitializeSchema())
            .build();
    }

    @Bean
    @ConditionalOnMissingBean
    PayloadConverter txMsgPayloadConverter(ObjectProvider<ObjectMapper> objectMapper) {
        return new JacksonPayloadConverter(objectMapper.getIfAvailable(ObjectMapper::new));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "txmsg.retention", name = "enabled", matchIfMissing = true)
    @ConditionalOnMissingBean
    LogRetention txMsgLogRetention(TransactionLog log, TxMsgMetrics metrics, TxMsgProperties properties) {
        Settings.validate(properties);
        TxMsgProperties.Retention r = properties.getRetention();
        return new LogRetention(log, r.getPeriod(), properties.getBroker().checkWindow(), r.getInterval(), r.getBatchSize(),
            metrics).start();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RocketMqTransactionalSender transactionalSender(DataSource dataSource, TransactionLog log, TxMsgMetrics metrics,
                                                    PayloadConverter converter, TxMsgProperties properties,
                                                    RocketMQProperties rocketmq, Environment env,
                                                    ObjectProvider<PlatformTransactionManager> transactionManager,
                                                    ObjectProvider<CheckListener> checkListener,
                                                    ObjectProvider<CircuitBreakerRegistry> circuitBreakers,
                                                    ObjectProvider<RetryRegistry> retries) {
        Settings.validate(properties);
        String group = producerGroup(properties, rocketmq, env);
        RocketMQProperties.Producer producer = rocketmq.getProducer() != null ? rocketmq.getProducer() : new RocketMQProperties.Producer();
        Duration sendTimeout = properties.getSend().getTimeout() != null ? properties.getSend().getTimeout()
            : Duration.ofMillis(producer.getSendMessageTimeout());
        PlatformTransactionManager tm = transactionManager(transactionManager, dataSource);
        CheckListener custom = checkListener.getIfUnique();

        RocketMqTransactionalSender.Builder builder = RocketMqTransactionalSender.builder()
            .nameServer(rocketmq.getNameServer())
            .producerGroup(group)
            .dataSource(dataSource)
            .transactionLog(log)
            .localTransactions(new SpringLocalTransactions(tm, dataSource))
            .topics(properties.getTopics())
            .sendTimeout(sendTimeout)
            .overlapHalfSend(properties.getSend().isOverlap())
            .checkBackPool(properties.getCheck().getPoolSize(), properties.getCheck().getQueueCapacity())
            .payloadConverter(converter)
            .metrics(metrics)
            .namespace(producer.getNamespace())
            .producer(p -> {
                // rocketmq.producer.retry-times-* do not apply: txmsg retries half messages itself.
                p.setRetryAnotherBrokerWhenNotStoreOK(producer.isRetryNextServer());
                p.setMaxMessageSize(producer.getMaxMessageSize());
                p.setCompressMsgBodyOverHowmuch(producer.getCompressMessageBodyThreshold());
                p.setUseTLS(producer.isTlsEnable());
                if (StringUtils.hasText(rocketmq.getAccessChannel())) {
                    p.setAccessChannel(AccessChannel.valueOf(rocketmq.getAccessChannel()));
                }
            });
        if (StringUtils.hasText(producer.getAccessKey()) && StringUtils.hasText(producer.getSecretKey())) {
            builder.rpcHook(new AclClientRPCHook(new SessionCredentials(producer.getAccessKey(), producer.getSecretKey())));
        }
        if (custom != null) {
            builder.checkListener(defaultListener -> custom);
        }
        if (properties.getRetention().isEnabled()) {
            builder.retention(properties.getRetention().getPeriod()).clockSkew(properties.getCheck().getClockSkew());
        }
        TxMsgProperties.Resilience resilience = properties.getResilience();
        builder.circuitBreaker(resilience.isEnabled() ? circuitBreaker(resilience, circuitBreakers.getIfAvailable()) : null);
        builder.retry(resilience.isEnabled() ? retry(resilience, retries.getIfAvailable()) : null);
        return builder.build();
    }

    /**
     * The transaction manager of txmsg's DataSource: the one that says it manages it, else the
     * only one (unless it visibly manages another resource: start-up fails, since the log row
     * would commit on its own), else a {@code JdbcTransactionManager} of txmsg's own.
     */
    static PlatformTransactionManager transactionManager(ObjectProvider<PlatformTransactionManager> candidates,
                                                         DataSource dataSource) {
        java.util.List<PlatformTransactionManager> all = candidates.orderedStream().toList();
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

    /** resilience4j-spring-boot3's instance named txmsg if it has one, else one from txmsg.resilience.*. */
    private static CircuitBreaker circuitBreaker(TxMsgProperties.Resilience resilience, CircuitBreakerRegistry registry) {
        if (registry != null && registry.find(SendResilience.INSTANCE).isPresent()) {
            return registry.circuitBreaker(SendResilience.INSTANCE);
        }
        TxMsgProperties.CircuitBreakerSettings cb = resilience.getCircuitBreaker();
        return CircuitBreaker.of(SendResilience.INSTANCE, CircuitBreakerConfig.from(SendResilience.defaultCircuitBreakerConfig())
            .failureRateThreshold(cb.getFailureRateThreshold())
            .slidingWindowSize(cb.getSlidingWindowSize())
            .minimumNumberOfCalls(cb.getMinimumNumberOfCalls())
            .waitDurationInOpenState(cb.getWaitDurationInOpenState())
            .permittedNumberOfCallsInHalfOpenState(cb.getPermittedCallsInHalfOpenState())
            .build());
    }

    private static Retry retry(TxMsgProperties.Resilience resilience, RetryRegistry registry) {
        if (registry != null && registry.find(SendResilience.INSTANCE).isPresent()) {
            return registry.retry(SendResilience.INSTANCE);
        }
        TxMsgProperties.RetrySettings r = resilience.getRetry();
        return Retry.of(SendResilience.INSTANCE, SendResilience.retryConfig(r.getMaxAttempts(), r.getInitialBackoff(), r.getMultiplier()));
    }
}
