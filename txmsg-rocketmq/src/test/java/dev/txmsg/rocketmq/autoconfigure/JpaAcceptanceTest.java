package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.domain.EntityScan;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.autoconfigure.jpa.JpaOrder;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * Sends whose executor works through JPA (Hibernate) under Spring Boot's
 * {@link JpaTransactionManager} (issue #10, finding 4). A JDBC savepoint cannot undo a
 * persistence context, so inside a JPA transaction txmsg joins without one: an executor's failure
 * rolls the whole transaction back, never leaving an entity to be flushed without its message.
 */
@WithEmbeddedRocketMQ
abstract class JpaAcceptanceTest {

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
        topic = "jpa-" + db.kind() + "-" + id;
        group = "jpa-service-" + db.kind() + "-" + id;
        mq.createTopic(topic, 2);
        consumer = new CollectingConsumer(mq.nameServerAddress(), "c-" + id, topic);
    }

    @AfterEach
    void closeConsumer() {
        consumer.close();
    }

    @Configuration
    @EntityScan(basePackageClasses = JpaOrder.class)
    static class JpaApplication {
        @Bean
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DelegatingDataSource(db.dataSource());
        }
    }

    private ApplicationContextRunner app() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class, JacksonAutoConfiguration.class, RocketMQAutoConfiguration.class,
                TxMsgAutoConfiguration.class))
            .withUserConfiguration(JpaApplication.class)
            .withPropertyValues("rocketmq.name-server=" + mq.nameServerAddress(), "txmsg.producer-group=" + group,
                "txmsg.initialize-schema=always", "txmsg.topics=" + topic, "spring.jpa.hibernate.ddl-auto=none",
                "spring.jpa.open-in-view=false");
    }

    private TxMessage created(String orderId) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").key(orderId).body(orderId.getBytes()).build();
    }

    @Test
    void anEntityPersistedByTheExecutorInsideAJpaTransactionCommitsWithItsMessage() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> result.set(p.sender.send(created("j-1"),
                (ctx, id) -> p.em.persist(new JpaOrder(id, BigDecimal.ONE)), "j-1")));

            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
            assertThat(orders("j-1")).isEqualTo(1);
        });
    }

    @Test
    void anExecutorFailureCaughtByTheCallerRollsBackTheWholeJpaTransaction() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<String> txId = new AtomicReference<>();
            IllegalStateException boom = new IllegalStateException("declined");

            Throwable atCommit = catchThrowable(() -> p.tx.executeWithoutResult(status -> {
                p.em.persist(new JpaOrder("j-0", BigDecimal.ONE));
                Throwable thrown = catchThrowable(() -> p.sender.send(created("j-2"), (ctx, id) -> {
                    txId.set(ctx.transactionId());
                    p.em.persist(new JpaOrder(id, BigDecimal.TEN)); // pending in the persistence context
                    throw boom;
                }, "j-2"));
                assertThat(thrown).isSameAs(boom);
            }));

            assertThat(atCommit).as("the transaction cannot commit part of a persistence context")
                .isInstanceOf(UnexpectedRollbackException.class);
            assertThat(orders("j-2")).as("the executor's entity").isZero();
            assertThat(orders("j-0")).as("the caller's entity: the whole transaction rolled back").isZero();
            await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5)).until(() -> consumer.count(txId.get()) == 0);
        });
    }

    @Test
    void anExecutorFailureRollsBackTheWholeJpaTransactionEvenIfParticipantsMayNotMarkIt() {
        app().run(context -> {
            Parts p = new Parts(context);
            // The application lets participating transactions fail without marking the whole one rollback-only.
            ((JpaTransactionManager) context.getBean(PlatformTransactionManager.class)).setGlobalRollbackOnParticipationFailure(false);
            AtomicReference<String> txId = new AtomicReference<>();

            Throwable atCommit = catchThrowable(() -> p.tx.executeWithoutResult(status -> catchThrowable(() ->
                p.sender.send(created("j-4"), (ctx, id) -> {
                    txId.set(ctx.transactionId());
                    p.em.persist(new JpaOrder(id, BigDecimal.TEN));
                    throw new IllegalStateException("declined");
                }, "j-4"))));

            assertThat(atCommit).isInstanceOf(UnexpectedRollbackException.class);
            assertThat(orders("j-4")).isZero();
            assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE tx_id = '" + txId.get() + "'")).as("log row").isZero();
        });
    }

    @Test
    void aSendOutsideATransactionRunsTheExecutorsJpaWorkInATransactionOfItsOwn() {
        app().run(context -> {
            Parts p = new Parts(context);

            SendReceipt result = p.sender.send(created("j-3"), (ctx, id) -> p.em.persist(new JpaOrder(id, BigDecimal.ONE)), "j-3");

            await().atMost(PATIENCE).until(() -> consumer.count(result.transactionId()) >= 1);
            assertThat(orders("j-3")).isEqualTo(1);
        });
    }

    private long orders(String id) {
        return db.queryLong("SELECT COUNT(*) FROM orders WHERE id = '" + id + "'");
    }

    private static final class Parts {
        final TransactionalSender sender;
        final EntityManager em;
        final TransactionTemplate tx;

        Parts(org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(JpaTransactionManager.class);
            this.sender = context.getBean(TransactionalSender.class);
            this.em = SharedEntityManagerCreator.createSharedEntityManager(context.getBean(EntityManagerFactory.class));
            this.tx = context.getBean(TransactionTemplate.class);
        }
    }
}
