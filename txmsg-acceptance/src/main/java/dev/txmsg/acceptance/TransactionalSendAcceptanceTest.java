package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.LogRowNotWrittenException;
import dev.txmsg.api.TransactionNotStartedException;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionOutcomeUnknownException;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.support.FaultyDataSource.CommitFault;
import dev.txmsg.acceptance.support.RecordingCheckListener;
import dev.txmsg.acceptance.support.SendRequests;

/**
 * The guarantees of the core send path (issues #2 and #3), on a real in-process broker and a real
 * database; each database runs it by subclassing with its own {@code @BeforeAll}.
 */
public abstract class TransactionalSendAcceptanceTest extends SendFixture {

    // ---- 1

    @Test
    void committedSendIsDeliveredOnceAndLogged() {
        SenderUnderTest sender = sender(new AtomicReference<>());

        SendReceipt result = sender.send(order("o-1"), this::insertOrder, "o-1");

        assertThat(result.state()).isEqualTo(TransactionState.COMMITTED);
        assertThat(result.transactionId()).isEqualTo(result.messageId());
        assertThat(orderExists("o-1")).isTrue();
        assertThat(logState(result.transactionId())).isEqualTo("COMMITTED");
        await().atMost(PATIENCE).until(() -> consumer.count(result.transactionId()) == 1);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
            .until(() -> consumer.count(result.transactionId()) == 1);
    }

    // ---- 2

    @Test
    void executorExceptionRollsBackEverythingAndReachesTheCallerUnchanged() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        IllegalStateException boom = new IllegalStateException("business rule violated");
        AtomicReference<String> txId = new AtomicReference<>();

        Throwable thrown = catchThrowable(() -> sender.send(order("o-2"), (ctx, id) -> {
            txId.set(ctx.transactionId());
            insertOrder(ctx, id);
            throw boom;
        }, "o-2"));

        assertThat(thrown).isSameAs(boom);
        assertThat(orderExists("o-2")).isFalse();
        assertThat(logState(txId.get())).isNull();
        assertNeverDelivered(txId.get());
    }

    @Test
    void anExecutorThatCatchesADatabaseErrorSendsOnlyIfTheDatabaseKeepsItsWork() {
        // MySQL, MariaDB and H2 undo the failed statement and go on; PostgreSQL aborts the whole
        // transaction, and its COMMIT would roll back without an error: the message must follow
        // what the database really did.
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<String> txId = new AtomicReference<>();

        Throwable thrown = catchThrowable(() -> sender.send(order("o-caught"), (ctx, id) -> {
            txId.set(ctx.transactionId());
            insertOrder(ctx, id);
            try {
                insertOrder(ctx, id);
            } catch (java.sql.SQLException duplicate) {
                // the executor goes on, as if the error did not matter
            }
        }, "o-caught"));

        if (db.kind().equals("postgresql")) {
            assertThat(thrown).isInstanceOf(dev.txmsg.api.TransactionRollbackOnlyException.class);
            assertThat(orderExists("o-caught")).isFalse();
            await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5)).until(() -> consumer.count(txId.get()) == 0);
        } else {
            assertThat(thrown).isNull();
            assertThat(orderExists("o-caught")).isTrue();
            await().atMost(PATIENCE).until(() -> consumer.count(txId.get()) == 1);
        }
    }

    @Test
    void checkedExceptionOfTheExecutorIsWrappedWithItAsCause() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        Exception checked = new java.io.IOException("remote check failed");

        Throwable thrown = catchThrowable(() -> sender.send(order("o-2b"), (ctx, id) -> {
            insertOrder(ctx, id);
            throw checked;
        }, "o-2b"));

        assertThat(thrown).isInstanceOf(dev.txmsg.api.LocalTransactionException.class).hasCause(checked);
        assertThat(orderExists("o-2b")).isFalse();
    }

    @Test
    void aLocalTransactionThatCannotBeginFailsWithNothingWrittenOrDelivered() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicBoolean executed = new AtomicBoolean();
        faults.down(true);

        Throwable thrown;
        try {
            thrown = catchThrowable(() -> sender.send(order("o-2c"), (ctx, id) -> executed.set(true), "o-2c"));
        } finally {
            faults.down(false);
        }

        assertThat(thrown).isInstanceOf(TransactionNotStartedException.class);
        String txId = ((TransactionNotStartedException) thrown).transactionId();
        assertThat(executed).as("the executor ran").isFalse();
        assertThat(logState(txId)).isNull();
        assertNeverDelivered(txId);
    }

    @Test
    void aLogRowThatCannotBeWrittenFailsTheSendBeforeTheExecutorRuns() {
        AtomicBoolean executed = new AtomicBoolean();
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults,
            spec -> spec.withLog(new LogWithoutTable(harness().transactionLog(faults, Duration.ofSeconds(5)))));

        Throwable thrown = catchThrowable(() -> sender.send(order("o-2d"), (ctx, id) -> {
            executed.set(true);
            insertOrder(ctx, id);
        }, "o-2d"));

        assertThat(thrown).isInstanceOf(LogRowNotWrittenException.class).hasRootCauseMessage("injected: the log table is missing");
        String txId = ((LogRowNotWrittenException) thrown).transactionId();
        assertThat(executed).as("the executor ran").isFalse();
        assertThat(orderExists("o-2d")).isFalse();
        assertNeverDelivered(txId);
    }

    /** A real log whose appends fail as they would if its table had been dropped. */
    private record LogWithoutTable(TransactionLog real) implements TransactionLog {
        @Override
        public String identity() {
            return real.identity();
        }

        @Override
        public void append(java.sql.Connection connection, String transactionId, String topic) throws java.sql.SQLException {
            throw new java.sql.SQLSyntaxErrorException("injected: the log table is missing", "42S02");
        }

        @Override
        public java.util.Optional<TransactionState> find(String transactionId) throws java.sql.SQLException {
            return real.find(transactionId);
        }

        @Override
        public java.util.Set<String> written(java.sql.Connection connection, java.util.Collection<String> transactionIds)
            throws java.sql.SQLException {
            return real.written(connection, transactionIds);
        }

        @Override
        public boolean fence(String transactionId, String topic) throws java.sql.SQLException {
            return real.fence(transactionId, topic);
        }

        @Override
        public int purge(Duration age, int limit) throws java.sql.SQLException {
            return real.purge(age, limit);
        }
    }

    // ---- 3

    @Test
    void unknownCommitOutcomeIsResolvedByTheCheckBackToWhatTheDatabaseHolds() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);

        String committed = sendExpectingUnknown(sender, "o-3a", CommitFault.COMMIT_THEN_THROW);
        String rolledBack = sendExpectingUnknown(sender, "o-3b", CommitFault.THROW_WITHOUT_COMMIT);

        await().atMost(PATIENCE).until(() -> consumer.count(committed) >= 1);
        assertThat(checks.get().answered(committed, TransactionState.COMMITTED)).isTrue();
        assertThat(orderExists("o-3a")).isTrue();

        await().atMost(PATIENCE).until(() -> checks.get().answered(rolledBack, TransactionState.ROLLED_BACK));
        assertThat(orderExists("o-3b")).isFalse();
        assertThat(logState(rolledBack)).as("the check-back's fence").isEqualTo("ROLLED_BACK");
        assertNeverDelivered(rolledBack);
    }

    // ---- 4

    @Test
    void checkBackAfterProducerDeathDeliversWhatTheDatabaseCommitted() {
        SenderUnderTest dying = sender(new AtomicReference<>());
        ends.dropAll();
        String committed = dying.send(order("o-4a"), this::insertOrder, "o-4a").transactionId();
        AtomicReference<String> rolledBack = new AtomicReference<>();
        catchThrowable(() -> dying.send(order("o-4b"), (ctx, id) -> {
            rolledBack.set(ctx.transactionId());
            insertOrder(ctx, id);
            throw new IllegalStateException("rolled back");
        }, "o-4b"));
        dying.close();

        // A new producer of the group that sends nothing: its declared topics route the check-backs to it.
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        sender(checks, new EndDropper());

        await().atMost(PATIENCE).until(() -> consumer.count(committed) >= 1);
        assertThat(checks.get().answered(committed, TransactionState.COMMITTED)).isTrue();
        await().atMost(PATIENCE).until(() -> checks.get().answered(rolledBack.get(), TransactionState.ROLLED_BACK));
        assertNeverDelivered(rolledBack.get());
    }

    // ---- 7

    @Test
    void threeExecutorsThroughOneProducerAreEachResolvedOnCheckBack() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);
        ends.dropAll();

        LocalTransactionExecutor<String> placeOrder = this::insertOrder;
        LocalTransactionExecutor<String> recordPayment = (ctx, paymentId) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO payments (id) VALUES (?)")) {
                ps.setString(1, paymentId);
                ps.executeUpdate();
            }
            throw new IllegalArgumentException("card declined");
        };
        LocalTransactionExecutor<Integer> audit = (ctx, n) -> {
            try (PreparedStatement ps = ctx.connection().prepareStatement("INSERT INTO audit (id) VALUES (?)")) {
                ps.setInt(1, n);
                ps.executeUpdate();
            }
        };

        String ordered = sender.send(order("o-7"), placeOrder, "o-7").transactionId();
        AtomicReference<String> paid = new AtomicReference<>();
        catchThrowable(() -> sender.send(order("p-7"), (ctx, id) -> {
            paid.set(ctx.transactionId());
            recordPayment.execute(ctx, id);
        }, "p-7"));
        String audited = sender.send(order("a-7"), audit, 7).transactionId();

        await().atMost(PATIENCE).until(() -> consumer.count(ordered) >= 1 && consumer.count(audited) >= 1);
        await().atMost(PATIENCE).until(() -> checks.get().answered(paid.get(), TransactionState.ROLLED_BACK));
        assertThat(checks.get().answers(ordered)).contains(TransactionState.COMMITTED);
        assertThat(checks.get().answers(audited)).contains(TransactionState.COMMITTED);
        assertThat(db.queryLong("SELECT COUNT(*) FROM payments")).isZero();
        assertNeverDelivered(paid.get());
    }

    // ---- 8

    @Test
    void aThousandSendsWithCrashesAndFailuresDeliverExactlyTheCommittedSet() throws Exception {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);
        Set<String> committed = ConcurrentHashMap.newKeySet();
        Set<String> notCommitted = ConcurrentHashMap.newKeySet();
        AtomicInteger unexpected = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String orderId = "m-" + i;
            futures.add(threads.submit(() -> sendOneOfTheMix(sender, orderId, committed, notCommitted, unexpected)));
        }
        for (Future<?> f : futures) {
            f.get(2, TimeUnit.MINUTES);
        }
        threads.shutdown();

        assertThat(unexpected.get()).as("sends that failed in an unexpected way").isZero();
        assertThat(committed.size() + notCommitted.size()).isEqualTo(1000);
        await().atMost(Duration.ofMinutes(2)).until(() -> consumer.delivered().containsAll(committed));
        await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5))
            .until(() -> consumer.delivered().equals(committed));
        assertThat(db.queryLong("SELECT COUNT(*) FROM orders WHERE id LIKE 'm-%'")).isEqualTo(committed.size());
    }

    private void sendOneOfTheMix(SenderUnderTest sender, String orderId, Set<String> committed,
                                 Set<String> notCommitted, AtomicInteger unexpected) {
        int kind = ThreadLocalRandom.current().nextInt(5);
        AtomicReference<String> txId = new AtomicReference<>();
        try {
            sender.send(order(orderId), (ctx, id) -> {
                txId.set(ctx.transactionId());
                insertOrder(ctx, id);
                switch (kind) {
                    case 1 -> throw new IllegalStateException("business failure");
                    case 2 -> faults.failNextCommitOnThisThread(CommitFault.COMMIT_THEN_THROW);
                    case 3 -> faults.failNextCommitOnThisThread(CommitFault.THROW_WITHOUT_COMMIT);
                    case 4 -> ends.drop(ctx.transactionId()); // the process "dies" before its end
                    default -> { }
                }
            }, orderId);
            if (kind == 0 || kind == 4) {
                committed.add(txId.get());
            } else {
                unexpected.incrementAndGet();
            }
        } catch (IllegalStateException e) {
            if (kind == 1) {
                notCommitted.add(txId.get());
            } else {
                unexpected.incrementAndGet();
            }
        } catch (TransactionOutcomeUnknownException e) {
            if (kind == 2) {
                committed.add(txId.get());
            } else if (kind == 3) {
                notCommitted.add(txId.get());
            } else {
                unexpected.incrementAndGet();
            }
        } catch (RuntimeException e) {
            unexpected.incrementAndGet();
        }
    }

    // ---- issue #3: metrics, the check-back pool's threads, retention horizon

    @Test
    void metricsCountAKnownSequenceOfSends() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);
        sender.send(order("k-1"), this::insertOrder, "k-1");
        sender.send(order("k-2"), this::insertOrder, "k-2");
        catchThrowable(() -> sender.send(order("k-3"), (ctx, id) -> {
            throw new IllegalStateException("no");
        }, "k-3"));
        String unknown = sendExpectingUnknown(sender, "k-4", CommitFault.COMMIT_THEN_THROW);
        await().atMost(PATIENCE).until(() -> checks.get().answered(unknown, TransactionState.COMMITTED));

        io.micrometer.core.instrument.MeterRegistry registry = sender.meters();
        assertThat(registry.counter("txmsg.send", "group", group, "outcome", "committed").count()).isEqualTo(2);
        assertThat(registry.counter("txmsg.send", "group", group, "outcome", "rolled_back").count()).isEqualTo(1);
        assertThat(registry.counter("txmsg.send", "group", group, "outcome", "unknown").count()).isEqualTo(1);
        assertThat(registry.find("txmsg.send.latency").timers().stream().mapToLong(t -> t.count()).sum()).isEqualTo(4);
        assertThat(registry.counter("txmsg.checkback", "group", group, "answer", "commit").count()).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("txmsg.send.in.flight").gauge().value()).isZero();
        assertThat(registry.counter("txmsg.checkback.fenced", "group", group).count()).isZero();
    }

    // ---- 9

    @Test
    void badInputIsRefusedBeforeAnythingIsWrittenOrSent() {
        AtomicInteger sends = new AtomicInteger();
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults,
            spec -> spec.withMaxMessageSize(1024).withHook(new SendRequests(sends)));
        AtomicInteger executed = new AtomicInteger();
        LocalTransactionExecutor<Void> executor = (ctx, arg) -> executed.incrementAndGet();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TxMessage.builder(" ").body(body).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic must not be blank");
        assertThatThrownBy(() -> TxMessage.builder(topic).body(new byte[0]).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty body");
        assertThatThrownBy(() -> TxMessage.builder(topic).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no body");
        assertRefused(sender, TxMessage.builder("orders events").body(body).build(), executor, "invalid topic 'orders events'");
        assertRefused(sender, TxMessage.builder("RMQ_SYS_TRANS_HALF_TOPIC").body(body).build(), executor, "system topic");
        assertRefused(sender, TxMessage.builder(topic).body(new byte[1025]).build(), executor,
            "is 1025 bytes, over the maximum of 1024 bytes");
        assertRefused(sender, TxMessage.builder(topic).body(body).property("DELAY", "3").build(), executor, "cannot be delayed");
        assertRefused(sender, TxMessage.builder(topic).body(body).property("TIMER_DELIVER_MS", "1").build(), executor,
            "cannot be delayed");
        assertRefused(sender, TxMessage.builder(topic).body(body).property("UNIQ_KEY", "x").build(), executor, "reserved");
        assertRefused(sender, TxMessage.builder(topic).body(body).key("two words").build(), executor, "must not be blank or contain whitespace");
        assertRefused(sender, TxMessage.builder(topic).tag("a||b").body(body).build(), executor, "invalid tag");
        assertRefused(sender, TxMessage.builder(topic).tag("t".repeat(256)).body(body).build(), executor,
            "has 256 characters, over the maximum of 255");
        assertRefused(sender, TxMessage.builder(topic).keys("k".repeat(600), "k".repeat(600)).body(body).build(), executor,
            "over the maximum of 1024");
        assertRefused(sender, TxMessage.builder(topic).body(body).property("TXMSG_TRACE", "x").build(), executor, "reserved");
        assertThatThrownBy(() -> sender.send(TxMessage.builder(topic).body(body).build(), null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");

        assertThat(executed.get()).as("executor runs").isZero();
        assertThat(sends.get()).as("messages sent").isZero();
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE topic = '" + topic + "'")).as("log rows").isZero();
    }

    private static void assertRefused(SenderUnderTest sender, TxMessage message, LocalTransactionExecutor<Void> executor,
                                      String expected) {
        assertThatThrownBy(() -> sender.send(message, executor))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
    }
}
