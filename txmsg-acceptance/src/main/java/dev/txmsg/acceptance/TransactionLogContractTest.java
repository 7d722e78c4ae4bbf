package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.txmsg.api.FencedByCheckBackException;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.LogEntry;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.acceptance.database.TestDatabase;

/**
 * The contract of {@link TransactionLog}, for anyone who writes one: the fencing that makes a
 * check-back's answer and the local transaction agree, read-committed lookups, identity, and
 * retention. No broker is involved; the log is driven the way txmsg drives it.
 *
 * <p>Subclass it once per database, start it from a {@code @BeforeAll} and supply the log:
 *
 * <pre>{@code
 * class MyLogOnPostgresTest extends TransactionLogContractTest {
 *     @BeforeAll static void database() { start(myTestDatabase()); }
 *     @Override protected TransactionLog newLog(DataSource ds, Duration lockWait) { return new MyLog(ds, lockWait); }
 * }
 * }</pre>
 */
public abstract class TransactionLogContractTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String TOPIC = "orders";

    static TestDatabase db;

    private final List<Connection> open = new ArrayList<>();
    private ExecutorService other;
    private TransactionLog log;

    /** Called by a subclass's {@code @BeforeAll}: the database under test (closed after the class). */
    protected static void start(TestDatabase database) {
        db = database;
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    /**
     * A log on {@code dataSource} (its tables created), whose {@link TransactionLog#fence fence}
     * waits at most {@code lockWait} for a transaction that holds the row. Called more than once per
     * test: two logs on one database are two instances of one service.
     */
    protected abstract TransactionLog newLog(DataSource dataSource, Duration lockWait);

    @BeforeEach
    void newLogAndThread() {
        log = newLog(db.dataSource(), Duration.ofSeconds(10));
        other = Executors.newCachedThreadPool();
    }

    @AfterEach
    void closeConnections() throws SQLException {
        other.shutdownNow();
        for (Connection c : open) {
            if (!c.isClosed()) {
                c.rollback();
                c.close();
            }
        }
        open.clear();
    }

    // ---- identity

    @Test
    void anIdentityIsSharedByTheInstancesOnOneDatabaseAndDiffersOnAnother() {
        assertThat(log.identity()).isNotBlank();
        assertThat(newLog(db.dataSource(), Duration.ofSeconds(1)).identity()).as("another instance, same database")
            .isEqualTo(log.identity());
        try (TestDatabase another = db.another()) {
            assertThat(newLog(another.dataSource(), Duration.ofSeconds(1)).identity()).as("another database")
                .isNotEqualTo(log.identity());
        }
    }

    // ---- append and find

    @Test
    void anAppendIsSeenOnlyOnceItsTransactionCommits() throws Exception {
        String tx = newTx();
        Connection local = begin();
        log.append(local, tx, TOPIC);

        assertThat(log.find(tx)).as("while the local transaction runs: never an uncommitted read").isEmpty();
        local.commit();
        assertThat(log.find(tx)).contains(TransactionState.COMMITTED);
    }

    @Test
    void anAppendRolledBackLeavesNoRow() throws Exception {
        String tx = newTx();
        Connection local = begin();
        log.append(local, tx, TOPIC);
        local.rollback();

        assertThat(log.find(tx)).isEmpty();
    }

    @Test
    void severalRowsAppendedInOneTransactionAreSeenTogetherOnceItCommits() throws Exception {
        List<String> txs = List.of(newTx(), newTx(), newTx());
        Connection local = begin();
        log.append(local, txs.stream().map(tx -> new LogEntry(tx, TOPIC)).toList());

        for (String tx : txs) {
            assertThat(log.find(tx)).as("uncommitted " + tx).isEmpty();
        }
        local.commit();
        for (String tx : txs) {
            assertThat(log.find(tx)).as(tx).contains(TransactionState.COMMITTED);
        }
    }

    @Test
    void aBatchWithOneFencedRowFailsWithFencedByCheckBackAndItsRollbackLeavesNoneOfTheOthers() throws Exception {
        List<String> txs = List.of(newTx(), newTx(), newTx());
        assertThat(log.fence(txs.get(1), TOPIC)).isTrue();

        Connection local = begin();
        assertThatThrownBy(() -> log.append(local, txs.stream().map(tx -> new LogEntry(tx, TOPIC)).toList()))
            .isInstanceOf(FencedByCheckBackException.class);
        local.rollback();

        assertThat(log.find(txs.get(0))).isEmpty();
        assertThat(log.find(txs.get(1))).contains(TransactionState.ROLLED_BACK);
        assertThat(log.find(txs.get(2))).isEmpty();
    }

    @Test
    void writtenSeesTheTransactionsOwnRowsAndLosesThoseASavepointUndid() throws Exception {
        List<String> txs = List.of(newTx(), newTx(), newTx());
        Connection local = begin();
        log.append(local, List.of(new LogEntry(txs.get(0), TOPIC)));
        java.sql.Savepoint savepoint = local.setSavepoint();
        log.append(local, txs.get(1), TOPIC);

        assertThat(log.written(local, txs)).as("before the rollback to the savepoint").containsExactlyInAnyOrder(txs.get(0), txs.get(1));
        local.rollback(savepoint);
        assertThat(log.written(local, txs)).as("after it").containsExactly(txs.get(0));
        assertThat(log.written(local, List.of())).isEmpty();
        local.rollback();
        assertThat(log.written(local, txs)).as("after the whole rollback").isEmpty();
    }

    @Test
    void aTransactionNeverSeenIsNotFound() throws Exception {
        assertThat(log.find(newTx())).isEmpty();
    }

    // ---- fence

    @Test
    void aFenceWritesRolledBackOnceAndThenReportsTheRowExists() throws Exception {
        String tx = newTx();

        assertThat(log.fence(tx, TOPIC)).as("first fence").isTrue();
        assertThat(log.fence(tx, TOPIC)).as("second fence").isFalse();
        assertThat(log.find(tx)).contains(TransactionState.ROLLED_BACK);
    }

    @Test
    void aFenceOnACommittedTransactionChangesNothing() throws Exception {
        String tx = committed();

        assertThat(log.fence(tx, TOPIC)).isFalse();
        assertThat(log.find(tx)).contains(TransactionState.COMMITTED);
    }

    @Test
    void anAppendAfterAFenceFailsWithFencedByCheckBack() throws Exception {
        String tx = newTx();
        assertThat(log.fence(tx, TOPIC)).isTrue();

        Connection local = begin();
        assertThatThrownBy(() -> log.append(local, tx, TOPIC)).isInstanceOf(FencedByCheckBackException.class);
        local.rollback();
        assertThat(log.find(tx)).contains(TransactionState.ROLLED_BACK);
    }

    @Test
    void aFenceWaitsForTheRunningTransactionAndLosesToItsCommit() throws Exception {
        String tx = newTx();
        Connection local = begin();
        log.append(local, tx, TOPIC);

        Future<Boolean> fence = other.submit(() -> newLog(db.dataSource(), Duration.ofSeconds(20)).fence(tx, TOPIC));
        await().atMost(PATIENCE).until(() -> db.waitsOn(local) > 0);
        assertThat(fence).as("waiting on the local transaction's row").isNotDone();
        local.commit();

        assertThat(fence.get()).as("the fence found the committed row").isFalse();
        assertThat(log.find(tx)).contains(TransactionState.COMMITTED);
    }

    @Test
    void aFenceWaitsForTheRunningTransactionAndWinsAfterItsRollback() throws Exception {
        String tx = newTx();
        Connection local = begin();
        log.append(local, tx, TOPIC);

        Future<Boolean> fence = other.submit(() -> newLog(db.dataSource(), Duration.ofSeconds(20)).fence(tx, TOPIC));
        await().atMost(PATIENCE).until(() -> db.waitsOn(local) > 0);
        local.rollback();

        assertThat(fence.get()).as("the fence wrote the row").isTrue();
        assertThat(log.find(tx)).contains(TransactionState.ROLLED_BACK);
    }

    @Test
    void aFenceThatWaitsLongerThanItsLockWaitFailsAndWritesNothing() throws Exception {
        String tx = newTx();
        Connection local = begin();
        log.append(local, tx, TOPIC);

        TransactionLog impatient = newLog(db.dataSource(), Duration.ofSeconds(1));
        assertThatThrownBy(() -> impatient.fence(tx, TOPIC)).as("neither fenced nor found: unknown")
            .isInstanceOf(SQLException.class);
        local.commit();
        assertThat(log.find(tx)).contains(TransactionState.COMMITTED);
    }

    @Test
    void ofConcurrentFencesExactlyOneWins() throws Exception {
        for (int round = 0; round < 5; round++) {
            String tx = newTx();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> fences = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                TransactionLog instance = newLog(db.dataSource(), Duration.ofSeconds(20));
                fences.add(other.submit(awaiting(go, () -> instance.fence(tx, TOPIC))));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : fences) {
                won += f.get() ? 1 : 0;
            }
            assertThat(won).as("fences of round " + round + " that wrote the row").isEqualTo(1);
            assertThat(log.find(tx)).contains(TransactionState.ROLLED_BACK);
        }
    }

    // ---- retention

    @Test
    void aPurgeDeletesRowsOlderThanTheAgeOldestFirstUpToTheLimit() throws Exception {
        log.purge(Duration.ZERO, Integer.MAX_VALUE);
        String first = committed();
        awaitDatabaseClockTick();
        String second = committed();
        awaitDatabaseClockTick();
        String third = committed();
        awaitDatabaseClockTick();

        assertThat(log.purge(Duration.ofHours(1), 100)).as("rows younger than the age").isZero();
        assertThat(log.purge(Duration.ZERO, 2)).as("the limit").isEqualTo(2);
        assertThat(log.find(first)).as("oldest").isEmpty();
        assertThat(log.find(second)).isEmpty();
        assertThat(log.find(third)).contains(TransactionState.COMMITTED);
        assertThat(log.size()).as("rows left, or -1 if the log cannot count").isIn(1L, -1L);
    }

    @Test
    void instancesPurgingAtOnceDeleteEachRowOnce() throws Exception {
        log.purge(Duration.ZERO, Integer.MAX_VALUE);
        for (int i = 0; i < 60; i++) {
            log.fence(newTx(), TOPIC);
        }
        awaitDatabaseClockTick();
        List<TransactionLog> instances = List.of(log, newLog(db.dataSource(), Duration.ofSeconds(10)),
            newLog(db.dataSource(), Duration.ofSeconds(10)));

        int purged = 0;
        for (int round = 0; round < 10; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> runs = new ArrayList<>();
            for (TransactionLog instance : instances) {
                runs.add(other.submit(awaiting(go, () -> instance.purge(Duration.ZERO, 7))));
            }
            go.countDown();
            for (Future<Integer> run : runs) {
                int deleted = run.get();
                assertThat(deleted).as("one run's limit").isBetween(0, 7);
                purged += deleted;
            }
        }
        assertThat(purged).as("rows deleted, as the instances counted them").isEqualTo(60);
        assertThat(log.size()).isIn(0L, -1L);
    }

    // ---- the reconciliation's reading

    @Test
    void committedRowsAreListedByAgeInPagesWithoutTheRolledBackOnesOrTheLogSaysItCannot() throws Exception {
        log.purge(Duration.ZERO, Integer.MAX_VALUE);
        List<String> ok = List.of(committed(), committed(), committed());
        log.fence(newTx(), TOPIC);
        awaitDatabaseClockTick();
        List<LogEntry> all;
        try {
            all = log.committed(Duration.ZERO, Duration.ofHours(1), "", 10);
        } catch (UnsupportedOperationException e) {
            return; // a log may leave it out: the reconciliation then cannot run on it, and says so
        }
        assertThat(all).extracting(LogEntry::transactionId).as("committed rows, not the fenced one").containsExactlyInAnyOrderElementsOf(ok);
        assertThat(all).extracting(LogEntry::topic).containsOnly(TOPIC);

        List<LogEntry> first = log.committed(Duration.ZERO, Duration.ofHours(1), "", 2);
        List<LogEntry> rest = log.committed(Duration.ZERO, Duration.ofHours(1), first.get(first.size() - 1).transactionId(), 2);
        assertThat(first).hasSize(2);
        assertThat(rest).as("the page after the first").hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(log.committed(Duration.ofHours(1), Duration.ofHours(2), "", 10)).as("rows younger than the band").isEmpty();
    }

    @Test
    void sizeCountsTheRowsOrSaysItCannot() throws Exception {
        log.purge(Duration.ZERO, Integer.MAX_VALUE);
        committed();
        log.fence(newTx(), TOPIC);
        assertThat(log.size()).isIn(2L, -1L);
    }

    // ---- helpers

    private Connection begin() throws SQLException {
        Connection c = db.dataSource().getConnection();
        open.add(c);
        c.setAutoCommit(false);
        return c;
    }

    private String committed() throws SQLException {
        String tx = newTx();
        Connection local = begin();
        log.append(local, tx, TOPIC);
        local.commit();
        return tx;
    }

    private void awaitDatabaseClockTick() {
        Instant now = db.now();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(1)).until(() -> db.now().isAfter(now));
    }

    private static <T> Callable<T> awaiting(CountDownLatch go, Callable<T> task) {
        return () -> {
            go.await();
            return task.call();
        };
    }

    private static String newTx() {
        return "tx-" + UUID.randomUUID();
    }
}
