package dev.txmsg.rocketmq.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.jdbc.CheckWindow;
import dev.txmsg.rocketmq.jdbc.PurgeJob;

/** Retention (issue #3): old rows go, in batches, from several instances at once; young rows stay. */
abstract class LogRetentionAcceptanceTest {

    private static final CheckWindow WINDOW = CheckWindow.ROCKETMQ_DEFAULTS; // 6 s + 15 x 30 s

    private TestDatabase db;
    private MyBatisTransactionLog log;

    abstract TestDatabase createDatabase();

    abstract String daysAgo(int days);

    @BeforeEach
    void openLog() {
        db = createDatabase();
        log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void twoInstancesPurgeOnlyRowsOlderThanTheRetention() throws Exception {
        for (int i = 0; i < 120; i++) {
            insert("old-" + i, "COMMITTED", daysAgo(3));
        }
        for (int i = 0; i < 30; i++) {
            insert("young-" + i, "ROLLED_BACK", daysAgo(0));
        }
        TxMsgMetrics metricsA = TxMsgMetrics.standalone("a");
        TxMsgMetrics metricsB = TxMsgMetrics.standalone("b");
        PurgeJob a = logPurge(Duration.ofDays(2), metricsA);
        PurgeJob b = logPurge(Duration.ofDays(2), metricsB);

        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            runs.add(two.submit((Callable<Integer>) a::runOnce));
            runs.add(two.submit((Callable<Integer>) b::runOnce));
        }
        int purged = 0;
        for (Future<Integer> run : runs) {
            purged += run.get();
        }
        two.shutdown();

        assertThat(purged).isEqualTo(120);
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE tx_id LIKE 'old-%'")).isZero();
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE tx_id LIKE 'young-%'")).isEqualTo(30);
        double counted = metricsA.registry().counter("txmsg.log.purged", "group", "a").count()
            + metricsB.registry().counter("txmsg.log.purged", "group", "b").count();
        assertThat(counted).isEqualTo(120);
        assertThat(a.runOnce()).as("a later run finds nothing more").isZero();
        assertThat(metricsA.registry().get("txmsg.log.rows").gauge().value()).as("rows as last counted").isEqualTo(30);
    }

    @Test
    void theConsumeLogIsPurgedLikeTheTransactionLog() throws Exception {
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        for (int i = 0; i < 25; i++) {
            db.execute("INSERT INTO txmsg_consume_log (consumer_group, message_key, topic, consumed_at) VALUES ('g', 'old-" + i
                + "', 'T', " + daysAgo(9) + ")");
        }
        db.execute("INSERT INTO txmsg_consume_log (consumer_group, message_key, topic) VALUES ('g', 'young', 'T')");
        java.util.concurrent.atomic.AtomicInteger purged = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
        PurgeJob retention = new PurgeJob("consume-log", store.consumeLog(), Duration.ofDays(7), WINDOW, Duration.ofMinutes(1), 10,
            purged::addAndGet, rows::set);

        assertThat(retention.runOnce()).isEqualTo(25);
        assertThat(rows.get()).isEqualTo(1);
        assertThat(store.isConsumed("g", "T", "young")).isTrue();
        assertThat(store.isConsumed("g", "T", "old-0")).isFalse();
    }

    @Test
    void aRetentionWithinTheBrokersCheckWindowIsRefused() {
        assertThatThrownBy(() -> logPurge(Duration.ofMinutes(10), TxMsgMetrics.standalone("x")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("PT10M").hasMessageContaining("twice the broker's check window, PT15M12S (PT7M36S");
    }

    private PurgeJob logPurge(Duration retention, TxMsgMetrics metrics) {
        return new PurgeJob("transaction-log", PurgeJob.of(log), retention, WINDOW, Duration.ofMinutes(1), 7, metrics::purged, metrics::logRows);
    }

    private void insert(String txId, String state, String createdAt) {
        db.execute("INSERT INTO txmsg_tx_log (tx_id, state, topic, created_at) VALUES ('" + txId + "', '" + state
            + "', 'T', " + createdAt + ")");
    }
}
