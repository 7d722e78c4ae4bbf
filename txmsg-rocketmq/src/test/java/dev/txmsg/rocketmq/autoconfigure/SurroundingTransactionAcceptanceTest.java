package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.annotation.MapperScan;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.txmsg.api.SendResult;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;
import dev.txmsg.rocketmq.testing.CollectingConsumer;
import dev.txmsg.rocketmq.testing.EndDropper;
import dev.txmsg.rocketmq.testing.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * Sends from code that already runs in a Spring transaction (issue #3): the log row and the
 * executor join it under a savepoint, and the broker hears the outcome only after it completes.
 */
@WithEmbeddedRocketMQ
abstract class SurroundingTransactionAcceptanceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration CHECK_WINDOW = Duration.ofSeconds(6);

    static EmbeddedRocketMQ mq;
    static TestDatabase db;

    private String topic;
    private String group;
    private CollectingConsumer consumer;

    static void start(EmbeddedRocketMQ broker, TestDatabase database) {
        mq = broker;
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, amount DECIMAL(12,2) NOT NULL)");
        db.execute("CREATE TABLE other_work (id VARCHAR(64) PRIMARY KEY)");
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @BeforeEach
    void newTopic() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "outer-" + db.kind() + "-" + id;
        group = "outer-service-" + db.kind() + "-" + id;
        mq.createTopic(topic, 2);
        consumer = new CollectingConsumer(mq.nameServerAddress(), "c-" + id, topic);
    }

    @AfterEach
    void closeConsumer() {
        consumer.close();
    }

    @Configuration
    @MapperScan(basePackageClasses = OrderMapper.class, annotationClass = org.apache.ibatis.annotations.Mapper.class)
    static class UserApplication {
        @Bean
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DelegatingDataSource(db.dataSource());
        }
    }

    private ApplicationContextRunner app() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
                MybatisAutoConfiguration.class, RocketMQAutoConfiguration.class, TxMsgAutoConfiguration.class))
            .withUserConfiguration(UserApplication.class)
            .withPropertyValues("rocketmq.name-server=" + mq.nameServerAddress(), "txmsg.producer-group=" + group,
                "txmsg.initialize-schema=always", "txmsg.topics=" + topic);
    }

    private TxMessage created(String orderId) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").key(orderId).payload(new Created(orderId)).build();
    }

    @Test
    void outerCommitDeliversButNotBefore() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendResult> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('w-1')");
                result.set(p.sender.send(created("c-1"), (ctx, id) -> {
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    p.orders.insert(id + "-mybatis");
                }, "c-1"));
                // Still open: the broker's check-back must wait on the log row, and nothing is delivered.
                await().atMost(PATIENCE).until(() -> db.lockWaits() > 0);
                assertThat(consumer.count(result.get().transactionId())).isZero();
            });

            assertThat(result.get().state()).isEqualTo(TransactionState.UNKNOWN);
            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
            assertThat(p.orders.count("c-1")).isEqualTo(1);
            assertThat(p.orders.count("c-1-mybatis")).isEqualTo(1);
            assertThat(db.queryString("SELECT state FROM txmsg_tx_log WHERE tx_id = '" + result.get().transactionId() + "'"))
                .isEqualTo("COMMITTED");
        });
    }

    @Test
    void outerRollbackIsNeverDeliveredAndLeavesNoLogRow() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendResult> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                result.set(p.sender.send(created("r-1"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "r-1"));
                status.setRollbackOnly();
            });

            String txId = result.get().transactionId();
            assertThat(p.orders.count("r-1")).isZero();
            assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE tx_id = '" + txId + "'")).isZero();
            await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5)).until(() -> consumer.count(txId) == 0);
            assertThat(p.senderImpl.metrics().registry().counter("txmsg.send", "group", group, "outcome", "rolled_back").count())
                .isEqualTo(1);
        });
    }

    @Test
    void executorFailureCaughtByTheCallerRollsBackOnlyItsSavepoint() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<String> txId = new AtomicReference<>();
            IllegalStateException boom = new IllegalStateException("declined");

            p.tx.executeWithoutResult(status -> {
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('w-2')");
                Throwable thrown = catchThrowable(() -> p.sender.send(created("s-1"), (ctx, id) -> {
                    txId.set(ctx.transactionId());
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    p.orders.insert(id + "-mybatis");
                    throw boom;
                }, "s-1"));
                assertThat(thrown).isSameAs(boom);
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('w-3')");
            });

            assertThat(db.queryLong("SELECT COUNT(*) FROM other_work WHERE id IN ('w-2', 'w-3')")).isEqualTo(2);
            assertThat(p.orders.count("s-1")).isZero();
            assertThat(p.orders.count("s-1-mybatis")).isZero();
            assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE tx_id = '" + txId.get() + "'")).isZero();
            await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5)).until(() -> consumer.count(txId.get()) == 0);
        });
    }

    @Test
    void deathBetweenOuterCommitAndEndIsSettledByTheCheckBack() {
        AtomicReference<String> txId = new AtomicReference<>();
        app().run(context -> {
            Parts p = new Parts(context);
            EndDropper ends = new EndDropper();
            ends.dropAll();
            p.senderImpl.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient()
                .registerRPCHook(ends);

            p.tx.executeWithoutResult(status -> txId.set(p.sender.send(created("d-1"), (ctx, id) ->
                p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "d-1").transactionId()));

            await().atMost(PATIENCE).until(() -> ends.lost() == 1); // hooks of one-way requests run on a Netty thread
        }); // the service "dies": its producer is gone, the end was never heard

        app().run(context -> {
            assertThat(context).hasNotFailed(); // a restarted instance of the service, sending nothing
            await().atMost(PATIENCE).until(() -> consumer.count(txId.get()) >= 1);
        });
    }

    private static final class Parts {
        final TransactionalSender sender;
        final RocketMqTransactionalSender senderImpl;
        final JdbcTemplate jdbc;
        final OrderMapper orders;
        final TransactionTemplate tx;

        Parts(AssertableApplicationContext context) {
            assertThat(context).hasNotFailed();
            this.sender = context.getBean(TransactionalSender.class);
            this.senderImpl = context.getBean(RocketMqTransactionalSender.class);
            this.jdbc = context.getBean(JdbcTemplate.class);
            this.orders = context.getBean(OrderMapper.class);
            this.tx = context.getBean(TransactionTemplate.class);
        }
    }

    record Created(String orderId) {
    }
}
