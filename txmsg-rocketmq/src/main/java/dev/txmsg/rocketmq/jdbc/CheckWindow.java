package dev.txmsg.rocketmq.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the broker may ask about a half message: its first check-back after the transaction
 * timeout, then one every check interval, at most check-max times. The client cannot read these
 * broker settings, so they are configured; RocketMQ's defaults are 6 s, 30 s and 15.
 *
 * @param transactionTimeout the broker's {@code transactionTimeOut}
 * @param checkInterval      the broker's {@code transactionCheckInterval}
 * @param checkMax           the broker's {@code transactionCheckMax}
 */
public record CheckWindow(Duration transactionTimeout, Duration checkInterval, int checkMax) {

    /** RocketMQ's defaults: 6 s, then every 30 s, 15 times. */
    public static final CheckWindow ROCKETMQ_DEFAULTS = new CheckWindow(Duration.ofSeconds(6), Duration.ofSeconds(30), 15);

    /** Checks the components. */
    public CheckWindow {
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (checkMax < 1) {
            throw new IllegalArgumentException("checkMax must be at least 1, was " + checkMax);
        }
    }

    /** The whole window: timeout + check-max x check interval. */
    public Duration duration() {
        return transactionTimeout.plus(checkInterval.multipliedBy(checkMax));
    }

    /**
     * Checks that rows are kept at least twice the window: a log row purged while the broker may
     * still ask about its message turns a committed message into an undecidable one, and a
     * consume-log row purged while duplicates may still arrive lets one through.
     *
     * @param retention how long rows are kept
     * @throws IllegalArgumentException naming both durations otherwise
     */
    public void requireRetentionBeyond(Duration retention) {
        if (retention == null || retention.compareTo(duration().multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("the retention (" + retention + ") must be at least twice the broker's check "
                + "window, " + duration().multipliedBy(2) + " (" + duration() + " = transaction timeout + check-max x check "
                + "interval): a row purged while the broker may still ask about its message, or while duplicates of it may "
                + "still arrive, makes it undecidable or lets a duplicate through");
        }
    }
}
