package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mybatis.spring.annotation.MapperScan;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.txmsg.acceptance.OrderMapper;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * The starter as an application meets it: a DataSource, rocketmq.name-server and an application
 * name give a ready sender whose transactions are the application's own (JdbcTemplate and the
 * application's MyBatis mappers take part).
 */
@WithEmbeddedRocketMQ
abstract class StarterAcceptanceTest {

    static EmbeddedRocketMQ mq;
    static TestDatabase db;

    static void start(EmbeddedRocketMQ broker, TestDatabase database) {
        mq = broker;
        db = database;
        db.execute("CREATE TABLE orders (id VARCHAR(64) PRIMARY KEY, amount DECIMAL(12,2) NOT NULL)");
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    @Configuration
    @MapperScan(basePackageClasses = OrderMapper.class, annotationClass = org.apache.ibatis.annotations.Mapper.class)
    static class UserApplication {
        /** The test's pool, shielded from the context's close (it serves every test of the class). */
        @Bean
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DelegatingDataSource(db.dataSource());
        }
    }

    private ApplicationContextRunner app(String topic) {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, MybatisAutoConfiguration.class,
                RocketMQAutoConfiguration.class, TxMsgAutoConfiguration.class))
            .withUserConfiguration(UserApplication.class)
            .withPropertyValues("rocketmq.name-server=" + mq.nameServerAddress(),
                "spring.application.name=starter-" + db.kind() + "-" + UUID.randomUUID().toString().substring(0, 8),
                "txmsg.initialize-schema=always",
                "txmsg.topics=" + topic);
    }

    @Test
    void executorWorkThroughJdbcTemplateAndMyBatisCommitsWithTheMessage() {
        String topic = newTopic();
        try (CollectingConsumer consumer = new CollectingConsumer(mq.nameServerAddress(), "c-" + topic, topic)) {
            app(topic).run(context -> {
                assertThat(context).hasNotFailed();
                TransactionalSender sender = context.getBean(TransactionalSender.class);
                JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                OrderMapper orders = context.getBean(OrderMapper.class);

                String txId = sender.send(TxMessage.builder(topic).payload(new Created("s-1", 10)).build(), (ctx, id) -> {
                    jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 10.00)", id);
                    orders.insert(id + "-mybatis");
                }, "s-1").transactionId();

                assertThat(orders.count("s-1")).isEqualTo(1);
                assertThat(orders.count("s-1-mybatis")).isEqualTo(1);
                await().atMost(Duration.ofSeconds(60)).until(() -> consumer.count(txId) >= 1);
            });
        }
    }

    @Test
    void executorExceptionRollsBackJdbcTemplateAndMyBatisWork() {
        String topic = newTopic();
        app(topic).run(context -> {
            TransactionalSender sender = context.getBean(TransactionalSender.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            OrderMapper orders = context.getBean(OrderMapper.class);
            IllegalStateException boom = new IllegalStateException("boom");

            Throwable thrown = catchThrowable(() -> sender.send(TxMessage.builder(topic).payload(new Created("s-2", 10)).build(),
                (ctx, id) -> {
                    jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 10.00)", id);
                    orders.insert(id + "-mybatis");
                    throw boom;
                }, "s-2"));

            assertThat(thrown).isSameAs(boom);
            assertThat(orders.count("s-2")).isZero();
            assertThat(orders.count("s-2-mybatis")).isZero();
        });
    }

    @Test
    void applicationMyBatisIsNotReplacedByTxmsgs() {
        app(newTopic()).run(context -> {
            assertThat(context).hasSingleBean(SqlSessionFactory.class);
            assertThat(context).hasSingleBean(OrderMapper.class);
            assertThat(context.getBean(SqlSessionFactory.class).getConfiguration().hasMapper(OrderMapper.class)).isTrue();
        });
    }

    private static String newTopic() {
        String topic = "starter-" + UUID.randomUUID().toString().substring(0, 8);
        mq.createTopic(topic, 2);
        return topic;
    }

    record Created(String orderId, int amount) {
    }
}
