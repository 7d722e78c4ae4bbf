package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** Consumers ({@code txmsg.consumer.*}): handlers registered with {@code @TxMsgListener} or as {@code Subscription} beans. */
public class ConsumerProperties {

    /** Whether txmsg runs the application's handlers. */
    private boolean enabled = true;

    /** Consume threads per consumer group. */
    private int threads = 8;

    /** Where a brand-new consumer group starts: last (only new messages, RocketMQ's default) or first (everything stored). */
    private StartFrom startFrom = StartFrom.LAST;

    @NestedConfigurationProperty
    private final RetentionProperties retention = new RetentionProperties();

    public ConsumerProperties() {
        retention.setPeriod(Duration.ofDays(7));
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public StartFrom getStartFrom() {
        return startFrom;
    }

    public void setStartFrom(StartFrom startFrom) {
        this.startFrom = startFrom;
    }

    /** Purging the consume log ({@code txmsg.consumer.retention.*}; default period 7 days). */
    public RetentionProperties getRetention() {
        return retention;
    }

    /** Where a new consumer group starts reading. */
    public enum StartFrom {
        /** Only messages stored from now on. */
        LAST,
        /** Every message the broker still stores. */
        FIRST
    }
}
