package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

import dev.txmsg.rocketmq.outbox.OutboxOptions;

/** The outbox and its relay ({@code txmsg.outbox.*}); used in outbox mode ({@code txmsg.mode=outbox}). */
public class OutboxProperties {

    private static final OutboxOptions DEFAULTS = OutboxOptions.defaults();

    /**
     * Partitions the ordering keys are spread over; each is published by one relay at a time, in
     * order. Every instance of the service must use the same number.
     */
    private int partitions = DEFAULTS.partitions();

    /** The most messages a relay worker claims at once (from all of its partitions). */
    private int batchSize = DEFAULTS.batchSize();

    /** The most bytes (bodies and properties) of one broker batch; keep it below the producer's maximum message size. */
    private int maxBatchBytes = DEFAULTS.maxBatchBytes();

    /** How often the relay looks for messages it was not woken for (other instances' commits, a crash's leftovers). */
    private Duration pollInterval = DEFAULTS.pollInterval();

    /** How long a relay holds a partition without renewing; a dead relay's partitions are taken over after it. */
    private Duration leaseTtl = DEFAULTS.leaseTtl();

    /** Threads publishing; each owns a slice of the partitions (partition modulo workers), one database transaction per batch. */
    private int workers = DEFAULTS.workers();

    /** Attempts at a message the broker refuses before it is FAILED and waits for an operator (transient failures are retried without end). */
    private int maxAttempts = DEFAULTS.maxAttempts();

    /** The wait after a failed attempt, doubled after each further one. */
    private Duration initialBackoff = DEFAULTS.initialBackoff();

    /** The longest wait between attempts. */
    private Duration maxBackoff = DEFAULTS.maxBackoff();

    /** Health goes DOWN when the oldest waiting message is older than this. */
    private Duration maxAge = DEFAULTS.maxAge();

    /** How long discarded messages are kept for the record. */
    private Duration discardedRetention = DEFAULTS.discardedRetention();

    /** How long published messages are kept (status PUBLISHED) before they are purged; 0s deletes them when published. */
    private Duration publishedRetention = DEFAULTS.publishedRetention();

    /** Whether a half-message sender runs a relay too (if the outbox tables exist), publishing what outbox mode left after a switch. */
    private boolean drainInHalfMode = DEFAULTS.drainInHalfMode();

    /** These settings as options. */
    public OutboxOptions toOptions() {
        return new OutboxOptions(partitions, batchSize, maxBatchBytes, pollInterval, leaseTtl, workers, maxAttempts, initialBackoff,
            maxBackoff, maxAge, discardedRetention, publishedRetention, drainInHalfMode);
    }

    public int getPartitions() {
        return partitions;
    }

    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getMaxBatchBytes() {
        return maxBatchBytes;
    }

    public void setMaxBatchBytes(int maxBatchBytes) {
        this.maxBatchBytes = maxBatchBytes;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public Duration getLeaseTtl() {
        return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    public int getWorkers() {
        return workers;
    }

    public void setWorkers(int workers) {
        this.workers = workers;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    public Duration getDiscardedRetention() {
        return discardedRetention;
    }

    public void setDiscardedRetention(Duration discardedRetention) {
        this.discardedRetention = discardedRetention;
    }

    public Duration getPublishedRetention() {
        return publishedRetention;
    }

    public void setPublishedRetention(Duration publishedRetention) {
        this.publishedRetention = publishedRetention;
    }

    public boolean isDrainInHalfMode() {
        return drainInHalfMode;
    }

    public void setDrainInHalfMode(boolean drainInHalfMode) {
        this.drainInHalfMode = drainInHalfMode;
    }
}
