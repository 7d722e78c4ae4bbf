package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.txmsg.api.FencedByCheckBackException;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.CheckRequest;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.support.FaultyDataSource;
import dev.txmsg.acceptance.support.RecordingCheckListener;
import dev.txmsg.acceptance.database.TestDatabase;

/**
 * Check-backs (issues #2 and #3): decided from the transaction log, never guessed — during and
 * before the local transaction, with the database down, for another log's message, beyond the
 * retention — and answered on their own pool.
 */
public abstract class CheckBackAcceptanceTest extends SendFixture {

    // ---- 5

    @Test
    void checkBackDuringTheLocalTransactionWaitsForItsCommit() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<RecordingCheckListener> otherInstance = new AtomicReference<>();
        sender(otherInstance, new EndDropper()); // another instance of the service, on the same log
        ends.dropAll(); // without an end the broker checks back while the transaction still runs

        SendReceipt result = sender.send(order("o-5a"), (ctx, id) -> {
            insertOrder(ctx, id);
            awaitCheckBackBlockedOnTheRow(otherInstance.get(), ctx);
        }, "o-5a");

        await().atMost(PATIENCE).until(() -> consumer.count(result.transactionId()) >= 1);
        assertThat(otherInstance.get().answers(result.transactionId())).contains(TransactionState.COMMITTED)
            .doesNotContain(TransactionState.ROLLED_BACK);
    }

    @Test
    void checkBackDuringTheLocalTransactionWaitsForItsRollback() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<RecordingCheckListener> otherInstance = new AtomicReference<>();
        sender(otherInstance, new EndDropper());
        ends.dropAll();
        AtomicReference<String> txId = new AtomicReference<>();

        assertThatThrownBy(() -> sender.send(order("o-5b"), (ctx, id) -> {
            txId.set(ctx.transactionId());
            insertOrder(ctx, id);
            awaitCheckBackBlockedOnTheRow(otherInstance.get(), ctx);
            throw new IllegalStateException("rolled back while the check-back waits");
        }, "o-5b")).hasMessageContaining("while the check-back waits");

        await().atMost(PATIENCE).until(() -> otherInstance.get().answered(txId.get(), TransactionState.ROLLED_BACK));
        assertThat(otherInstance.get().answers(txId.get())).doesNotContain(TransactionState.COMMITTED);
        assertThat(orderExists("o-5b")).isFalse();
        assertNeverDelivered(txId.get());
    }

    @Test
    void checkBackForATransactionThatRunsInThisProcessAnswersAtOnceWithoutTheDatabase() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        // A lock wait longer than the test's patience: a check-back that waited on the row would never answer in time.
        SenderUnderTest sender = sender(checks, ends, faults,
            spec -> spec.withLog(harness().transactionLog(faults, Duration.ofMinutes(5))));
        ends.dropAll();

        java.util.concurrent.atomic.AtomicInteger connectionsOfCheckBacks = new java.util.concurrent.atomic.AtomicInteger(-1);
        SendReceipt result = sender.send(order("o-13"), (ctx, id) -> {
            insertOrder(ctx, id);
            await().atMost(PATIENCE).until(() -> checks.get().answered(ctx.transactionId(), TransactionState.UNKNOWN));
            connectionsOfCheckBacks.set(faults.connectionsTakenOnThreads("txmsg-checkback-"));
        }, "o-13");

        assertThat(connectionsOfCheckBacks.get()).as("connections taken by check-backs while it ran").isZero();
        assertThat(sender.meters().counter("txmsg.checkback.running", "group", group).count()).isPositive();
        await().atMost(PATIENCE).until(() -> consumer.count(result.transactionId()) >= 1);
    }

    @Test
    void checkBackFromAnotherInstanceBeforeTheLogRowFencesTheLateTransaction() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<RecordingCheckListener> otherInstance = new AtomicReference<>();
        sender(otherInstance, new EndDropper());
        ends.dropAll();
        // The sending thread's connection request stalls (a slow pool, a GC pause) until the broker has checked back.
        FaultyDataSource.Hold hold = faults.holdNextConnectionOn(Thread.currentThread());
        AtomicReference<String> txId = new AtomicReference<>();
        ExecutorService releaser = Executors.newSingleThreadExecutor();
        try {
            releaser.submit(() -> {
                await().atMost(PATIENCE).until(() -> otherInstance.get().anyAnswered(TransactionState.ROLLED_BACK));
                hold.release();
                return null;
            });

            Throwable thrown = catchThrowable(() -> sender.send(order("o-5c"), (ctx, id) -> {
                txId.set(ctx.transactionId());
                insertOrder(ctx, id);
            }, "o-5c"));

            assertThat(thrown).isInstanceOf(FencedByCheckBackException.class);
            String fenced = ((FencedByCheckBackException) thrown).transactionId();
            assertThat(txId.get()).as("the executor never ran").isNull();
            assertThat(orderExists("o-5c")).isFalse();
            assertThat(logState(fenced)).isEqualTo("ROLLED_BACK");
            assertThat(otherInstance.get().answers(fenced)).containsOnly(TransactionState.ROLLED_BACK);
            assertNeverDelivered(fenced);
        } finally {
            hold.release();
            releaser.shutdownNow();
        }
    }

    @Test
    void aCheckBackNeverReadsARunningTransactionsUncommittedRowWhateverThePoolsIsolation() throws Exception {
        SenderUnderTest sender = sender(new AtomicReference<>());
        // Another instance whose pool hands out READ UNCOMMITTED connections by default.
        javax.sql.DataSource readUncommitted = new org.springframework.jdbc.datasource.DelegatingDataSource(db.dataSource()) {
            @Override
            public java.sql.Connection getConnection() throws java.sql.SQLException {
                java.sql.Connection c = super.getConnection();
                c.setTransactionIsolation(java.sql.Connection.TRANSACTION_READ_UNCOMMITTED);
                return c;
            }
        };
        CheckListener other = harness().checkListener(readUncommitted, null, Duration.ZERO, java.time.Clock.systemUTC());
        ExecutorService checking = Executors.newSingleThreadExecutor();
        AtomicReference<java.util.concurrent.Future<TransactionState>> answer = new AtomicReference<>();
        try {
            Throwable thrown = catchThrowable(() -> sender.send(order("o-10"), (ctx, id) -> {
                insertOrder(ctx, id);
                answer.set(checking.submit(() -> other.check(request(ctx.transactionId(), java.time.Instant.now()))));
                // Either the check-back read the uncommitted row at once, or it waits on the row.
                await().atMost(PATIENCE).until(() -> answer.get().isDone() || db.waitsOn(ctx.connection()) > 0);
                throw new IllegalStateException("rolled back after all");
            }, "o-10"));

            assertThat(thrown).hasMessage("rolled back after all");
            assertThat(answer.get().get()).as("the check-back's answer").isEqualTo(TransactionState.ROLLED_BACK);
            assertThat(orderExists("o-10")).isFalse();
        } finally {
            checking.shutdownNow();
        }
    }

    @Test
    void aCheckBackOnAJvmWhoseClockIsBehindNeverFencesAMessageWhoseRowThePurgeMayHaveDeleted() throws Exception {
        // The purge (database clock) deletes rows older than one hour; this JVM's clock is ten minutes behind.
        java.time.Clock behind = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(-10));
        CheckListener check = harness().checkListener(db.dataSource(), Duration.ofHours(1), Duration.ofMinutes(15), behind);
        String txId = org.apache.rocketmq.common.message.MessageClientIDSetter.createUniqID();

        // Born 65 minutes ago by the database's clock: its committed row may be gone; to this JVM it looks 55 minutes old.
        TransactionState answer = check.check(request(txId, java.time.Instant.now().minus(Duration.ofMinutes(65))));

        assertThat(answer).isEqualTo(TransactionState.UNKNOWN);
        assertThat(logState(txId)).as("nothing fenced").isNull();
    }

    private CheckRequest request(String txId, java.time.Instant bornAt) {
        String identity = harness().transactionLog(db.dataSource(), Duration.ofSeconds(5)).identity();
        return new CheckRequest(txId, txId, topic, group, identity, bornAt, 0, java.util.Map.of());
    }

    /** The other instance's check-back for this transaction has begun and waits on the row this transaction holds. */
    private void awaitCheckBackBlockedOnTheRow(RecordingCheckListener checks, dev.txmsg.api.TransactionContext ctx) {
        await().atMost(PATIENCE).until(() -> checks.started(ctx.transactionId()));
        await().atMost(PATIENCE).until(() -> db.waitsOn(ctx.connection()) > 0);
    }

    // ---- 6

    @Test
    void checkBackWhileTheDatabaseIsDownAnswersUnknownAndResolvesOnceItIsBack() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);
        ends.dropAll();

        String txId = sender.send(order("o-6"), this::insertOrder, "o-6").transactionId();
        faults.down(true);
        await().atMost(PATIENCE).until(() -> checks.get().answered(txId, TransactionState.UNKNOWN));
        assertThat(consumer.count(txId)).isZero();

        faults.down(false);
        await().atMost(PATIENCE).until(() -> consumer.count(txId) >= 1);
        assertThat(checks.get().answers(txId)).doesNotContain(TransactionState.ROLLED_BACK).endsWith(TransactionState.COMMITTED);
    }

    @Test
    void checkBackForAnotherLogsMessageAnswersUnknownAndFencesNothing() {
        AtomicReference<RecordingCheckListener> ownChecks = new AtomicReference<>();
        SenderUnderTest own = sender(ownChecks);
        ends.dropAll();
        try (TestDatabase otherDb = db.another()) {
            // Another service (or environment) on another database, in the same group by mistake.
            AtomicReference<RecordingCheckListener> otherChecks = new AtomicReference<>();
            SenderUnderTest other = sender(otherChecks, new EndDropper(), otherDb.dataSource());

            String txId = own.send(order("o-6b"), this::insertOrder, "o-6b").transactionId();
            faults.down(true); // the right producer cannot answer yet: the broker asks around the group

            await().atMost(PATIENCE).until(() -> otherChecks.get().answered(txId, TransactionState.UNKNOWN));
            assertThat(other.meters().counter("txmsg.checkback.foreign", "group", group).count()).isPositive();
            assertThat(otherDb.queryLong("SELECT COUNT(*) FROM txmsg_tx_log")).as("nothing fenced in the other log").isZero();

            faults.down(false);
            await().atMost(PATIENCE).until(() -> consumer.count(txId) >= 1);
            assertThat(otherChecks.get().answers(txId)).containsOnly(TransactionState.UNKNOWN);
            other.close();
        }
    }

    @Test
    void checkBacksRunOnTheirOwnPoolNotOnTheClientsThreads() {
        AtomicReference<String> thread = new AtomicReference<>();
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults,
            spec -> spec.withDecorator(real -> request -> {
                thread.set(Thread.currentThread().getName());
                return real.check(request);
            }));
        ends.dropAll();

        String txId = sender.send(order("t-1"), this::insertOrder, "t-1").transactionId();

        await().atMost(PATIENCE).until(() -> consumer.count(txId) >= 1);
        assertThat(thread.get()).startsWith("txmsg-checkback-" + group);
    }

    @Test
    void checkBackForAMessageOlderThanTheRetentionAnswersUnknownAndFencesNothing() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        // A clock two hours ahead: to the check-back, the message looks older than the one-hour retention.
        java.time.Clock later = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(2));
        SenderUnderTest sender = sender(checks, ends, faults,
            spec -> spec.withRetention(Duration.ofHours(1), later));
        ends.dropAll();
        AtomicReference<String> txId = new AtomicReference<>();
        catchThrowable(() -> sender.send(order("h-1"), (ctx, id) -> {
            txId.set(ctx.transactionId());
            throw new IllegalStateException("rolled back, row-less");
        }, "h-1"));

        await().atMost(PATIENCE).until(() -> checks.get().answered(txId.get(), TransactionState.UNKNOWN));
        assertThat(sender.meters().counter("txmsg.checkback.beyond.retention", "group", group).count()).isPositive();
        assertThat(logState(txId.get())).as("no fence for a message beyond the horizon").isNull();
        assertThat(checks.get().answers(txId.get())).containsOnly(TransactionState.UNKNOWN);
    }
}
