package dev.txmsg.rocketmq.outbox;

import java.time.Duration;

/**
 * How the outbox and its relay work. Immutable; start from {@link #defaults()}.
 *
 * @param partitions          how many partitions the outbox's ordering keys are spread over; each is
 *                            published by one relay at a time, in order. Every instance of a service
 *                            must use the same number (it decides where a key's messages go)
 * @param batchSize           the most messages a relay worker claims at once (from all of its partitions)
 * @param maxBatchBytes       the most bytes (bodies and properties) of one broker batch; at most the
 *                            producer's maximum message size
 * @param pollInterval        how often a relay looks for messages it was not woken for (another
 *                            instance's commits, a crash's leftovers)
 * @param leaseTtl            how long a relay's hold on a partition lasts without renewal; a dead
 *                            relay's partitions are taken over after it
 * @param workers             threads publishing; each owns a slice of the relay's partitions (partition
 *                            modulo workers) and publishes them in batches, one database transaction each
 * @param maxAttempts         attempts at a message the broker refuses (not transient failures, which
 *                            are retried without end) before it is FAILED and waits for an operator
 * @param initialBackoff      the wait after a failed attempt, doubled after each further one
 * @param maxBackoff          the longest wait between attempts
 * @param maxAge              health goes DOWN when the oldest waiting message is older
 * @param discardedRetention  how long discarded messages are kept for the record
 * @param publishedRetention  how long published messages are kept (marked PUBLISHED) before they are
 *                            purged; zero (the default) deletes them when published
 * @param drainInHalfMode     whether a half-message sender runs a relay too, so that messages an
 *                            outbox-mode instance left (a mode switch) are published
 */
public record OutboxOptions(int partitions, int batchSize, int maxBatchBytes, Duration pollInterval, Duration leaseTtl, int workers,
                            int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxAge,
                            Duration discardedRetention, Duration publishedRetention, boolean drainInHalfMode) {

    /** The most partitions. */
    public static final int MAX_PARTITIONS = 1024;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException naming the option, its value and what is allowed
     */
    public OutboxOptions {
        range("partitions", partitions, 1, MAX_PARTITIONS);
        range("batchSize", batchSize, 1, 10_000);
        range("maxBatchBytes", maxBatchBytes, 1024, Integer.MAX_VALUE);
        positive("pollInterval", pollInterval);
        positive("leaseTtl", leaseTtl);
        if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("leaseTtl must be at least 1s (the relay renews it every third of it), was " + leaseTtl);
        }
        range("workers", workers, 1, 64);
        range("maxAttempts", maxAttempts, 1, 1000);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be below initialBackoff (" + initialBackoff + ")");
        }
        positive("maxAge", maxAge);
        positive("discardedRetention", discardedRetention);
        if (publishedRetention == null || publishedRetention.isNegative()) {
            throw new IllegalArgumentException("publishedRetention must be zero or more, was " + publishedRetention);
        }
    }

    /**
     * 16 partitions, batches of up to 256 messages and 3 MiB, a poll every 500 ms, 10 s leases, 2
     * workers, 16 attempts with backoff from 100 ms to 60 s (about 8 minutes before a refused message
     * is FAILED: a name server that cannot be reached looks like a missing topic to the client),
     * DOWN beyond 1 min, discarded messages kept 7 days, published ones deleted at once, a relay in
     * half-message mode too.
     */
    public static OutboxOptions defaults() {
        return new OutboxOptions(16, 256, 3 * 1024 * 1024, Duration.ofMillis(500), Duration.ofSeconds(10), 2, 16,
            Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofMinutes(1), Duration.ofDays(7), Duration.ZERO, true);
    }

    /** With this many partitions. */
    public OutboxOptions withPartitions(int partitions) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With these batch limits. */
    public OutboxOptions withBatch(int batchSize, int maxBatchBytes) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With this poll interval and lease time. */
    public OutboxOptions withTiming(Duration pollInterval, Duration leaseTtl) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With this many workers. */
    public OutboxOptions withWorkers(int workers) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With these attempts and backoff. */
    public OutboxOptions withAttempts(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With this health bound. */
    public OutboxOptions withMaxAge(Duration maxAge) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With this retention of discarded messages. */
    public OutboxOptions withDiscardedRetention(Duration discardedRetention) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** Keeping published messages this long (zero: deleted when published). */
    public OutboxOptions withPublishedRetention(Duration publishedRetention) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    /** With or without a relay in half-message mode. */
    public OutboxOptions withDrainInHalfMode(boolean drainInHalfMode) {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was " + value);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
