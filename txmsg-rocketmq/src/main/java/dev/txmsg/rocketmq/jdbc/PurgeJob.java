package dev.txmsg.rocketmq.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.spi.TransactionLog;

/**
 * Purges rows of one of txmsg's tables older than the retention, in small batches, on a schedule.
 * Safe to run from every instance at once: each batch is one short statement, and a batch that
 * loses a lock or deadlock to another instance is simply retried next time. Rows younger than the
 * retention are never touched.
 */
public final class PurgeJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PurgeJob.class);
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

    /** The transaction log as a target. */
    public static Target of(TransactionLog log) {
        return new Target() {
            @Override
            public int purge(Duration age, int limit) throws SQLException {
                return log.purge(age, limit);
            }

            @Override
            public long size() throws SQLException {
                return log.size();
            }
        };
    }

    /**
     * Purges one of txmsg's tables.
     *
     * @param what      what is purged, for log messages and thread names
     * @param target    the table
     * @param retention age beyond which rows are deleted
     * @param window    the broker's check window, which the retention must outlast twice over
     * @param interval  time between runs
     * @param batchSize rows per delete statement
     * @param onPurged  told how many rows each run deleted
     * @param onSize    told the table's size after each run
     */
    public PurgeJob(String what, Target target, Duration retention, CheckWindow window, Duration interval, int batchSize,
                    IntConsumer onPurged, LongConsumer onSize) {
        this.what = Objects.requireNonNull(what, "what");
        this.target = Objects.requireNonNull(target, "target");
        this.onPurged = Objects.requireNonNull(onPurged, "onPurged");
        this.onSize = Objects.requireNonNull(onSize, "onSize");
        if (retention == null || retention.isZero() || retention.isNegative()) {
            throw new IllegalArgumentException("the retention must be positive, was " + retention);
        }
        window.requireRetentionBeyond(retention);
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("the retention interval must be positive, was " + interval);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the retention batch size must be at least 1, was " + batchSize);
        }
        this.retention = retention;
        this.interval = interval;
        this.batchSize = batchSize;
    }

    /** The retention. */
    public Duration retention() {
        return retention;
    }

    /** Starts purging on a thread of {@code threads}, first after a random part of the interval (instances spread out). */
    public synchronized PurgeJob start(ThreadFactory threads) {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(threads);
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
