package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.txmsg.api.TransactionalSender;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/** Start-up checks of the starter: what is required, and bad settings named plainly. */
@WithEmbeddedRocketMQ
class StarterConfigurationTest {

    private static ApplicationContextRunner app(EmbeddedRocketMQ mq) {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class, RocketMQAutoConfiguration.class, TxMsgAutoConfiguration.class))
            .withPropertyValues("rocketmq.name-server=" + mq.nameServerAddress(),
                "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Test
    void theApplicationNameIsTheProducerGroup(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=billing").run(context -> {
            assertThat(context).hasSingleBean(TransactionalSender.class);
            assertThat(context.getBean(dev.txmsg.rocketmq.RocketMqTransactionalSender.class).producerGroup()).isEqualTo("billing");
        });
    }

    @Test
    void txmsgProducerGroupWinsOverTheApplicationName(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=billing", "txmsg.producer-group=billing-tx").run(context ->
            assertThat(context.getBean(dev.txmsg.rocketmq.RocketMqTransactionalSender.class).producerGroup()).isEqualTo("billing-tx"));
    }

    @Test
    void aCheckListenerBeanFailsStartUpSayingToDecorateInstead(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=billing")
            .withBean(dev.txmsg.api.spi.CheckListener.class, () -> request -> dev.txmsg.api.TransactionState.ROLLED_BACK)
            .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("a CheckListener bean would replace txmsg's fenced check-back")
                .hasMessageContaining("CheckListenerDecorator"));
    }

    @Test
    void checkListenerDecoratorBeansWrapTheFencedCheckBackInTheirOrder(EmbeddedRocketMQ mq) {
        String topic = "decorated-" + UUID.randomUUID().toString().substring(0, 8);
        mq.createTopic(topic, 2);
        java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.Map<String, dev.txmsg.api.TransactionState> answers = new java.util.concurrent.ConcurrentHashMap<>();
        app(mq).withPropertyValues("spring.application.name=decorated-" + topic, "txmsg.topics=" + topic)
            .withUserConfiguration(Decorators.class)
            .withBean(Recorded.class, () -> new Recorded(calls, answers))
            .run(context -> {
                assertThat(context).hasNotFailed();
                dev.txmsg.acceptance.support.EndDropper ends = new dev.txmsg.acceptance.support.EndDropper();
                ends.dropAll();
                context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).producer().getDefaultMQProducerImpl().getMqClientFactory()
                    .getMQClientAPIImpl().getRemotingClient().registerRPCHook(ends);

                String txId = context.getBean(TransactionalSender.class).send(dev.txmsg.api.TxMessage.builder(topic)
                    .body(new byte[] {1}).build(), (ctx, a) -> { }).transactionId();

                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> answers.containsKey(txId));
                assertThat(answers).containsEntry(txId, dev.txmsg.api.TransactionState.COMMITTED);
                assertThat(calls).as("outermost first").startsWith("first:" + txId, "second:" + txId);
            });
    }

    /** What the decorators saw (a bean of its own: Spring would inject a List or Map parameter as a collection of beans). */
    record Recorded(java.util.List<String> calls, java.util.Map<String, dev.txmsg.api.TransactionState> answers) {
    }

    /** Two decorators in @Order: the first wraps the second, which wraps txmsg's fenced answer. */
    @org.springframework.context.annotation.Configuration
    static class Decorators {
        @org.springframework.context.annotation.Bean
        @org.springframework.core.annotation.Order(1)
        dev.txmsg.api.spi.CheckListenerDecorator first(Recorded recorded) {
            return inner -> request -> {
                recorded.calls().add("first:" + request.transactionId());
                dev.txmsg.api.TransactionState answer = inner.check(request);
                recorded.answers().put(request.transactionId(), answer);
                return answer;
            };
        }

        @org.springframework.context.annotation.Bean
        @org.springframework.core.annotation.Order(2)
        dev.txmsg.api.spi.CheckListenerDecorator second(Recorded recorded) {
            return inner -> request -> {
                recorded.calls().add("second:" + request.transactionId());
                return inner.check(request);
            };
        }
    }

    @Test
    void noGroupAndNoApplicationNameFailsStartUp(EmbeddedRocketMQ mq) {
        app(mq).run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().hasMessageContaining("txmsg.producer-group").hasMessageContaining("spring.application.name"));
    }

    @Test
    void theRocketMQTemplatesGroupIsRefused(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "rocketmq.producer.group=shop").run(context ->
            assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("rocketmq.producer.group"));
    }

    @Test
    void withoutSchemaInitializationAMissingTableFailsStartUpNamingTableAndSchemaFile(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "txmsg.initialize-schema=never").run(context ->
            assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("txmsg's table txmsg_tx_log is missing")
                .hasStackTraceContaining("classpath:txmsg/schema/h2.sql"));
    }

    @Test
    void aCustomTableNameIsUsed(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "txmsg.table=shop_tx_log").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(dev.txmsg.api.spi.TransactionLog.class))
                .isInstanceOfSatisfying(dev.txmsg.rocketmq.log.MyBatisTransactionLog.class,
                    log -> assertThat(log.table().value()).isEqualTo("shop_tx_log"));
        });
    }

    @Test
    void badSettingsFailStartUpNamingPropertyValueAndWhatIsAllowed(EmbeddedRocketMQ mq) {
        String[][] cases = {
            {"txmsg.table=orders; DROP TABLE x", "txmsg.table", "letters, digits or underscores"},
            {"txmsg.check.pool-size=0", "txmsg.check.pool-size = 0", "at least 1"},
            {"txmsg.check.queue-capacity=-1", "txmsg.check.queue-capacity = -1", "at least 1"},
            {"txmsg.check.lock-wait=0s", "txmsg.check.lock-wait = PT0S", "positive duration"},
            {"txmsg.check.clock-skew=-1s", "txmsg.check.clock-skew = PT-1S", "zero or more"},
            {"txmsg.check.clock-skew=2d", "txmsg.check.clock-skew = PT48H", "less than txmsg.retention.period (PT24H)"},
            {"txmsg.in-doubt.probe-interval=0s", "txmsg.in-doubt.probe-interval = PT0S", "positive duration"},
            {"txmsg.reconcile.interval=0s", "txmsg.reconcile.interval = PT0S", "positive duration"},
            {"txmsg.reconcile.catch-up=-1s", "txmsg.reconcile.catch-up = PT-1S", "0 or more"},
            {"txmsg.reconcile.batch-size=0", "txmsg.reconcile.batch-size = 0", "at least 1"},
            {"txmsg.send.timeout=-1s", "txmsg.send.timeout = PT-1S", "positive duration"},
            {"txmsg.topics=bad topic", "txmsg.topics = bad topic", "RocketMQ topic names"},
            {"txmsg.retention.period=10m", "txmsg.retention.period = PT10M", "at least twice the broker's check window, PT15M12S"},
            {"txmsg.retention.batch-size=0", "txmsg.retention.batch-size = 0", "at least 1"},
            {"txmsg.retention.interval=0s", "txmsg.retention.interval = PT0S", "positive duration"},
            {"txmsg.broker.check-max=0", "txmsg.broker.check-max = 0", "at least 1"},
            {"txmsg.broker.check-interval=-5s", "txmsg.broker.check-interval = PT-5S", "positive duration"},
            {"txmsg.resilience.retry.max-attempts=0", "txmsg.resilience.retry.max-attempts = 0", "at least 1"},
            {"txmsg.resilience.retry.multiplier=0.5", "txmsg.resilience.retry.multiplier = 0.5", "at least 1.0"},
            {"txmsg.resilience.circuit-breaker.failure-rate-threshold=0",
                "txmsg.resilience.circuit-breaker.failure-rate-threshold = 0.0", "above 0 and at most 100"},
            {"txmsg.resilience.circuit-breaker.wait-duration-in-open-state=0s",
                "txmsg.resilience.circuit-breaker.wait-duration-in-open-state = PT0S", "positive duration"},
            {"txmsg.outbox.partitions=0", "txmsg.outbox.partitions = 0", "an integer from 1 to 1024"},
            {"txmsg.outbox.lease-ttl=500ms", "txmsg.outbox.lease-ttl = PT0.5S", "at least 1s"},
            {"txmsg.outbox.max-backoff=10ms", "txmsg.outbox.max-backoff = PT0.01S", "at least txmsg.outbox.initial-backoff (PT0.1S)"},
        };
        for (String[] c : cases) {
            app(mq).withPropertyValues("spring.application.name=shop", c[0]).run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                    .as(c[0]).hasMessageContaining(c[1]).hasMessageContaining(c[2]));
        }
    }

    @Test
    void theReconciliationRunsOnlyWhenEnabled(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop").run(context ->
            assertThat(context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).reconciler()).isEmpty());
        app(mq).withPropertyValues("spring.application.name=shop", "txmsg.reconcile.enabled=true", "txmsg.reconcile.interval=2s")
            .run(context -> {
                assertThat(context).hasNotFailed();
                dev.txmsg.rocketmq.RocketMqTxMsg txmsg = context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class);
                assertThat(txmsg.reconciler()).isPresent();
                assertThat(txmsg.metrics().registry().find("txmsg.reconcile").tag("result", "missing").functionCounter()).isNotNull();
            });
    }

    @Test
    void aRetentionBeyondACustomCheckWindowIsAccepted(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "txmsg.broker.check-interval=5s", "txmsg.broker.check-max=3",
            "txmsg.retention.period=1m", "txmsg.check.clock-skew=10s").run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(dev.txmsg.rocketmq.jdbc.PurgeJob.class).retention()).isEqualTo(java.time.Duration.ofMinutes(1));
            });
    }

    @Test
    void metersGoToTheApplicationsRegistryAndHealthReportsBrokerAndLog(EmbeddedRocketMQ mq) {
        app(mq).withConfiguration(AutoConfigurations.of(TxMsgHealthConfiguration.class))
            .withBean(io.micrometer.core.instrument.MeterRegistry.class, io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
            .withPropertyValues("spring.application.name=shop").run(context -> {
                io.micrometer.core.instrument.MeterRegistry registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                assertThat(registry.find("txmsg.circuit.state").tag("group", "shop").gauge()).isNotNull();
                assertThat(registry.find("txmsg.send.in.flight").gauge()).isNotNull();

                var health = (org.springframework.boot.actuate.health.CompositeHealthContributor) context.getBean("txmsgHealthContributor");
                var broker = (org.springframework.boot.actuate.health.HealthIndicator) health.getContributor("broker");
                var log = (org.springframework.boot.actuate.health.HealthIndicator) health.getContributor("log");
                assertThat(broker.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);
                assertThat(broker.health().getDetails()).containsEntry("brokers", 1).containsEntry("producerGroup", "shop");
                assertThat(log.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);

                context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).close();
                assertThat(broker.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.DOWN);
            });
    }

    @Test
    void anUnknownModeFailsStartUpNamingTheProperty(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "txmsg.mode=kafka").run(context ->
            assertThat(context).hasFailed().getFailure().hasStackTraceContaining("txmsg.mode"));
    }

    @Test
    void inOutboxModeTheSenderWritesTheOutboxAndHealthAndMetersReportTheRelay(EmbeddedRocketMQ mq) {
        app(mq).withConfiguration(AutoConfigurations.of(TxMsgHealthConfiguration.class))
            .withBean(io.micrometer.core.instrument.MeterRegistry.class, io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
            .withPropertyValues("spring.application.name=shop-outbox", "txmsg.mode=outbox", "txmsg.outbox.max-age=1ms").run(context -> {
                assertThat(context).hasNotFailed();
                dev.txmsg.rocketmq.RocketMqTxMsg txmsg = context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class);
                assertThat(txmsg.mode()).isEqualTo(dev.txmsg.rocketmq.Mode.OUTBOX);
                io.micrometer.core.instrument.MeterRegistry registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                assertThat(registry.find("txmsg.outbox.backlog").tag("group", "shop-outbox").gauge()).isNotNull();
                var health = (org.springframework.boot.actuate.health.CompositeHealthContributor) context.getBean("txmsgHealthContributor");
                var outbox = (org.springframework.boot.actuate.health.HealthIndicator) health.getContributor("outbox");
                dev.txmsg.rocketmq.outbox.OutboxRelay relay = txmsg.outboxRelay().orElseThrow();
                relay.refreshBacklog();
                assertThat(outbox.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);

                relay.kill(); // nothing publishes any more: the message waits
                dev.txmsg.api.SendReceipt receipt = context.getBean(TransactionalSender.class).send(
                    dev.txmsg.api.TxMessage.builder("SHOP_EVENTS").body(new byte[] {1}).build(), (ctx, a) -> { }, null);
                assertThat(receipt.delivery()).isEqualTo(dev.txmsg.api.SendReceipt.Delivery.OUTBOX);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                    relay.refreshBacklog();
                    return outbox.health().getStatus().equals(org.springframework.boot.actuate.health.Status.DOWN);
                });
                assertThat(outbox.health().getDetails()).containsEntry("pending", 1L).containsKey("error");
            });
    }

    @Test
    void aResilience4jRegistryInstanceNamedTxmsgIsUsed(EmbeddedRocketMQ mq) {
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry registry = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
        io.github.resilience4j.circuitbreaker.CircuitBreaker mine = registry.circuitBreaker("txmsg",
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom().minimumNumberOfCalls(2).build());
        app(mq).withBean(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class, () -> registry)
            .withPropertyValues("spring.application.name=shop").run(context ->
                assertThat(context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).circuitBreaker()).containsSame(mine));
    }

    @Test
    void rocketMqsOwnSendRetriesStayOffWhateverTheRocketMqPropertiesSay(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "rocketmq.producer.retry-times-when-send-failed=5",
            "rocketmq.producer.retry-times-when-send-async-failed=5").run(context -> {
                var producer = context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).producer();
                assertThat(producer.getRetryTimesWhenSendFailed()).as("sync retries").isZero();
                assertThat(producer.getRetryTimesWhenSendAsyncFailed()).as("async retries").isZero();
            });
    }

    @Test
    void resilienceCanBeSwitchedOff(EmbeddedRocketMQ mq) {
        app(mq).withPropertyValues("spring.application.name=shop", "txmsg.resilience.enabled=false").run(context ->
            assertThat(context.getBean(dev.txmsg.rocketmq.RocketMqTxMsg.class).circuitBreaker()).isEmpty());
    }

    @Test
    void withoutANameServerThereIsNoSender(EmbeddedRocketMQ mq) {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, TxMsgAutoConfiguration.class))
            .withPropertyValues("spring.application.name=shop", "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID())
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TransactionalSender.class));
    }
}
