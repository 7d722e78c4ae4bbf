package dev.txmsg.rocketmq.log;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;

/**
 * Purges transaction-log rows older than the retention, in small batches, on a schedule. Safe to
 * run from every instance at once: each batch is one short statement, and a batch that loses a
 * lock or deadlock to another instance is simply retried next time. Rows younger than the
 * retention are never touched, and the retention must exceed the broker's whole check window
 * (checked here), so that no row is purged while the broker may still ask about it.
 */
public final class LogRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
    private static final int MAX_BATCHES_PER_RUN = 100;

    private final String what;
    private final Target target;
    private final Duration retention;
    private final Duration interval;
    private final int batchSize;
    private final IntConsumer onPurged;
    private final LongConsumer onSize;
    private ScheduledExecutorService scheduler;

    /** What a retention job purges. */
    public interface Target {
        /** Runs once before each run's purges. */
        default void beforeRun() throws SQLException {
        }

        /** Deletes up to {@code limit} rows older than {@code age}; returns how many. */
        int purge(Duration age, int limit) throws SQLException;

        /** Counts the rows, or -1. */
        long size() throws SQLException;
    }

    /**
     * Purges the transaction log.
     *
     * @param log         the transaction log
     * @param retention   age beyond which rows are deleted
     * @param checkWindow the broker's whole check window (transaction timeout + check-max x check interval)
     * @param interval    time between runs
     * @param batchSize   rows per delete statement
     * @param metrics     where purged rows and the log's size are published
     * @throws IllegalArgumentException if the retention does not exceed twice the check window, or a value is not positive
     */
    public LogRetention(TransactionLog log, Duration retention, Duration checkWindow, Duration interval, int batchSize,
                        TxMsgMetrics metrics) {
        this("transaction-log", new Target() {
            @Override
            public int purge(Duration age, int limit) throws SQLException {
                return log.purge(age, limit);
            }

            @Override
            public long size() throws SQLException {
                return log.size();
            }
        }, retention, checkWindow, interval, batchSize, metrics::purged, metrics::logRows);
    }

    /**
     * Purges any table of txmsg's.
     *
     * @param what        what is purged, for log messages
     * @param target      the table
     * @param retention   age beyond which rows are deleted
     * @param checkWindow the broker's whole check window; the retention must be at least twice it
     * @param interval    time between runs
     * @param batchSize   rows per delete statement
     * @param onPurged    told how many rows each run deleted
     * @param onSize      told the table's size after each run
     */
    public LogRetention(String what, Target target, Duration retention, Duration checkWindow, Duration interval, int batchSize,
                        IntConsumer onPurged, LongConsumer onSize) {
        this.what = Objects.requireNonNull(what, "what");
        this.target = Objects.requireNonNull(target, "target");
        this.onPurged = Objects.requireNonNull(onPurged, "onPurged");
        this.onSize = Objects.requireNonNull(onSize, "onSize");
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the retention interval must be positive, was " + interval);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the retention batch size must be at least 1, was " + batchSize);
        }
        requireBeyondCheckWindow(retention, checkWindow);
        this.retention = retention;
        this.interval = interval;
        this.batchSize = batchSize;
    }

    /**
     * Checks that rows are kept well beyond the broker's check window.
     *
     * @throws IllegalArgumentException naming both durations otherwise
     */
    public static void requireBeyondCheckWindow(Duration retention, Duration checkWindow) {
        if (retention == null || checkWindow == null || retention.compareTo(checkWindow.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the retention (" + retention + ") must be at least twice the broker's check "
                + "window (" + checkWindow + " = transaction timeout + check-max x check interval): a row purged while the "
                + "broker may still ask about its message would turn a committed message into an undecidable one");
        }
    }

    /** The retention. */
    public Duration retention() {
        return retention;
    }

    /** Starts purging on a daemon thread, first after a random part of the interval (instances spread out). */
    public synchronized LogRetention start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "txmsg-retention-" + what);
                t.setDaemon(true);
                return t;
            });
            long period = interval.toMillis();
            scheduler.scheduleWithFixedDelay(this::runOnce, ThreadLocalRandom.current().nextLong(period) + 1, period,
                TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Deletes old rows in batches until fewer than a batch remain (at most 100 batches), then
     * counts the log. Never throws: a failure is logged and the next run tries again.
     *
     * @return the rows deleted
     */
    public int runOnce() {
        int total = 0;
        try {
            target.beforeRun();
            for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
                int deleted = target.purge(retention, batchSize);
                total += deleted;
                if (deleted < batchSize) {
                    break;
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("purging {} rows older than {} failed after {} rows ({}); the next run tries again",
                what, retention, total, e.toString());
        }
        onPurged.accept(total);
        try {
            onSize.accept(target.size());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not count the {} rows", what, e);
        }
        return total;
    }

    /** Stops the schedule. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
