package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionRollbackOnlyException;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * Sends from code that already runs in a Spring transaction (issue #3): the log row and the
 * executor join it under a savepoint, and the broker hears the outcome only after it completes.
 */
@WithEmbeddedRocketMQ
public abstract class SurroundingTransactionAcceptanceTest {

    /** The implementation under test. */
    protected abstract Harness harness();

    /**
     * Whether the implementation runs in outbox mode ({@code txmsg.mode=outbox}): its messages are
     * outbox rows published after the commit, not half messages ended after it. The guarantees are
     * the same; what proves them differs where the suite says so.
     */
    protected boolean outboxMode() {
        return false;
    }

    /**
     * How long "never delivered" is watched: a check-back's window in half-message mode; in outbox
     * mode a few of the relay's polls (500 ms each by default) — a rolled-back row does not exist to
     * be published.
     */
    private Duration neverWindow() {
        return outboxMode() ? Duration.ofSeconds(2) : CHECK_WINDOW;
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration CHECK_WINDOW = Duration.ofSeconds(6);

    static EmbeddedRocketMQ mq;
    static TestDatabase db;

    private String topic;
    private String group;
    private CollectingConsumer consumer;

    protected static void start(EmbeddedRocketMQ broker, TestDatabase database) {
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

    /** The application's DataSource behind Spring's TransactionAwareDataSourceProxy. */
    @Configuration
    @MapperScan(basePackageClasses = OrderMapper.class, annotationClass = org.apache.ibatis.annotations.Mapper.class)
    static class TransactionAwareApplication {
        @Bean
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy(db.dataSource());
        }
    }

    /** The application's DataSource behind Spring's LazyConnectionDataSourceProxy. */
    @Configuration
    @MapperScan(basePackageClasses = OrderMapper.class, annotationClass = org.apache.ibatis.annotations.Mapper.class)
    static class LazyConnectionApplication {
        @Bean
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy(db.dataSource());
        }
    }

    private ApplicationContextRunner app() {
        return app(UserApplication.class);
    }

    private ApplicationContextRunner app(Class<?> application) {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class,
                MybatisAutoConfiguration.class))
            .withConfiguration(AutoConfigurations.of(harness().autoConfigurations().toArray(Class<?>[]::new)))
            .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
            .withUserConfiguration(application)
            .withPropertyValues("rocketmq.name-server=" + mq.nameServerAddress(), "txmsg.producer-group=" + group,
                "txmsg.initialize-schema=always", "txmsg.topics=" + topic,
                "txmsg.mode=" + (outboxMode() ? "outbox" : "half-message"));
    }

    private TxMessage created(String orderId) {
        return TxMessage.builder(topic).tag("ORDER_CREATED").key(orderId).payload(new Created(orderId)).build();
    }

    @Test
    void outerCommitDeliversButNotBefore() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('w-1')");
                result.set(p.sender.send(created("c-1"), (ctx, id) -> {
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    p.orders.insert(id + "-mybatis");
                }, "c-1"));
                if (outboxMode()) {
                    // Still open: the relay, polling every 500 ms on its own connections, cannot see the outbox row.
                    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> consumer.count(result.get().transactionId()) == 0);
                } else {
                    // Still open: the broker's check-back hears that it still runs here (UNKNOWN, no waiting
                    // on the log row), and nothing is delivered.
                    await().atMost(PATIENCE).until(() -> p.meters
                        .counter("txmsg.checkback.running", "group", group).count() > 0);
                }
                assertThat(consumer.count(result.get().transactionId())).isZero();
            });

            assertThat(result.get().state()).isEqualTo(TransactionState.UNKNOWN);
            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
            assertThat(p.orders.count("c-1")).isEqualTo(1);
            assertThat(p.orders.count("c-1-mybatis")).isEqualTo(1);
            if (!outboxMode()) {
                assertThat(db.queryString("SELECT state FROM txmsg_tx_log WHERE tx_id = '" + result.get().transactionId() + "'"))
                    .isEqualTo("COMMITTED");
            }
        });
    }

    @Test
    void aDatabaseErrorCaughtAfterTheSendDeliversOnlyIfTheDatabaseKeepsTheTransaction() {
        // PostgreSQL aborts a transaction at its first error and its COMMIT then rolls back without
        // an error, while Spring reports it committed: the message must not follow the report.
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            Throwable thrown = catchThrowable(() -> p.tx.executeWithoutResult(status -> {
                result.set(p.sender.send(created("e-1"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "e-1"));
                try {
                    p.jdbc.update("INSERT INTO other_work (id) VALUES ('dup'), ('dup')");
                } catch (org.springframework.dao.DataAccessException duplicate) {
                    // the application goes on, as if the error did not matter
                }
            }));

            String txId = result.get().transactionId();
            if (db.kind().equals("postgresql")) {
                assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("aborted");
                assertThat(p.orders.count("e-1")).isZero();
                // rolled back, not left to a check-back as an unknown outcome
                assertThat(p.meters.counter("txmsg.send", "group", group, "outcome", "rolled_back").count()).isEqualTo(1);
                assertThat(logRows(txId)).isZero();
                await().during(neverWindow()).atMost(neverWindow().plusSeconds(5)).until(() -> consumer.count(txId) == 0);
            } else {
                assertThat(thrown).isNull();
                assertThat(p.orders.count("e-1")).isEqualTo(1);
                await().atMost(PATIENCE).until(() -> consumer.count(txId) == 1);
            }
        });
    }

    @Test
    void anExecutorThatCatchesADatabaseErrorInsideTheSendLeavesTheSurroundingTransactionUsable() {
        // Inside txmsg's savepoint: on PostgreSQL the send is rolled back to its savepoint (which
        // PostgreSQL allows after an error) and the surrounding transaction commits its own work.
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<String> txId = new AtomicReference<>();

            Throwable thrown = catchThrowable(() -> p.tx.executeWithoutResult(status -> {
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('before-e-2')");
                Throwable sent = catchThrowable(() -> p.sender.send(created("e-2"), (ctx, id) -> {
                    txId.set(ctx.transactionId());
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    try {
                        p.jdbc.update("INSERT INTO other_work (id) VALUES ('dup-2'), ('dup-2')");
                    } catch (org.springframework.dao.DataAccessException duplicate) {
                        // the executor goes on
                    }
                }, "e-2"));
                if (db.kind().equals("postgresql")) {
                    assertThat(sent).isInstanceOf(dev.txmsg.api.TransactionRollbackOnlyException.class);
                } else {
                    assertThat(sent).isNull();
                }
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('after-e-2')");
            }));

            assertThat(thrown).isNull();
            assertThat(p.jdbc.queryForObject("SELECT COUNT(*) FROM other_work WHERE id IN ('before-e-2', 'after-e-2')", Integer.class))
                .isEqualTo(2);
            boolean kept = !db.kind().equals("postgresql");
            assertThat(p.orders.count("e-2")).isEqualTo(kept ? 1 : 0);
            if (kept) {
                await().atMost(PATIENCE).until(() -> consumer.count(txId.get()) == 1);
            } else {
                await().during(neverWindow()).atMost(neverWindow().plusSeconds(5)).until(() -> consumer.count(txId.get()) == 0);
            }
        });
    }

    @Test
    void outerRollbackIsNeverDeliveredAndLeavesNoLogRow() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                result.set(p.sender.send(created("r-1"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "r-1"));
                status.setRollbackOnly();
            });

            String txId = result.get().transactionId();
            assertThat(p.orders.count("r-1")).isZero();
            assertThat(logRows(txId)).isZero();
            await().during(neverWindow()).atMost(neverWindow().plusSeconds(5)).until(() -> consumer.count(txId) == 0);
            assertThat(p.meters.counter("txmsg.send", "group", group, "outcome", "rolled_back").count())
                .isEqualTo(1);
        });
    }

    @Test
    void severalMessagesFollowTheSurroundingTransactionAndItsSavepoints() {
        app().run(context -> {
            Parts p = new Parts(context);
            TransactionTemplate nested = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            nested.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_NESTED);
            AtomicReference<java.util.List<SendReceipt>> kept = new AtomicReference<>();
            AtomicReference<java.util.List<String>> undone = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                kept.set(p.sender.send(List.of(created("sv-1"), created("sv-1-audit")), (ctx, id) -> {
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    ctx.addMessage(created("sv-1-stock"));
                }, "sv-1"));
                nested.executeWithoutResult(inner -> {
                    p.sender.send(List.of(created("sv-2"), created("sv-2-audit")), (ctx, id) -> {
                        p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                        undone.set(ctx.transactionIds());
                    }, "sv-2");
                    inner.setRollbackOnly(); // the nested scope, both of its messages with it, rolls back
                });
            });

            assertThat(kept.get()).hasSize(3).allSatisfy(r -> assertThat(r.state()).isEqualTo(TransactionState.UNKNOWN));
            for (SendReceipt r : kept.get()) {
                await().atMost(PATIENCE).until(() -> consumer.count(r.transactionId()) >= 1);
            }
            assertThat(p.orders.count("sv-2")).isZero();
            assertThat(undone.get()).hasSize(2);
            undone.get().forEach(id -> assertThat(logRows(id)).isZero());
            undone.get().forEach(this::assertNeverDelivered);
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
            assertThat(logRows(txId.get())).isZero();
            await().during(neverWindow()).atMost(neverWindow().plusSeconds(5)).until(() -> consumer.count(txId.get()) == 0);
        });
    }

    @Test
    void deathBetweenOuterCommitAndEndIsSettledByTheCheckBack() {
        org.junit.jupiter.api.Assumptions.assumeFalse(outboxMode(), "half-message mode only: outbox mode sends no end; "
            + "OutboxAcceptanceTest covers a death between the commit and the publication");
        AtomicReference<String> txId = new AtomicReference<>();
        app().run(context -> {
            Parts p = new Parts(context);
            EndDropper ends = new EndDropper();
            ends.dropAll();
            harness().addClientHook(context, ends);

            p.tx.executeWithoutResult(status -> txId.set(p.sender.send(created("d-1"), (ctx, id) ->
                p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "d-1").transactionId()));

            await().atMost(PATIENCE).until(() -> ends.lost() == 1); // hooks of one-way requests run on a Netty thread
        }); // the service "dies": its producer is gone, the end was never heard

        app().run(context -> {
            assertThat(context).hasNotFailed(); // a restarted instance of the service, sending nothing
            await().atMost(PATIENCE).until(() -> consumer.count(txId.get()) >= 1);
        });
    }

    // ---- the message follows the log row, not the outermost transaction (issue #10, finding 1)

    @Test
    void aSendInANestedScopeThatRollsBackIsNeverDeliveredThoughTheOuterTransactionCommits() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(outer -> {
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('n-0')");
                p.nested().executeWithoutResult(inner -> {
                    result.set(p.sender.send(created("n-1"), (ctx, id) ->
                        p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "n-1"));
                    inner.setRollbackOnly(); // the application rolls its nested scope back to its savepoint
                });
            });

            String txId = result.get().transactionId();
            assertThat(db.queryLong("SELECT COUNT(*) FROM other_work WHERE id = 'n-0'")).as("the outer work committed").isEqualTo(1);
            assertThat(p.orders.count("n-1")).isZero();
            assertThat(logRows(txId)).isZero();
            assertNeverDelivered(txId);
        });
    }

    @Test
    void aSendAfterAManualSavepointThatIsRolledBackIsNeverDelivered() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                Object savepoint = status.createSavepoint();
                result.set(p.sender.send(created("m-1"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "m-1"));
                status.rollbackToSavepoint(savepoint);
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('m-0')");
            });

            assertThat(db.queryLong("SELECT COUNT(*) FROM other_work WHERE id = 'm-0'")).isEqualTo(1);
            assertThat(p.orders.count("m-1")).isZero();
            assertNeverDelivered(result.get().transactionId());
        });
    }

    @Test
    void aSendInsideAnotherSendsExecutorIsRolledBackWithItWhenTheCallerCatchesItsFailure() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> inner = new AtomicReference<>();
            AtomicReference<String> outer = new AtomicReference<>();
            IllegalStateException boom = new IllegalStateException("the outer executor fails after the inner send");

            p.tx.executeWithoutResult(status -> {
                Throwable thrown = catchThrowable(() -> p.sender.send(created("o-1"), (ctx, id) -> {
                    outer.set(ctx.transactionId());
                    inner.set(p.sender.send(created("i-1"), (innerCtx, innerId) ->
                        p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", innerId), "i-1"));
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    throw boom;
                }, "o-1"));
                assertThat(thrown).isSameAs(boom);
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('o-0')");
            });

            assertThat(db.queryLong("SELECT COUNT(*) FROM other_work WHERE id = 'o-0'")).isEqualTo(1);
            assertThat(p.orders.count("i-1")).isZero();
            assertThat(p.orders.count("o-1")).isZero();
            assertNeverDelivered(inner.get().transactionId());
            assertThat(consumer.count(outer.get())).isZero();
        });
    }

    @Test
    void aSavepointTakenAfterTheSendAndRolledBackLeavesTheSendDelivered() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                result.set(p.sender.send(created("a-1"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "a-1"));
                Object savepoint = status.createSavepoint();
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('a-0')");
                status.rollbackToSavepoint(savepoint);
                p.nested().executeWithoutResult(inner -> {
                    p.jdbc.update("INSERT INTO other_work (id) VALUES ('a-2')");
                    inner.setRollbackOnly();
                });
            });

            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
            assertThat(p.orders.count("a-1")).isEqualTo(1);
            assertThat(db.queryLong("SELECT COUNT(*) FROM other_work WHERE id IN ('a-0', 'a-2')")).isZero();
        });
    }

    @Test
    void aSendInANestedScopeThatCommitsIsDeliveredWithTheOuterTransaction() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(outer -> p.nested().executeWithoutResult(inner ->
                result.set(p.sender.send(created("c-2"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "c-2"))));

            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
            assertThat(p.orders.count("c-2")).isEqualTo(1);
        });
    }

    // ---- join only a transaction that holds txmsg's own connection (issue #10, finding 2)

    @Test
    void aTransactionOfAnotherDataSourceDoesNotHoldTheSend() {
        try (TestDatabase otherDb = db.another()) {
            app().run(context -> {
                Parts p = new Parts(context);
                TransactionTemplate foreign = new TransactionTemplate(
                    new org.springframework.jdbc.support.JdbcTransactionManager(otherDb.dataSource()));
                AtomicReference<SendReceipt> result = new AtomicReference<>();

                foreign.executeWithoutResult(status -> {
                    result.set(p.sender.send(created("f-1"), (ctx, id) ->
                        p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "f-1"));
                    status.setRollbackOnly(); // the other resource's transaction rolls back
                });

                assertThat(result.get().state()).as("a transaction of its own, committed at once").isEqualTo(TransactionState.COMMITTED);
                assertThat(p.orders.count("f-1")).isEqualTo(1);
                await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
            });
        }
    }

    @Test
    void behindATransactionAwareDataSourceProxyTheSendJoinsTheTransaction() {
        app(TransactionAwareApplication.class).run(context -> assertJoins(new Parts(context), "t"));
    }

    @Test
    void behindALazyConnectionDataSourceProxyTheSendJoinsTheTransaction() {
        app(LazyConnectionApplication.class).run(context -> assertJoins(new Parts(context), "l"));
    }

    private void assertJoins(Parts p, String prefix) {
        AtomicReference<SendReceipt> rolledBack = new AtomicReference<>();
        p.tx.executeWithoutResult(status -> {
            rolledBack.set(p.sender.send(created(prefix + "-r"), (ctx, id) ->
                p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), prefix + "-r"));
            status.setRollbackOnly();
        });
        AtomicReference<SendReceipt> committed = new AtomicReference<>();
        p.tx.executeWithoutResult(status -> committed.set(p.sender.send(created(prefix + "-c"), (ctx, id) ->
            p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), prefix + "-c")));

        assertThat(rolledBack.get().state()).as("joined").isEqualTo(TransactionState.UNKNOWN);
        assertThat(p.orders.count(prefix + "-r")).isZero();
        await().atMost(PATIENCE).until(() -> consumer.count(committed.get().transactionId()) >= 1);
        assertThat(p.orders.count(prefix + "-c")).isEqualTo(1);
        assertNeverDelivered(rolledBack.get().transactionId());
    }

    @Test
    void aReadOnlyTransactionIsRefusedBeforeAnythingIsSent() {
        app().run(context -> {
            Parts p = new Parts(context);
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            harness().addClientHook(context, new dev.txmsg.acceptance.support.SendRequests(sent));
            TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            readOnly.setReadOnly(true);

            Throwable thrown = catchThrowable(() -> readOnly.executeWithoutResult(status -> p.sender.send(created("ro-1"),
                (ctx, id) -> p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "ro-1")));

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only transaction")
                .hasMessageContaining("Nothing was written or sent");
            assertThat(sent.get()).as("half messages sent").isZero();
            assertThat(p.orders.count("ro-1")).isZero();
        });
    }

    @Test
    void aRequiresNewTransactionAroundTheSendDecidesItsMessageWhateverTheOuterOneDoes() {
        app().run(context -> {
            Parts p = new Parts(context);
            TransactionTemplate requiresNew = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            requiresNew.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            AtomicReference<SendReceipt> kept = new AtomicReference<>();
            AtomicReference<SendReceipt> dropped = new AtomicReference<>();

            p.tx.executeWithoutResult(outer -> {
                requiresNew.executeWithoutResult(inner -> kept.set(p.sender.send(created("rn-1"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "rn-1")));
                outer.setRollbackOnly();
            });
            p.tx.executeWithoutResult(outer -> requiresNew.executeWithoutResult(inner -> {
                dropped.set(p.sender.send(created("rn-2"), (ctx, id) ->
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "rn-2"));
                inner.setRollbackOnly();
            }));

            await().atMost(PATIENCE).until(() -> consumer.count(kept.get().transactionId()) >= 1);
            assertThat(p.orders.count("rn-1")).isEqualTo(1);
            assertThat(p.orders.count("rn-2")).isZero();
            assertNeverDelivered(dropped.get().transactionId());
        });
    }

    // ---- a transaction that is completing is not joined (hostile review of issue #10)

    @Test
    void aSendFromAnAfterCommitCallbackRunsInATransactionOfItsOwn() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('ac-0')");
                org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            result.set(p.sender.send(created("ac-1"), (ctx, id) ->
                                p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "ac-1"));
                        }
                    });
            });

            assertThat(result.get().state()).as("its own transaction, committed").isEqualTo(TransactionState.COMMITTED);
            assertThat(p.orders.count("ac-1")).isEqualTo(1);
            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
        });
    }

    @Test
    void aSendFromAnAfterCompletionCallbackRunsInATransactionOfItsOwn() {
        app().run(context -> {
            Parts p = new Parts(context);
            AtomicReference<SendReceipt> result = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> org.springframework.transaction.support.TransactionSynchronizationManager
                .registerSynchronization(new org.springframework.transaction.support.TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int completion) {
                        // As a @TransactionalEventListener(phase = AFTER_COMMIT) would.
                        result.set(p.sender.send(created("acp-1"), (ctx, id) ->
                            p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id), "acp-1"));
                    }
                }));

            assertThat(result.get().state()).isEqualTo(TransactionState.COMMITTED);
            assertThat(p.orders.count("acp-1")).isEqualTo(1);
            await().atMost(PATIENCE).until(() -> consumer.count(result.get().transactionId()) >= 1);
        });
    }

    @Test
    void aJoinedSendWhoseSavepointRollsBackInsteadOfCommittingEndsRolledBack() {
        app().run(context -> {
            Parts p = new Parts(context);
            TransactionTemplate inner = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            AtomicReference<String> txId = new AtomicReference<>();

            p.tx.executeWithoutResult(status -> {
                Throwable thrown = catchThrowable(() -> p.sender.send(created("u-1"), (ctx, id) -> {
                    txId.set(ctx.transactionId());
                    p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                    // An inner @Transactional call fails and the executor swallows it: the savepoint is marked rollback-only.
                    catchThrowable(() -> inner.executeWithoutResult(s -> {
                        throw new IllegalStateException("inner failure, swallowed");
                    }));
                }, "u-1"));
                assertThat(thrown).isInstanceOf(TransactionRollbackOnlyException.class).hasMessageContaining("rollback-only");
                p.jdbc.update("INSERT INTO other_work (id) VALUES ('u-0')");
                status.setRollbackOnly(); // the whole transaction is rollback-only now anyway
            });

            assertThat(p.orders.count("u-1")).isZero();
            assertNeverDelivered(txId.get());
        });
    }

    @Test
    void aSendOfItsOwnWhoseTransactionWasMarkedRollbackOnlyFailsWithNothingCommitted() {
        app().run(context -> {
            Parts p = new Parts(context);
            TransactionTemplate inner = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            AtomicReference<String> txId = new AtomicReference<>();

            // No surrounding transaction: the send's own. An inner @Transactional call joins it, fails, and is swallowed.
            Throwable thrown = catchThrowable(() -> p.sender.send(created("u-2"), (ctx, id) -> {
                txId.set(ctx.transactionId());
                p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id);
                catchThrowable(() -> inner.executeWithoutResult(s -> {
                    throw new IllegalStateException("inner failure, swallowed");
                }));
            }, "u-2"));

            assertThat(thrown).isInstanceOf(TransactionRollbackOnlyException.class);
            assertThat(((TransactionRollbackOnlyException) thrown).transactionId()).isEqualTo(txId.get());
            assertThat(p.orders.count("u-2")).isZero();
            assertThat(logRows(txId.get())).isZero();
            assertNeverDelivered(txId.get());
        });
    }

    @Test
    void aTransactionWithoutSynchronizationIsRefusedBeforeAnythingIsSent() {
        app().run(context -> {
            Parts p = new Parts(context);
            org.springframework.jdbc.support.JdbcTransactionManager unsynchronized =
                new org.springframework.jdbc.support.JdbcTransactionManager(context.getBean(javax.sql.DataSource.class));
            unsynchronized.setTransactionSynchronization(
                org.springframework.transaction.support.AbstractPlatformTransactionManager.SYNCHRONIZATION_NEVER);

            Throwable thrown = catchThrowable(() -> new TransactionTemplate(unsynchronized).executeWithoutResult(status ->
                p.sender.send(created("ns-1"), (ctx, id) -> p.jdbc.update("INSERT INTO orders (id, amount) VALUES (?, 1.00)", id),
                    "ns-1")));

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("without transaction synchronization")
                .hasMessageContaining("Nothing was written or sent");
            assertThat(p.orders.count("ns-1")).isZero();
        });
    }

    /** txmsg has the plain DataSource; the application's transaction manager and JdbcTemplate a wrapper of it; a second one too. */
    @Configuration
    @MapperScan(basePackageClasses = OrderMapper.class, annotationClass = org.apache.ibatis.annotations.Mapper.class)
    static class TransactionManagerOnAWrapper {
        @Bean
        @org.springframework.context.annotation.Primary
        javax.sql.DataSource dataSource() {
            return new org.springframework.jdbc.datasource.DelegatingDataSource(db.dataSource());
        }

        @Bean
        org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy lazy(javax.sql.DataSource dataSource) {
            return new org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy(dataSource);
        }

        @Bean
        @org.springframework.context.annotation.Primary
        PlatformTransactionManager transactionManager(org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy lazy) {
            return new org.springframework.jdbc.support.JdbcTransactionManager(lazy);
        }

        @Bean
        PlatformTransactionManager otherTransactionManager() {
            return new org.springframework.jdbc.support.JdbcTransactionManager(
                new org.springframework.jdbc.datasource.DriverManagerDataSource("jdbc:h2:mem:other-resource"));
        }

        @Bean
        @org.springframework.context.annotation.Primary
        JdbcTemplate jdbcTemplate(org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy lazy) {
            return new JdbcTemplate(lazy);
        }
    }

    @Test
    void aTransactionManagerOnAWrapperOfTheDataSourceIsJoined() {
        app(TransactionManagerOnAWrapper.class).run(context -> assertJoins(new Parts(context), "w"));
    }

    // ---- refuse a transaction manager that does not manage txmsg's DataSource (issue #10, finding 3)

    @Configuration
    static class TransactionManagerOfAnotherDataSource {
        @Bean
        PlatformTransactionManager transactionManager() {
            return new org.springframework.jdbc.support.JdbcTransactionManager(
                new org.springframework.jdbc.datasource.DriverManagerDataSource("jdbc:h2:mem:elsewhere"));
        }
    }

    @Test
    void aTransactionManagerOfAnotherDataSourceFailsStartUp() {
        app().withUserConfiguration(TransactionManagerOfAnotherDataSource.class).run(context -> assertThat(context).hasFailed()
            .getFailure().rootCause().hasMessageContaining("not txmsg's DataSource").hasMessageContaining("commit on its own"));
    }

    /** The rows the send wrote for {@code txId} that are still there: its log row, or its outbox row (deleted once published). */
    private long logRows(String txId) {
        return db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE tx_id = '" + txId + "'")
            + (outboxMode() ? db.queryLong("SELECT COUNT(*) FROM txmsg_outbox WHERE tx_id = '" + txId + "'") : 0);
    }

    private void assertNeverDelivered(String txId) {
        await().during(neverWindow()).atMost(neverWindow().plusSeconds(5)).until(() -> consumer.count(txId) == 0);
    }

    private static final class Parts {
        final TransactionalSender sender;
        final io.micrometer.core.instrument.MeterRegistry meters;
        final JdbcTemplate jdbc;
        final OrderMapper orders;
        final TransactionTemplate tx;

        Parts(AssertableApplicationContext context) {
            assertThat(context).hasNotFailed();
            this.sender = context.getBean(TransactionalSender.class);
            this.meters = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            this.jdbc = context.getBean(JdbcTemplate.class);
            this.orders = context.getBean(OrderMapper.class);
            this.tx = context.getBean(TransactionTemplate.class);
        }

        /** A template that opens a nested scope (a savepoint) inside the current transaction. */
        TransactionTemplate nested() {
            TransactionTemplate nested = new TransactionTemplate(tx.getTransactionManager());
            nested.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_NESTED);
            return nested;
        }
    }

    record Created(String orderId) {
    }
}
